package dev.patroni4j.testkit.containers;

import java.net.URI;

/**
 * One member of a {@link PatroniContainerCluster}: a container running Patroni and the PostgreSQL it manages.
 * Names are {@code pg1}, {@code pg2}, ... in start order; a member added later takes the next number.
 *
 * <pre>{@code
 * // given: PatroniContainerCluster cluster;
 * ContainerMember member = cluster.member("pg2");
 * try (Connection c = DriverManager.getConnection(member.jdbcUrl(), cluster.superuser(), cluster.superuserPassword())) {
 *   c.createStatement().execute("SELECT 1");
 * }
 * URI status = member.restUrl().resolve("/patroni");
 * }</pre>
 *
 * <p>{@link #restUrl()} and {@link #jdbcUrl()} are ports Docker published on 127.0.0.1; Docker picks new ones when
 * a stopped or killed member starts again, so read them after {@link PatroniContainerCluster#start(ContainerMember)}.
 * {@link #networkAddress()} is the member's fixed address on the cluster's network, the one Patroni advertises.
 *
 * <p>Thread-safe: the published ports are swapped under the cluster's lock.
 */
public final class ContainerMember {
  static final int REST_PORT = 8008;
  static final int POSTGRES_PORT = 5432;

  private final String name;
  private final String containerId;
  private final String networkAddress;
  private final String volume;
  private volatile int publishedRestPort;
  private volatile int publishedPostgresPort;

  ContainerMember(String name, String containerId, String networkAddress, String volume) {
    this.name = name;
    this.containerId = containerId;
    this.networkAddress = networkAddress;
    this.volume = volume;
  }

  public String name() {
    return name;
  }

  /** The REST API as the host reaches it, e.g. {@code http://127.0.0.1:32771}. */
  public URI restUrl() {
    return URI.create("http://127.0.0.1:" + publishedRestPort);
  }

  /** JDBC URL of this member's PostgreSQL as the host reaches it (database {@code postgres}). */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + publishedPostgresPort + "/postgres";
  }

  /**
   * The member's address on the cluster's network, e.g. {@code 172.18.0.11}: what Patroni advertises in the
   * topology's {@code api_url} and {@code conn_url}. A Linux host reaches it directly (so a {@code PatroniClient}
   * following the topology does); Docker Desktop's virtual machine keeps it from the host.
   */
  public String networkAddress() {
    return networkAddress;
  }

  /** The Docker container's id. */
  public String containerId() {
    return containerId;
  }

  String volume() {
    return volume;
  }

  void published(int restPort, int postgresPort) {
    this.publishedRestPort = restPort;
    this.publishedPostgresPort = postgresPort;
  }

  @Override
  public String toString() {
    return name + "@" + networkAddress + " (container " + containerId.substring(0, Math.min(12, containerId.length())) + ")";
  }
}
