package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.ConsulDcs;
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
    Optional<Credentials> restAuth,
    Optional<Credentials> etcdAuth,
    Optional<ConsulDcs.Options> consul,
    Duration startupTimeout,
    Path logArchiveDir,
    Path patroniBinary,
    Path etcdBinary,
    Path postgresBinDir) {}
