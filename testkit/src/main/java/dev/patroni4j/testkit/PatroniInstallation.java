package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.Installations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One Patroni release the test kit can run a member on: its {@code patroni} and {@code
 * patronictl}, and the Python path that makes them load their own modules. The versions the test
 * kit knows are {@link #VERSIONS}: 3.0.2 is Debian 12's system package ({@code /usr/bin/patroni});
 * 4.0.7 (Debian trixie) and 4.1.5 (Debian forky) are Debian's packages unpacked by {@code
 * bin/prereqs} into {@code ${PATRONI4J_CACHE:-/var/cache/patroni4j}/patroni-<version>/} and run
 * with the system's {@code /usr/bin/python3}.
 *
 * <pre>{@code
 * import static org.assertj.core.api.Assertions.assertThat;
 * PatroniInstallation newest = PatroniInstallation.of(PatroniInstallation.NEWEST).requireInstalled();
 * try (LocalPatroniCluster cluster = LocalPatroniCluster.builder()
 *         .patroniVersion("4.0.7")          // every member ...
 *         .patroniVersion(3, "4.1.5")       // ... but pg3
 *         .start()) {
 *     assertThat(cluster.node("pg3").patroniVersion()).isEqualTo("4.1.5");
 *     assertThat(cluster.reportedPatroniVersion(cluster.node("pg3"))).isEqualTo("4.1.5");
 * }
 * }</pre>
 *
 * <p>An immutable value; thread-safe.
 *
 * @param version the release, e.g. {@code 4.1.5}
 * @param patroni the {@code patroni} script
 * @param patronictl the {@code patronictl} script
 * @param cacheDirectory the {@code dpkg-deb -x} of the Debian package that holds the scripts and
 *     their modules; empty for a system package or a binary run as it is
 */
public record PatroniInstallation(String version, Path patroni, Path patronictl, Optional<Path> cacheDirectory) {
  /** Every version the test kit knows, oldest first. */
  public static final List<String> VERSIONS = List.of("3.0.2", "4.0.7", "4.1.5");
  /** The newest version the test kit knows. */
  public static final String NEWEST = "4.1.5";
  /** Debian 12's system package. */
  public static final String SYSTEM = "3.0.2";

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  public PatroniInstallation {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(patroni, "patroni");
    Objects.requireNonNull(patronictl, "patronictl");
    Objects.requireNonNull(cacheDirectory, "cacheDirectory");
    Installations.requireVersion("Patroni", version);
  }

  /**
   * The installation of {@code version}: the cache's {@code patroni-<version>} when it is there,
   * else for {@link #SYSTEM} the system package. Does not check that it is installed ({@link
   * #requireInstalled()}).
   */
  public static PatroniInstallation of(String version) {
    Installations.requireVersion("Patroni", version);
    Path home = Installations.cacheRoot().resolve("patroni-" + version);
    if (version.equals(SYSTEM) && !Installations.isCached(home)) {
      Path patroni = Installations.onPath("patroni");
      return new PatroniInstallation(version, patroni, patroni.resolveSibling("patronictl"), Optional.empty());
    }
    return new PatroniInstallation(version, home.resolve("usr/bin/patroni"), home.resolve("usr/bin/patronictl"),
        Optional.of(home));
  }

  /** Every version in {@link #VERSIONS}. */
  public static List<PatroniInstallation> all() {
    return VERSIONS.stream().map(PatroniInstallation::of).toList();
  }

  /**
   * A {@code patroni} executable run as it is, with {@code patronictl} beside it; its version is
   * what {@code patroni --version} answers (asked once per JVM).
   *
   * @throws TestkitException when it is not executable or does not answer with a version
   */
  public static PatroniInstallation fromBinary(Path patroni) {
    if (!Files.isExecutable(patroni)) {
      throw new TestkitException("patroni not found at " + patroni + ": install the Debian package 'patroni'"
          + " (apt-get install patroni) or point the builder at it");
    }
    String version = Installations.askVersion(List.of(patroni.toString(), "--version"), Map.of(),
        "patroni (\\d+\\.\\d+\\.\\d+)");
    return new PatroniInstallation(version, patroni, patroni.resolveSibling("patronictl"), Optional.empty());
  }

  /** Whether the scripts are there (for a cached release: {@code bin/prereqs} completed it). */
  public boolean isInstalled() {
    return cacheDirectory.map(home -> Installations.isCached(home) && Files.isRegularFile(patroni)
            && Files.isRegularFile(patronictl))
        .orElseGet(() -> Files.isExecutable(patroni) && Files.isExecutable(patronictl));
  }

  /**
   * This installation, after checking that it is there; fails at once, without starting anything.
   *
   * @throws InstallationMissingException naming the command that installs it
   */
  public PatroniInstallation requireInstalled() {
    if (!isInstalled()) {
      throw cacheDirectory.isPresent()
          ? InstallationMissingException.cached("Patroni", version, cacheDirectory.get())
          : new InstallationMissingException("Patroni", version, patroni,
              "apt-get install patroni (Debian 12's patroni is " + SYSTEM + ")");
    }
    return this;
  }

  /** Whether this release is {@code version} or newer, e.g. {@code isAtLeast("4.0")}. */
  public boolean isAtLeast(String version) {
    return Installations.compareVersions(this.version, version) >= 0;
  }

  /** The command line that runs {@code patroni} with {@code config}. */
  public List<String> patroniCommand(Path config) {
    return command(patroni, List.of(config.toString()));
  }

  /** The command line that runs {@code patronictl} with {@code args}. */
  public List<String> patronictlCommand(List<String> args) {
    return command(patronictl, args);
  }

  /**
   * The environment the commands need: for a cached release {@code PYTHONPATH}, so that its
   * modules come before the system package's.
   */
  public Map<String, String> environment() {
    return cacheDirectory.map(home -> Map.of("PYTHONPATH", home.resolve("usr/lib/python3/dist-packages").toString()))
        .orElse(Map.of());
  }

  private List<String> command(Path script, List<String> args) {
    List<String> command = new ArrayList<>();
    if (cacheDirectory.isPresent()) {
      // The scripts' own interpreter line names /usr/bin/python3 too; saying it keeps a missing
      // execute bit or a foreign interpreter line from mattering.
      command.add(PYTHON.toString());
    }
    command.add(script.toString());
    command.addAll(args);
    return command;
  }
}
