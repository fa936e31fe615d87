package dev.patroni4j.runbooks;

import java.util.Map;

/**
 * One observation of whether a step's action took effect. The runner polls {@link Step#verify} until {@link Done} or
 * {@link Failed}, or the step's deadline passes.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface Verification {
  String reason();

  /** The effect is visible; the step is complete. */
  record Done(String reason, Map<String, String> facts) implements Verification {
    public Done {
      facts = Map.copyOf(facts);
    }
  }

  /** Not yet; {@code reason} is the last observation, quoted if the deadline passes. */
  record Pending(String reason) implements Verification {}

  /** The action definitely did not and will not take effect. */
  record Failed(String reason, Map<String, String> facts) implements Verification {
    public Failed {
      facts = Map.copyOf(facts);
    }
  }

  static Done done(String reason) {
    return new Done(reason, Map.of());
  }

  static Done done(String reason, Map<String, String> facts) {
    return new Done(reason, facts);
  }

  static Pending pending(String lastObserved) {
    return new Pending(lastObserved);
  }

  static Failed failed(String reason, Map<String, String> facts) {
    return new Failed(reason, facts);
  }
}
