package dev.patroni4j.runbooks;

import dev.patroni4j.client.Confirmable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, ordered composition of steps, sub-runbooks and plan-time bindings. Runbooks do nothing by
 * themselves; a {@link RunbookRunner} plans and executes them.
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * import dev.patroni4j.client.model.Member;
 * // given: PatroniClient client; Function<String, Step> restartStep; Runbook switchover; Step restartOldLeader;
 * Fact<List<String>> replicas = Fact.texts("replicas");
 * Runbook rolling = Runbook.named("rolling-restart")
 *     .bind(replicas, ctx -> client.cluster().replicas().stream()   // resolved once, at plan time, then journaled
 *         .filter(Member::pendingRestart).map(Member::name).toList())
 *     .forEach(replicas, member -> restartStep.apply(member))       // one step per bound value, in order
 *     .include(switchover)                                          // a sub-runbook: its steps become "switchover/..."
 *     .step(restartOldLeader, StepPolicy.custom().verifyTimeout(Duration.ofMinutes(5)).build())
 *     .build();
 * }</pre>
 *
 * <p>Bindings are how a runbook fixes the facts it was planned on (the leader to switch away from, the members to
 * restart and their order): typed {@link Fact}s resolved when the plan is made, stored in the plan and the journal,
 * and read back as the same typed values on resume, so a resumed run walks exactly the steps the interrupted one
 * planned.
 *
 * <p>Thread-safety: immutable and thread-safe; share freely.
 */
