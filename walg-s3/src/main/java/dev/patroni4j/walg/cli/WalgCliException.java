package dev.patroni4j.walg.cli;

import dev.patroni4j.walg.WalgException;
import java.util.List;

/**
 * {@code wal-g} exited with a non-zero code, timed out, or could not be started. {@link
 * #stderrTail()} is the end of what it printed on stderr with known secret values masked; {@link
 * #arguments()} never contains secrets because none are ever passed as arguments.
 */
public class WalgCliException extends WalgException {
  private static final long serialVersionUID = 1L;
  private final List<String> arguments;
  private final int exitCode;
  private final String stderrTail;

  public WalgCliException(String message, List<String> arguments, int exitCode, String stderrTail, Throwable cause) {
    super(message, cause, Delivery.POSSIBLY_SENT, "wal-g " + String.join(" ", arguments));
    this.arguments = List.copyOf(arguments);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }

  public WalgCliException(String message, List<String> arguments, int exitCode, String stderrTail) {
    super(message, null, Delivery.POSSIBLY_SENT, "wal-g " + String.join(" ", arguments));
    this.arguments = List.copyOf(arguments);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }

  /** The arguments after the executable, e.g. {@code [backup-list, --detail, --json]}. */
  public List<String> arguments() {
    return arguments;
  }

  /** The exit code; -1 when the process did not exit by itself (timeout) or never started. */
  public int exitCode() {
    return exitCode;
  }

  /** The last lines of stderr, secrets masked. */
  public String stderrTail() {
    return stderrTail;
  }
}
