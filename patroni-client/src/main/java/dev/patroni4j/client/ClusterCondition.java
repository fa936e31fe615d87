package dev.patroni4j.client;

/**
 * Something that should become true of a cluster; see {@link Conditions} for the usual ones.
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * ClusterCondition twoReplicas = ClusterCondition.of("two replicas", o -> o.view().replicas().size() == 2);
 * client.waitUntil(twoReplicas, Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>Implementations must be side-effect free and thread-safe.
 */
public interface ClusterCondition {
  /** True if the condition holds in this observation. */
  boolean test(ClusterObservation observation);

  /** A short description for messages, e.g. {@code leader is pg2}. */
  String describe();

  /**
   * Why the condition does not hold in {@code observation}, for progress and timeout messages (e.g. {@code pg3 is
   * starting}). The default names the condition; the conditions of {@link Conditions} say what is missing.
   */
  default String whyNot(ClusterObservation observation) {
    return "not yet: " + describe();
  }

  /** True if {@link #test} needs each member's {@code /patroni} status, not only the topology. */
  default boolean needsMemberStatuses() {
    return false;
  }

  /** A condition on the topology from a predicate. */
  static ClusterCondition of(String description, java.util.function.Predicate<ClusterObservation> predicate) {
    return new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) { return predicate.test(o); }
      @Override public String describe() { return description; }
    };
  }
}
