package dev.patroni4j.client.dcs;

/**
 * The outcome of a compare-and-set write: written, or refused because the key's version was not the one
 * expected (someone else wrote it first).
 *
 * <pre>{@code
 * import dev.patroni4j.client.model.DynamicConfig;
 * // given: DcsClient dcs; ClusterRef cluster; ClusterSnapshot snapshot; DynamicConfig newConfig;
 * CasResult r = dcs.setConfig(cluster, newConfig, snapshot.config().version());
 * if (r instanceof CasResult.Conflict c) {
 *   // re-read and decide again
 * }
 * }</pre>
 */
public sealed interface CasResult {

  /** True if the value was written. */
  default boolean isWritten() {
    return this instanceof Written;
  }

  /**
   * The value was written.
   *
   * @param version the key's new version
   */
  record Written(long version) implements CasResult {}

  /**
   * Nothing was written: the key's version did not match.
   *
   * @param expectedVersion the version the write expected ({@link DcsClient#ABSENT}: that the key is absent)
   * @param currentVersion the key's version now ({@link DcsClient#ABSENT} if absent)
   */
  record Conflict(long expectedVersion, long currentVersion) implements CasResult {}
}