public final class Runbook {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-\\[\\]=,]+");

  private final String name;
  private final List<Element> elements;
  private final @Nullable Function<Facts, Confirmable> confirmationTarget;

  private Runbook(String name, List<Element> elements, @Nullable Function<Facts, Confirmable> confirmationTarget) {
    this.name = name;
    this.elements = List.copyOf(elements);
    this.confirmationTarget = confirmationTarget;
  }

  /**
   * What this runbook's destructive steps are confirmed for, made from the plan's bindings; empty: the cluster's
   * identity as the runner observes it ({@link ClusterIdentity#confirmationToken()}).
   */
  Optional<Confirmable> confirmationTarget(Facts bindings) {
    return confirmationTarget == null ? Optional.empty() : Optional.of(confirmationTarget.apply(bindings));
  }

  /** Starts a runbook; {@code name} is journaled and must match when resuming. */
  public static Builder named(String name) {
    return new Builder(checkName(name, "runbook name"));
  }

  public String name() {
    return name;
  }

  /** Resolves a binding's value at plan time; may observe the cluster and read earlier bindings. */
  @FunctionalInterface
  public interface Binder<T> {
    T resolve(StepContext ctx) throws Exception;
  }

  sealed interface Element {}

  /** A step; {@code armedBy}, when set, names the earlier step whose intent makes it a cleanup step. */
  record StepElement(Step step, StepPolicy policy, @Nullable String armedBy) implements Element {}

  record Include(Runbook runbook) implements Element {}

  /** A binding; an optional one may resolve to nothing (then the plan has no value for it). */
  record Bind<T>(Fact<T> fact, Binder<Optional<T>> binder) implements Element {
    String name() {
      return fact.name();
    }

    /** Resolves and adds the value (if any) to {@code into}. */
    Facts resolveInto(Facts into, StepContext ctx) throws Exception {
      Optional<T> value = binder.resolve(ctx);
      return value.map(v -> into.with(fact, v)).orElse(into);
    }
  }

  record ForEach<T>(Fact<List<T>> binding, Function<T, Step> factory, StepPolicy policy) implements Element {
    List<Step> steps(Facts values) {
      List<T> items = values.find(binding)
          .orElseThrow(() -> new IllegalArgumentException("binding '" + binding.name() + "' was not resolved"));
      return items.stream().map(factory).toList();
    }
  }

  /**
   * A step with its id (path within nested runbooks) and policy, ready to run; {@code armedBy} is the id of the step
   * whose journaled intent makes this one run also after the run stopped (see {@link Builder#cleanupStep}).
   */
  record Resolved(String id, Step step, StepPolicy policy, @Nullable String armedBy) {
    Resolved(String id, Step step, StepPolicy policy) {
      this(id, step, policy, null);
    }
  }

  /** Bindings in declaration order (nested ones included), each with its qualified position. */
  List<Bind<?>> bindings() {
    List<Bind<?>> out = new ArrayList<>();
    for (Element e : elements) {
      if (e instanceof Bind<?> b) {
        out.add(b);
      } else if (e instanceof Include inc) {
        out.addAll(inc.runbook.bindings());
      }
    }
    return out;
  }

  /** The flat, ordered list of steps for the given binding values. */
  List<Resolved> resolve(Facts values, StepPolicy defaultPolicy) {
    List<Resolved> out = new ArrayList<>();
    resolveInto(out, "", values, defaultPolicy);
    Set<String> seen = new HashSet<>();
    for (Resolved r : out) {
      if (r.armedBy() != null && !seen.contains(r.armedBy())) {
        throw new IllegalArgumentException("cleanup step '" + r.id() + "' is armed by '" + r.armedBy()
            + "', which is not an earlier step of runbook '" + name + "'");
      }
      if (!seen.add(r.id())) {
        throw new IllegalArgumentException("runbook '" + name + "' has two steps with id '" + r.id() + "'");
      }
    }
    return out;
  }

  // DEFAULT is an identity sentinel for "no policy given": a given policy equal to the defaults stays given.
  @SuppressWarnings("ReferenceEquality")
  private void resolveInto(
      List<Resolved> out, String prefix, Facts values, StepPolicy defaultPolicy) {
    for (Element e : elements) {
      if (e instanceof StepElement s) {
        out.add(new Resolved(prefix + checkName(s.step.name(), "step name"), s.step,
            s.policy == DEFAULT ? defaultPolicy : s.policy, s.armedBy == null ? null : prefix + s.armedBy));
      } else if (e instanceof Include inc) {
        inc.runbook.resolveInto(out, prefix + inc.runbook.name + "/", values, defaultPolicy);
      } else if (e instanceof ForEach<?> f) {
        for (Step step : f.steps(values)) {
          out.add(new Resolved(prefix + checkName(step.name(), "step name"), step,
              f.policy() == DEFAULT ? defaultPolicy : f.policy()));
        }
      }
    }
  }

  private static String checkName(String name, String what) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " '" + name + "' must match " + NAME.pattern());
    }
    return name;
  }

  /** Marker for "use the runner's default policy". */
  private static final StepPolicy DEFAULT = StepPolicy.ofDefaults();

  @Override
  public String toString() {
    return "Runbook[" + name + ", " + elements.size() + " elements]";
  }

  /** Builder for {@link Runbook}; not thread-safe. */
  public static final class Builder {
    private final String name;
    private final List<Element> elements = new ArrayList<>();
    private final Map<String, Boolean> bindingNames = new LinkedHashMap<>();
    private @Nullable Function<Facts, Confirmable> confirmationTarget;

    private Builder(String name) {
      this.name = name;
    }

    /** Appends a step run with the runner's default policy. */
    public Builder step(Step step) {
      return step(step, DEFAULT);
    }

    /** Appends a step with its own timeout and read-retry policy. */
    public Builder step(Step step, StepPolicy policy) {
      Objects.requireNonNull(step, "step == null");
      Objects.requireNonNull(policy, "policy == null");
      checkName(step.name(), "step name");
      elements.add(new StepElement(step, policy, null));
      return this;
    }

    /**
     * Appends a cleanup step: in order like any step on the normal path, and also when an earlier step stopped the
     * run (failed or refused), provided the step named {@code armedBy} (an earlier step of this runbook) journaled an
     * intent to act, in this run or an earlier run of the same journal. This is how a runbook undoes what it started
     * whatever happens in between (e.g. resumes a pooler it paused); a run that stopped before {@code armedBy} acted
     * leaves it alone. The run still ends with the result of the step that stopped it; a cleanup step that fails too
     * is named in its reason. Its {@link Step#decide} must recognise when there is nothing to undo.
     */
    public Builder cleanupStep(String armedBy, Step step, StepPolicy policy) {
      Objects.requireNonNull(step, "step == null");
      Objects.requireNonNull(policy, "policy == null");
      checkName(step.name(), "step name");
      elements.add(new StepElement(step, policy, checkName(armedBy, "armedBy")));
      return this;
    }

    /** Appends all of {@code runbook}'s steps, with ids prefixed by its name. */
    public Builder include(Runbook runbook) {
      elements.add(new Include(Objects.requireNonNull(runbook, "runbook == null")));
      return this;
    }

    /** Declares a plan-time binding; see the class documentation. */
    public <T> Builder bind(Fact<T> fact, Binder<T> binder) {
      Objects.requireNonNull(binder, "binder == null");
      return bindOptional(fact, ctx -> Optional.of(binder.resolve(ctx)));
    }

    /**
     * Declares a plan-time binding that may resolve to nothing (e.g. "no candidate named: choose when deciding");
     * steps read it with {@link StepContext#findBinding}.
     */
    public <T> Builder bindOptional(Fact<T> fact, Binder<Optional<T>> binder) {
      Objects.requireNonNull(fact, "fact == null");
      if (bindingNames.put(fact.name(), true) != null) {
        throw new IllegalArgumentException("binding '" + fact.name() + "' declared twice");
      }
      elements.add(new Bind<>(fact, Objects.requireNonNull(binder, "binder == null")));
      return this;
    }

    /** Appends one step per value of {@code binding}, made by {@code factory}; step names must differ per value. */
    public <T> Builder forEach(Fact<List<T>> binding, Function<T, Step> factory) {
      return forEach(binding, factory, DEFAULT);
    }

    public <T> Builder forEach(Fact<List<T>> binding, Function<T, Step> factory, StepPolicy policy) {
      elements.add(new ForEach<>(binding, Objects.requireNonNull(factory, "factory == null"),
          Objects.requireNonNull(policy, "policy == null")));
      return this;
    }

    /**
     * Confirms this runbook's {@link Impact#DESTRUCTIVE} steps for a target made from the plan's bindings instead of
     * the cluster's identity: the operator's {@link dev.patroni4j.client.Confirmation} must then carry {@code
     * target}'s token (e.g. one bound to the cluster, the data directories and the recovery target of a restore, so
     * a token for another target is refused). The runner checks it before the run starts and again before each
     * destructive action, also when the run resumes from its journal (the bindings are the journaled plan's).
     */
    public Builder confirmedBy(Function<Facts, Confirmable> target) {
      this.confirmationTarget = Objects.requireNonNull(target, "target == null");
      return this;
    }

    public Runbook build() {
      return new Runbook(name, elements, confirmationTarget);
    }
  }
}
