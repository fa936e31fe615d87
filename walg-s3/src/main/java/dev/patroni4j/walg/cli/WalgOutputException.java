package dev.patroni4j.walg.cli;

import dev.patroni4j.walg.WalgException;
import org.jspecify.annotations.Nullable;

/**
 * {@code wal-g} printed something this library cannot parse. {@link #location()} says where (a
 * JSON path or a line number); {@link #excerpt()} shows a short piece of the output.
 */
public final class WalgOutputException extends WalgException {
  private static final long serialVersionUID = 1L;
  private final String command;
  private final String location;
  private final String excerpt;

  public WalgOutputException(String command, String location, String problem, String excerpt, @Nullable Throwable cause) {
    super("cannot parse output of 'wal-g " + command + "' at " + location + ": " + problem + " (output: " + excerpt + ")", cause);
    this.command = command;
    this.location = location;
    this.excerpt = excerpt;
  }

  public WalgOutputException(String command, String location, String problem, String excerpt) {
    this(command, location, problem, excerpt, null);
  }

  public String command() {
    return command;
  }

  public String location() {
    return location;
  }

  public String excerpt() {
    return excerpt;
  }
}
