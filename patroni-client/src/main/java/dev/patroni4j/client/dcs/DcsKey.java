package dev.patroni4j.client.dcs;

import java.util.Optional;

/**
 * The keys Patroni writes under a cluster's prefix ({@link ClusterRef#keyPrefix()}), by their path relative to it.
 *
 * <p>{@link #MEMBERS} is a directory: each member lives at {@code members/<name>}.
 */
public enum DcsKey {
  /** The leader's member name, bound to the leader's lease or session. */
  LEADER("leader"),
  /** One JSON document per member under {@code members/<name>}, bound to the member's lease or session. */
  MEMBERS("members/"),
  /** The dynamic configuration (JSON object). */
  CONFIG("config"),
  /** The PostgreSQL system identifier of the cluster, as text. */
  INITIALIZE("initialize"),
  /** A requested switchover or failover (JSON object, {@code {}} when none). */
  FAILOVER("failover"),
  /** The synchronous replication state (JSON object). */
  SYNC("sync"),
  /** The timeline history (JSON array). */
  HISTORY("history"),
  /** The leader's last known WAL position and slots (JSON object, Patroni 2.1+). */
  STATUS("status"),
  /** The leader's last known WAL position as a plain number (before Patroni 2.1). */
  OPTIME_LEADER("optime/leader"),
  /** The failsafe member list (JSON object, Patroni 3.0+). */
  FAILSAFE("failsafe");

  private final String path;

  DcsKey(String path) {
    this.path = path;
  }

  /** The path relative to the cluster prefix, e.g. {@code "leader"} or {@code "members/"}. */
  public String path() {
    return path;
  }

  /** The key a relative path names: {@code "members/pg1"} is {@link #MEMBERS}; unknown paths are empty. */
  public static Optional<DcsKey> ofRelativePath(String relativePath) {
    if (relativePath.startsWith(MEMBERS.path)) {
      String name = relativePath.substring(MEMBERS.path.length());
      return name.isEmpty() || name.contains("/") ? Optional.empty() : Optional.of(MEMBERS);
    }
    for (DcsKey key : values()) {
      if (key != MEMBERS && key.path.equals(relativePath)) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }
}
