package dev.patroni4j.runbooks.host;

import dev.patroni4j.runbooks.RunbookException;

/**
 * A host action failed: names the action, the member and the exit code, with the tail of stderr. Command stdin
 * (file contents) is never included.
 *
 * <p>Thread-safety: immutable.
 */
public final class HostActionException extends RunbookException {
  private static final long serialVersionUID = 1L;
  private final String action;
  private final String member;
  private final int exitCode;

  public HostActionException(String action, String member, int exitCode, String detail) {
    super(action + " on " + member + " failed" + (exitCode >= 0 ? " (exit " + exitCode + ")" : "") + ": " + detail);
    this.action = action;
    this.member = member;
    this.exitCode = exitCode;
  }

  public String action() {
    return action;
  }

  public String member() {
    return member;
  }

  /** The command's exit code, or -1 if it did not run to completion (timeout, could not start). */
  public int exitCode() {
    return exitCode;
  }
}
