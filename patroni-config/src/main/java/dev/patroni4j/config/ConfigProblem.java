package dev.patroni4j.config;

/**
 * One reason a configuration is refused: the dotted {@code path} of the key
 * ({@code postgresql.listen}, {@code tags.nofailover}, {@code postgresql.pg_hba.0}), what was
 * wrong, what was expected there, and the value found (redacted for secrets, empty when missing).
 *
 * <pre>{@code
 * // given: PatroniConfig config;
 * for (ConfigProblem p : ConfigValidator.forVersion(PatroniVersion.V4_1).validate(config)) {
 *   System.err.println(p.path() + ": " + p.problem() + " (expected " + p.expected() + ")");
 * }
 * }</pre>
 *
 * @param path the dotted path of the key, {@code ""} for the whole configuration
 * @param problem what Patroni's validator says, e.g. {@code is not defined.}
 * @param expected what the key must hold, e.g. {@code a boolean}
 * @param value the value found as a message may show it; {@code ******} for secrets
 */
public record ConfigProblem(String path, String problem, String expected, String value) {
  /** The line {@code patroni --validate-config} would print. */
  @Override
  public String toString() {
    return path + (value.isEmpty() ? "" : " " + value) + " " + problem;
  }
}
