package dev.patroni4j.runbooks;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a step decided after observing the cluster, with the facts it decided on (leader, timeline, LSN, member set).
 * The facts are journaled before the step acts; they must not contain secrets.
 *
 * <pre>{@code
 * return timeline > recorded ? Decision.satisfied("timeline advanced to " + timeline, Map.of("timeline", "" + timeline))
 *                            : Decision.needsAction("leader is still pg1", Map.of("leader", "pg1"));
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface Decision {
  String reason();

  Map<String, String> facts();

  /** The step's goal already holds; the step is skipped and reported as such. */
  record Satisfied(String reason, Map<String, String> facts) implements Decision {
    public Satisfied {
      facts = Map.copyOf(facts);
    }
  }

  /** The step must act; {@code facts} are what the action relies on and what resumption compares against. */
  record NeedsAction(String reason, Map<String, String> facts) implements Decision {
    public NeedsAction {
      facts = Map.copyOf(facts);
    }
  }

  /** The step cannot proceed safely; the runbook ends refused with this reason and nothing changed by this step. */
  record Blocked(String reason, Map<String, String> facts) implements Decision {
    public Blocked {
      facts = Map.copyOf(facts);
    }
  }

  static Satisfied satisfied(String reason) {
    return new Satisfied(reason, Map.of());
  }

  static Satisfied satisfied(String reason, Map<String, String> facts) {
    return new Satisfied(reason, facts);
  }

  static NeedsAction needsAction(String reason, Map<String, String> facts) {
    return new NeedsAction(reason, facts);
  }

  static Blocked blocked(String reason, Map<String, String> facts) {
    return new Blocked(reason, facts);
  }

  static Blocked blocked(String reason) {
    return new Blocked(reason, Map.of());
  }

  /** The decision's kind as a stable lower-case word for plans and journals. */
  default String kind() {
    if (this instanceof Satisfied) {
      return "satisfied";
    }
    return this instanceof NeedsAction ? "needs-action" : "blocked";
  }

  /** Facts sorted by key, for stable output. */
  default Map<String, String> sortedFacts() {
    return new TreeMap<>(facts());
  }
}
