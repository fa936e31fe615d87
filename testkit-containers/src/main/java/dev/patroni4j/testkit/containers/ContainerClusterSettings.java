package dev.patroni4j.testkit.containers;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What a {@link PatroniContainerCluster.Builder} was told; equal settings share a cluster in the extension. */
record ContainerClusterSettings(
    String image,
    String etcdImage,
    int members,
    Optional<String> postgresBinDir,
    String homeDir,
    Map<String, Object> dynamicConfig,
    Map<String, Object> postgresParameters,
    Duration startupTimeout) {
  ContainerClusterSettings {
    dynamicConfig = Map.copyOf(dynamicConfig);
    postgresParameters = Map.copyOf(postgresParameters);
  }
}
