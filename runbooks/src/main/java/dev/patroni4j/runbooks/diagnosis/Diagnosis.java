package dev.patroni4j.runbooks.diagnosis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one {@link ClusterDiagnostics#diagnose()}: the findings, most severe first, and what could not be
 * observed (so that "no findings" is never mistaken for "could not look").
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.Journal;
 * import dev.patroni4j.runbooks.RunbookRunner;
 * import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
 * // given: ClusterDiagnostics diagnostics; RunbookRunner runner; PatroniRunbooks catalogue; Journal journal;
 * Diagnosis d = diagnostics.diagnose();
 * if (!d.isClean()) {
 *   System.out.print(d.table());
 * }
 * d.find(Problem.PENDING_RESTART).ifPresent(f -> runner.execute(((Remedy.RunbookRemedy) f.remedy())
 *     .runbook(catalogue), journal));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param findings the findings, by severity then member
 * @param notObserved sources that could not be read, each with the reason (e.g. {@code SQL on pg1: connection
 *     refused}, redacted like {@link Evidence}); checks that need them were skipped
 * @param observedAt when the observation finished
 */
public record Diagnosis(List<Finding> findings, List<String> notObserved, Instant observedAt) {

  public Diagnosis {
    findings = List.copyOf(findings);
    notObserved = notObserved.stream().map(Evidence::redact).toList();
    Objects.requireNonNull(observedAt, "observedAt == null");
  }

  /** True if no problem was found (see {@link #notObserved()} for what could not be checked). */
  public boolean isClean() {
    return findings.isEmpty();
  }

  /** The first finding of {@code problem}. */
  public Optional<Finding> find(Problem problem) {
    return findings.stream().filter(f -> f.problem() == problem).findFirst();
  }

  /** Every finding of {@code problem}. */
  public List<Finding> findAll(Problem problem) {
    return findings.stream().filter(f -> f.problem() == problem).toList();
  }

  /**
   * The findings as a plain-text table (severity, problem, member, summary, remedy), each followed by its evidence;
   * {@code no findings} when clean.
   */
  public String table() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SEVERITY", "PROBLEM", "MEMBER", "WHAT IS WRONG", "REMEDY"});
    for (Finding f : findings) {
      rows.add(new String[] {f.severity().name(), f.problem().name(), f.findMember().orElse("-"), f.summary(),
          f.remedy().description()});
    }
    int[] widths = new int[5];
    for (String[] r : rows) {
      for (int i = 0; i < 4; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int row = 0; row < rows.size(); row++) {
      String[] r = rows.get(row);
      for (int i = 0; i < 4; i++) {
        out.append(r[i]).append(" ".repeat(widths[i] - r[i].length() + 2));
      }
      out.append(r[4]).append('\n');
      if (row > 0) {
        for (Evidence e : findings.get(row - 1).evidence()) {
          out.append("    ").append(e).append('\n');
        }
      }
    }
    if (findings.isEmpty()) {
      out.append("no findings\n");
    }
    for (String gap : notObserved) {
      out.append("not observed: ").append(gap).append('\n');
    }
    return out.toString();
  }
}
