package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.Installations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One etcd release a cluster's DCS can run on: {@code 3.4} is the system's {@code etcd-server}
 * (Debian 12: 3.4.23, {@code /usr/bin/etcd}); {@code 3.5} is Debian trixie's 3.5.16, unpacked by
 * {@code bin/prereqs} into {@code ${PATRONI4J_CACHE:-/var/cache/patroni4j}/etcd-3.5.16/}.
 *
 * <pre>{@code
 * import static org.assertj.core.api.Assertions.assertThat;
 * try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().etcdVersion("3.5").start()) {
 *     assertThat(cluster.etcdVersion()).startsWith("3.5.");
 * }
 * }</pre>
 *
 * <p>An immutable value; thread-safe.
 *
 * @param version the release as asked for: {@code 3.4}, {@code 3.5} or an exact {@code 3.5.16}
 * @param etcd the server binary
 * @param etcdctl the client binary beside it
 * @param cacheDirectory the {@code dpkg-deb -x} holding the binaries; empty for the system package
 */
public record EtcdInstallation(String version, Path etcd, Path etcdctl, Optional<Path> cacheDirectory) {
  /** The etcd 3.5 release {@code bin/prereqs} fetches. */
  public static final String CACHED_3_5 = "3.5.16";
  /** Every etcd line the test kit knows, oldest first. */
  public static final List<String> VERSIONS = List.of("3.4", "3.5");

  public EtcdInstallation {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(etcd, "etcd");
    Objects.requireNonNull(etcdctl, "etcdctl");
    Objects.requireNonNull(cacheDirectory, "cacheDirectory");
    Installations.requireVersion("etcd", version);
  }

  /**
   * {@code 3.4} (or any 3.4.x): the system's etcd; {@code 3.5}: {@value #CACHED_3_5} from the
   * cache; any other exact version: {@code etcd-<version>} from the cache.
   */
  public static EtcdInstallation of(String version) {
    Installations.requireVersion("etcd", version);
    if (version.equals("3.4") || version.startsWith("3.4.")) {
      return fromBinary(Installations.onPath("etcd"), version);
    }
    String exact = version.equals("3.5") ? CACHED_3_5 : version;
    Path home = Installations.cacheRoot().resolve("etcd-" + exact);
    return new EtcdInstallation(exact, home.resolve("usr/bin/etcd"), home.resolve("usr/bin/etcdctl"), Optional.of(home));
  }

  /**
   * An {@code etcd} binary run as it is, with {@code etcdctl} beside it; its version is what {@code
   * etcd --version} answers (asked once per JVM).
   *
   * @throws TestkitException when it is not executable or does not answer with a version
   */
  public static EtcdInstallation fromBinary(Path etcd) {
    if (!Files.isExecutable(etcd)) {
      throw new TestkitException("etcd not found at " + etcd + ": install the Debian package 'etcd-server'"
          + " (apt-get install etcd-server) or point the builder at it");
    }
    String version = Installations.askVersion(List.of(etcd.toString(), "--version"), Map.of(), "etcd Version: (\\S+)");
    return fromBinary(etcd, version);
  }

  private static EtcdInstallation fromBinary(Path etcd, String version) {
    return new EtcdInstallation(version, etcd, etcd.resolveSibling("etcdctl"), Optional.empty());
  }

  public boolean isInstalled() {
    return cacheDirectory.map(Installations::isCached).orElse(true) && Files.isExecutable(etcd);
  }

  /**
   * This installation, after checking that it is there.
   *
   * @throws InstallationMissingException naming the command that installs it
   */
  public EtcdInstallation requireInstalled() {
    if (!isInstalled()) {
      throw cacheDirectory.isPresent()
          ? InstallationMissingException.cached("etcd", version, cacheDirectory.get())
          : new InstallationMissingException("etcd", version, etcd, "apt-get install etcd-server");
    }
    return this;
  }

}
