package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Every verdict of one evaluation of {@link Guardrails}, and whether they refuse the run. A refused plan step or
 * action carries the report as typed evidence ({@link #toFacts()}; one {@code guardrail.<check>[<member>]} fact per
 * verdict), which {@link #verdictsIn} reads back, e.g. from a {@code RunbookResult.Refused}'s evidence.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.Plan;
 * import dev.patroni4j.runbooks.PlannedStep;
 * // given: Plan plan;
 * for (PlannedStep s : plan.steps()) {
 *   for (GuardrailVerdict v : GuardrailReport.verdictsIn(s.facts())) {
 *     System.out.println(s.stepId() + " " + v.status() + " " + v.describe());
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 *
 * @param verdicts the verdicts, in the order the checks ran
 * @param refuseUnchecked whether a check that was not made refuses ({@link Guardrails#refuseUnchecked()})
 */
public record GuardrailReport(List<GuardrailVerdict> verdicts, boolean refuseUnchecked) {
  /** The one-line summary of a report, as journaled with its verdicts. */
  public static final Fact<String> SUMMARY = Fact.text("guardrails");

  private static final String PREFIX = "guardrail.";
  private static final Pattern SIMPLE = Pattern.compile("[A-Za-z0-9_.\\-]+");

  public GuardrailReport {
    verdicts = List.copyOf(verdicts);
  }

  /** The verdicts with {@code status}. */
  public List<GuardrailVerdict> withStatus(GuardrailVerdict.Status status) {
    return verdicts.stream().filter(v -> v.status() == status).toList();
  }

  /** The violated checks. */
  public List<GuardrailVerdict> violations() {
    return withStatus(GuardrailVerdict.Status.VIOLATED);
  }

  /** The checks that could not be made. */
  public List<GuardrailVerdict> notChecked() {
    return withStatus(GuardrailVerdict.Status.NOT_CHECKED);
  }

  /** The verdicts that refuse the run: violations, and the checks not made when {@link #refuseUnchecked}. */
  public List<GuardrailVerdict> refusals() {
    return verdicts.stream().filter(v -> v.status() == GuardrailVerdict.Status.VIOLATED
        || (refuseUnchecked && v.status() == GuardrailVerdict.Status.NOT_CHECKED)).toList();
  }

  /** True when the run must not act. */
  public boolean refuses() {
    return !refusals().isEmpty();
  }

  /**
   * The sentence a plan or refusal shows: {@code guardrails refused: <each refusal>; not checked: ...} or {@code
   * guardrails passed: ...; not checked: ...}.
   */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (refuses()) {
      parts.add("guardrails refused: " + join(refusals()));
      List<GuardrailVerdict> other = verdicts.stream().filter(v -> v.status() == GuardrailVerdict.Status.NOT_CHECKED
          && !refuseUnchecked).toList();
      if (!other.isEmpty()) {
        parts.add("not checked: " + join(other));
      }
      return String.join("; ", parts);
    }
    List<GuardrailVerdict> passed = withStatus(GuardrailVerdict.Status.PASSED);
    parts.add("guardrails passed" + (passed.isEmpty() ? " (none applied)" : ": " + join(passed)));
    if (!notChecked().isEmpty()) {
      parts.add("NOT CHECKED: " + join(notChecked()));
    }
    return String.join("; ", parts);
  }

  private static String join(List<GuardrailVerdict> vs) {
    return String.join("; ", vs.stream().map(GuardrailVerdict::describe).toList());
  }

  /** The report as typed facts: {@link #SUMMARY} and one map fact per verdict. */
  public Facts toFacts() {
    Facts f = Facts.of(SUMMARY, describe());
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (GuardrailVerdict v : verdicts) {
      String base = PREFIX + v.check().label() + v.findMember().filter(m -> SIMPLE.matcher(m).matches())
          .map(m -> "[" + m + "]").orElse("");
      int n = seen.merge(base, 1, Integer::sum);
      f = f.with(Fact.textMap(n == 1 ? base : base + "[" + n + "]"), encode(v));
    }
    return f;
  }

  /** The verdicts recorded in {@code facts} by {@link #toFacts()}; empty when there are none. */
  public static List<GuardrailVerdict> verdictsIn(Facts facts) {
    List<GuardrailVerdict> out = new ArrayList<>();
    for (String name : facts.names()) {
      if (name.startsWith(PREFIX)) {
        facts.find(Fact.textMap(name)).map(GuardrailReport::decode).ifPresent(out::add);
      }
    }
    return out;
  }

  private static Map<String, String> encode(GuardrailVerdict v) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("check", v.check().name());
    m.put("status", v.status().name());
    v.findMember().ifPresent(member -> m.put("member", member));
    m.put("threshold", v.threshold());
    m.put("observed", v.observed());
    m.put("text", v.describe());
    if (!v.note().isEmpty()) {
      m.put("note", v.note());
    }
    if (v instanceof GuardrailVerdict.ReplayLag l) {
      m.put("maxBytes", Long.toString(l.maxBytes()));
      if (l.observedBytes() != null) {
        m.put("observedBytes", Long.toString(l.observedBytes()));
      }
      m.put("source", l.source());
    } else if (v instanceof GuardrailVerdict.TransactionAge t) {
      m.put("maxAge", t.maxAge().toString());
      if (t.observedAge() != null) {
        m.put("observedAge", t.observedAge().toString());
      }
      if (t.pid() != null) {
        m.put("pid", Long.toString(t.pid()));
      }
      if (t.sessionState() != null) {
        m.put("sessionState", t.sessionState());
      }
    } else if (v instanceof GuardrailVerdict.SyncStandby s) {
      m.put("synchronousMode", s.synchronousMode());
      m.put("required", Integer.toString(s.required()));
      m.put("syncStandbys", String.join(",", s.syncStandbys()));
    } else if (v instanceof GuardrailVerdict.PatroniVersion p) {
      m.put("expected", String.join(",", p.expected()));
      if (p.observedVersion() != null) {
        m.put("observedVersion", p.observedVersion());
      }
    }
    return m;
  }

  private static GuardrailVerdict decode(Map<String, String> m) {
    GuardrailVerdict.Check check = GuardrailVerdict.Check.valueOf(req(m, "check"));
    GuardrailVerdict.Status status = GuardrailVerdict.Status.valueOf(req(m, "status"));
    String note = m.getOrDefault("note", "");
    return switch (check) {
      case REPLAY_LAG -> new GuardrailVerdict.ReplayLag(status, req(m, "member"), Long.parseLong(req(m, "maxBytes")),
          longOrNull(m.get("observedBytes")), m.getOrDefault("source", ""), note);
      case TRANSACTION_AGE -> new GuardrailVerdict.TransactionAge(status, req(m, "member"),
          Duration.parse(req(m, "maxAge")), m.containsKey("observedAge") ? Duration.parse(m.get("observedAge")) : null,
          longOrNull(m.get("pid")), m.get("sessionState"), note);
      case SYNC_STANDBY -> new GuardrailVerdict.SyncStandby(status, req(m, "synchronousMode"),
          Integer.parseInt(req(m, "required")), split(m.getOrDefault("syncStandbys", "")), note);
      case PATRONI_VERSION -> new GuardrailVerdict.PatroniVersion(status, req(m, "member"),
          new LinkedHashSet<>(split(m.getOrDefault("expected", ""))), m.get("observedVersion"), note);
    };
  }

  private static String req(Map<String, String> m, String key) {
    return Objects.requireNonNull(m.get(key), () -> "guardrail verdict without '" + key + "': " + m);
  }

  private static @Nullable Long longOrNull(@Nullable String s) {
    return s == null ? null : Long.valueOf(s);
  }

  private static List<String> split(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(",", -1));
  }
}
