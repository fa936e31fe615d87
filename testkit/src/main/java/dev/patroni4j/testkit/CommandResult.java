package dev.patroni4j.testkit;

/** What a command the test kit ran printed and how it exited. */
public record CommandResult(int exitCode, String stdout, String stderr) {
  public boolean succeeded() {
    return exitCode == 0;
  }
}
