package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.ConsulDcs;
import dev.patroni4j.testkit.internal.Installations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a {@link LocalPatroniCluster.Builder} was told, frozen. Two equal settings describe
 * interchangeable clusters, which is what lets the JUnit extension share one cluster between test
 * classes that ask for the same thing.
 */
record ClusterSettings(
    int members,
    Optional<String> requestedScope,
    String namespace,
    Map<String, Object> dynamicConfig,
    Map<String, Object> postgresParameters,
    Map<Integer, Map<String, Object>> tags,
    boolean restTls,
    boolean restClientCertificates,
    Optional<Credentials> restAuth,
    Optional<Credentials> etcdAuth,
    Optional<ConsulDcs.Options> consul,
    Duration startupTimeout,
    Path logArchiveDir,
    Optional<Path> patroniBinary,
    Optional<String> patroniVersion,
    Map<Integer, String> memberPatroniVersions,
    Optional<Path> etcdBinary,
    Optional<String> etcdVersion,
    Path postgresBinDir,
    Optional<StandbySource> standbyOf,
    boolean standalone) {

  /**
   * The Patroni member {@code number} runs: its own version, else the cluster's, else the binary
   * ({@code patroni} on the PATH by default). Members added later get the cluster's.
   */
  PatroniInstallation patroniFor(int number) {
    Optional<String> version = Optional.ofNullable(memberPatroniVersions.get(number)).or(this::patroniVersion);
    return version.map(PatroniInstallation::of)
        .orElseGet(() -> PatroniInstallation.fromBinary(patroniBinary.orElseGet(() -> Installations.onPath("patroni"))));
  }

  /** The etcd the cluster's DCS runs: the version asked for, else the binary ({@code etcd} on the PATH). */
  EtcdInstallation etcd() {
    return etcdVersion.map(EtcdInstallation::of)
        .orElseGet(() -> EtcdInstallation.fromBinary(etcdBinary.orElseGet(() -> Installations.onPath("etcd"))));
  }
}
