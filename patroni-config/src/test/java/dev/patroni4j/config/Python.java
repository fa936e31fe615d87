package dev.patroni4j.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs /usr/bin/python3 (the interpreter Debian's Patroni runs on) for the tests. */
final class Python {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private Python() {}

  /** Where Patroni {@code release} lives: the system's 3.0.2, or the issue-12 cache. */
  static Optional<Path> patroniHome(String release) {
    if (release.equals("3.0.2")) {
      return Files.isRegularFile(Path.of("/usr/lib/python3/dist-packages/patroni/validator.py"))
          ? Optional.of(Path.of("/")) : Optional.empty();
    }
    String cache = System.getenv().getOrDefault("PATRONI4J_CACHE", "/var/cache/patroni4j");
    Path dir = Path.of(cache, "patroni-" + release);
    return Files.isRegularFile(dir.resolve("usr/lib/python3/dist-packages/patroni/validator.py"))
        ? Optional.of(dir) : Optional.empty();
  }

  static String pythonPath(Path home) {
    return home.resolve("usr/lib/python3/dist-packages").toString();
  }

  /** Runs a script with stdin, returns stdout lines; fails on a non-zero exit. */
  static List<String> run(String script, List<String> args, String stdin, Map<String, String> env)
      throws IOException, InterruptedException {
    Path file = Files.createTempFile("patroni4j-", ".py");
    try {
      Files.writeString(file, script);
      List<String> command = new ArrayList<>(List.of(PYTHON.toString(), file.toString()));
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().putAll(env);
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      Process p = pb.start();
      Thread writer = new Thread(() -> {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
          // the process died; its exit code says why
        }
      });
      writer.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("python failed: " + p.exitValue());
      }
      writer.join();
      return out.lines().toList();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static String resource(String name) throws IOException {
    try (var in = Python.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
