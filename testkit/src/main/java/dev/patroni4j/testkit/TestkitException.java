package dev.patroni4j.testkit;

/**
 * Thrown when the test kit cannot build, start, change or observe a local cluster. The message says
 * what went wrong and, where it can, what to fix (a package to install, a builder value to change);
 * start failures also carry the tail of every process log.
 *
 * <p>Unchecked, so that test code does not have to declare it.
 */
public class TestkitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TestkitException(String message) {
    super(message);
  }

  public TestkitException(String message, Throwable cause) {
    super(message, cause);
  }
}
