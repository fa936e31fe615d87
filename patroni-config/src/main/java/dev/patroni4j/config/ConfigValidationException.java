package dev.patroni4j.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that Patroni's validator refuses; {@link #problems()} lists each key, what was
 * wrong and what was expected. Secrets are redacted in the message.
 *
 * <pre>{@code
 * // given: PatroniConfig config;
 * try {
 *   ConfigValidator.forVersion(PatroniVersion.V4_1).requireValid(config);
 * } catch (ConfigValidationException e) {
 *   e.problems().forEach(p -> System.err.println(p.path() + ": " + p.problem()));
 * }
 * }</pre>
 *
 * <p>Immutable; safe to share.
 */
public final class ConfigValidationException extends PatroniConfigException {
  private static final long serialVersionUID = 1L;
  private final PatroniVersion version;
  private final transient List<ConfigProblem> problems;

  /** The problems found by the validator of {@code version}. */
  public ConfigValidationException(PatroniVersion version, List<ConfigProblem> problems) {
    super("Patroni " + version + " would refuse this configuration: " + problems.stream()
        .map(ConfigProblem::toString).collect(Collectors.joining("; ")));
    this.version = version;
    this.problems = List.copyOf(problems);
  }

  /** The line whose rules were applied. */
  public PatroniVersion version() {
    return version;
  }

  /** Every problem, in the validator's order. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
