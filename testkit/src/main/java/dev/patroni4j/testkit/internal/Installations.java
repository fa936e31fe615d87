package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.TestkitException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where installations live and what version a binary is. */
public final class Installations {
  /** What {@code bin/prereqs} writes into a cache directory once it is complete and verified. */
  private static final String COMPLETE_MARKER = ".patroni4j-installed";
  private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+(\\.\\d+)?");
  private static final Map<List<String>, String> ASKED = new ConcurrentHashMap<>();

  private Installations() {}

  /** {@code $PATRONI4J_CACHE}, default {@code /var/cache/patroni4j}. */
  public static Path cacheRoot() {
    String configured = System.getenv("PATRONI4J_CACHE");
    return Path.of(configured == null || configured.isBlank() ? "/var/cache/patroni4j" : configured);
  }

  /** Whether {@code bin/prereqs} completed this cache directory. */
  public static boolean isCached(Path home) {
    return Files.isRegularFile(home.resolve(COMPLETE_MARKER));
  }

  public static void requireVersion(String what, String version) {
    Objects.requireNonNull(version, "version");
    if (!VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException(what + " version must look like 4.1.5, was \"" + version + "\"");
    }
  }

  /** Orders dotted versions numerically; a shorter one is a prefix ("4.1" equals "4.1.5"). */
  public static int compareVersions(String a, String b) {
    String[] x = a.split("\\.", -1);
    String[] y = b.split("\\.", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** The first executable {@code name} on the PATH (then /usr/bin, /usr/sbin); /usr/bin/name if none. */
  public static Path onPath(String name) {
    String path = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin:/bin");
    for (String dir : (path + ":/usr/bin:/usr/sbin").split(":", -1)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return Path.of("/usr/bin", name);
  }

  /**
   * Runs a version command once per JVM and returns the first group of {@code pattern} in what it
   * printed.
   */
  public static String askVersion(List<String> command, Map<String, String> environment, String pattern) {
    return ASKED.computeIfAbsent(command, c -> {
      CommandResult r = Processes.run(c, environment, Duration.ofSeconds(30));
      Matcher m = Pattern.compile(pattern).matcher(r.stdout() + "\n" + r.stderr());
      if (r.exitCode() != 0 || !m.find()) {
        throw new TestkitException(String.join(" ", c) + " did not answer with a version (exit " + r.exitCode()
            + "): " + (r.stdout() + r.stderr()).strip());
      }
      return m.group(1);
    });
  }
}
