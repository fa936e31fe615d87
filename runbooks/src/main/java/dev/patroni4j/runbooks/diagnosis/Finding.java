package dev.patroni4j.runbooks.diagnosis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One known problem found in a cluster: what is wrong, where, the values observed, and what fixes it.
 *
 * <pre>{@code
 * // given: ClusterDiagnostics diagnostics;
 * for (Finding f : diagnostics.diagnose().findings()) {
 *   System.out.println(f.severity() + " " + f.problem() + " " + f.findMember().orElse("cluster") + ": " + f.summary());
 *   f.evidence().forEach(e -> System.out.println("  " + e));
 *   System.out.println("  remedy: " + f.remedy().description());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param problem which known problem
 * @param severity how urgent
 * @param member the member it concerns, or null when it concerns the cluster
 * @param summary what is wrong, in one sentence (redacted like {@link Evidence})
 * @param evidence the values observed that show it, with where each came from (never empty)
 * @param remedy what fixes it
 */
public record Finding(
    Problem problem, Severity severity, @Nullable String member, String summary, List<Evidence> evidence,
    Remedy remedy) {

  public Finding {
    Objects.requireNonNull(problem, "problem == null");
    Objects.requireNonNull(severity, "severity == null");
    summary = Evidence.redact(Objects.requireNonNull(summary, "summary == null"));
    evidence = List.copyOf(evidence);
    if (evidence.isEmpty()) {
      throw new IllegalArgumentException("a finding needs evidence: " + problem);
    }
    Objects.requireNonNull(remedy, "remedy == null");
  }

  /** The member it concerns; empty when the finding is about the whole cluster. */
  public Optional<String> findMember() {
    return Optional.ofNullable(member);
  }
}
