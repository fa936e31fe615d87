package dev.patroni4j.config;

/**
 * A configuration text that PyYAML's safe loader (what Patroni reads with) would refuse, or whose
 * top level is not a mapping. {@link #line()} and {@link #column()} are 1-based, or 0 when unknown.
 *
 * <pre>{@code
 * try {
 *   PatroniConfig.parse("scope: [unclosed");
 * } catch (ConfigParseException e) {
 *   System.err.println("line " + e.line() + ": " + e.getMessage());
 * }
 * }</pre>
 *
 * <p>Immutable; safe to share between threads.
 */
public final class ConfigParseException extends PatroniConfigException {
  private static final long serialVersionUID = 1L;
  private final String source;
  private final int line;
  private final int column;

  /** A parse error in {@code source} (a file name or a description such as "PATRONI_CONFIGURATION"). */
  public ConfigParseException(String source, int line, int column, String problem) {
    super(source + (line > 0 ? ":" + line + ":" + column : "") + ": " + problem);
    this.source = source;
    this.line = line;
    this.column = column;
  }

  /** Where the text came from. */
  public String source() {
    return source;
  }

  /** The 1-based line of the problem, or 0. */
  public int line() {
    return line;
  }

  /** The 1-based column of the problem, or 0. */
  public int column() {
    return column;
  }
}
