package dev.patroni4j.runbooks;

import java.util.Locale;
import java.util.Objects;

/**
 * What a step decided after observing the cluster, with the typed facts it decided on (leader, timeline, LSN, member
 * set). The facts are journaled before the step acts and read back typed on resume; they must not contain secrets.
 *
 * <pre>{@code
 * import dev.patroni4j.client.model.Timeline;
 * // given: String leader; String from; Timeline timeline; Fact<String> LEADER; Fact<Timeline> TIMELINE;
 * Decision d = leader.equals(from)
 *     ? Decision.needsAction("leader is still " + from, Facts.of(LEADER, from, TIMELINE, timeline))
 *     : Decision.satisfied("leader is " + leader + ", not " + from);
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface Decision {
  String reason();

  Facts facts();

  /** The decision's kind. */
  Kind kind();

  /** The kinds of decision, plus {@link #UNOBSERVABLE} for a plan step that could not observe the cluster. */
  enum Kind {
    /** The goal already holds; the step does nothing. */
    SATISFIED,
    /** The step will act (or wait). */
    NEEDS_ACTION,
    /** The step cannot proceed safely; the run ends refused. */
    BLOCKED,
    /** Only in plans: the step could not observe the cluster when the plan was made. */
    UNOBSERVABLE;

    /** The lower-case word plans print, e.g. {@code needs-action}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The step's goal already holds; the step is skipped and reported as such. */
  record Satisfied(String reason, Facts facts) implements Decision {
    public Satisfied {
      Objects.requireNonNull(reason, "reason == null");
      Objects.requireNonNull(facts, "facts == null");
    }

    @Override
    public Kind kind() {
      return Kind.SATISFIED;
    }
  }

  /** The step must act; {@code facts} are what the action relies on and what resumption compares against. */
  record NeedsAction(String reason, Facts facts) implements Decision {
    public NeedsAction {
      Objects.requireNonNull(reason, "reason == null");
      Objects.requireNonNull(facts, "facts == null");
    }

    @Override
    public Kind kind() {
      return Kind.NEEDS_ACTION;
    }
  }

  /** The step cannot proceed safely; the runbook ends refused with this reason and nothing changed by this step. */
  record Blocked(String reason, Facts facts) implements Decision {
    public Blocked {
      Objects.requireNonNull(reason, "reason == null");
      Objects.requireNonNull(facts, "facts == null");
    }

    @Override
    public Kind kind() {
      return Kind.BLOCKED;
    }
  }

  static Satisfied satisfied(String reason) {
    return new Satisfied(reason, Facts.of());
  }

  static Satisfied satisfied(String reason, Facts facts) {
    return new Satisfied(reason, facts);
  }

  static NeedsAction needsAction(String reason) {
    return new NeedsAction(reason, Facts.of());
  }

  static NeedsAction needsAction(String reason, Facts facts) {
    return new NeedsAction(reason, facts);
  }

  static Blocked blocked(String reason, Facts facts) {
    return new Blocked(reason, facts);
  }

  static Blocked blocked(String reason) {
    return new Blocked(reason, Facts.of());
  }
}
