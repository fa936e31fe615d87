package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Both sides of the crash tests that SIGKILL a runbook's runner: the child JVM prints {@code KILLPOINT <point>} when
 * it reaches its kill point and blocks until killed, or {@code RESULT ...} when its run ends; the parent runs it,
 * SIGKILLs it at its kill point and returns that line. A SIGKILL runs no shutdown hook and no {@code finally}, so
 * nothing is journaled after the kill point.
 */
final class ChildJvm {
  private ChildJvm() {}

  // ------------------------------------------------------------------------------------------------ child side

  /** Prints a line for the parent at once. */
  static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** Tells the parent the kill point is reached and waits for its SIGKILL. */
  static void killedAt(String point) {
    say("KILLPOINT " + point);
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException ignored) {
        // wait for SIGKILL
      }
    }
  }

  /** Killed at the {@code n}-th step boundary: a step skipped, acted on or verified ({@code 0}: never). */
  static RunbookListener killedAtBoundary(int n) {
    return new RunbookListener() {
      private int boundaries;

      private void boundary() {
        if (++boundaries == n) {
          killedAt(String.valueOf(n));
        }
      }

      @Override public void stepSkipped(RunbookEvent.StepSkipped e) { boundary(); }
      @Override public void stepActed(RunbookEvent.StepActed e) { boundary(); }
      @Override public void stepVerified(RunbookEvent.StepVerified e) { boundary(); }
    };
  }

  // ------------------------------------------------------------------------------------------------ parent side

  /** {@code java <jvmOptions> -cp <this JVM's class path> <main> <arguments>}. */
  static List<String> command(List<String> jvmOptions, Class<?> main, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(arguments);
    return command;
  }

  /**
   * Runs {@code command} with {@code environment} added until it prints its kill point (then SIGKILLs it) or its
   * result; returns that line. Every other line goes to {@code otherLines}.
   */
  static String run(List<String> command, Map<String, String> environment, Consumer<String> otherLines)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(environment);
    Process p = pb.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("KILLPOINT ")) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
          return line;
        }
        if (line.startsWith("RESULT ")) {
          p.waitFor(10, TimeUnit.SECONDS);
          return line;
        }
        otherLines.accept(line);
      }
    } finally {
      p.destroyForcibly();
    }
    throw new AssertionError("child exited with " + p.waitFor() + " before its kill point or result");
  }
}
