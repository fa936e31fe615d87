package dev.patroni4j.runbooks.backup;

import dev.patroni4j.runbooks.RunbookException;

/**
 * A backup tool's action failed: names the tool, the action, the member it ran on, what kind of failure it was and
 * the exit code, with the tail of the tool's error output. Repository credentials are never part of it: they stay in
 * the tool's configuration on the host, never on a command line this library builds.
 *
 * <pre>{@code
 * // given: BackupTool tool;
 * try {
 *   tool.backup("pg1", BackupType.FULL);
 * } catch (BackupToolException e) {
 *   if (e.kind() == BackupToolException.Kind.COMMAND_FAILED) {
 *     System.err.println(e.tool() + " " + e.action() + " failed on " + e.member() + " with exit " + e.exitCode());
 *   }
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public final class BackupToolException extends RunbookException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The tool ran and exited non-zero. */
    COMMAND_FAILED,
    /** The tool's output could not be read (not the expected JSON, missing fields). */
    UNPARSEABLE_OUTPUT,
    /** The backup, stanza or repository asked for does not exist. */
    NOT_FOUND,
    /** The tool did what it was asked but the result is not what was expected (e.g. no new backup listed). */
    UNEXPECTED_RESULT
  }

  private final String tool;
  private final String action;
  private final String member;
  private final Kind kind;
  private final int exitCode;

  public BackupToolException(String tool, String action, String member, Kind kind, int exitCode, String detail) {
    super(tool + " " + action + " on " + member + " failed (" + kind + (exitCode >= 0 ? ", exit " + exitCode : "")
        + "): " + detail);
    this.tool = tool;
    this.action = action;
    this.member = member;
    this.kind = kind;
    this.exitCode = exitCode;
  }

  public String tool() {
    return tool;
  }

  public String action() {
    return action;
  }

  public String member() {
    return member;
  }

  public Kind kind() {
    return kind;
  }

  /** The tool's exit code, -1 when it did not run or its exit is not the point. */
  public int exitCode() {
    return exitCode;
  }
}
