package dev.patroni4j.client.it;

import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.testkit.LocalPatroniCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * The Patroni version this test JVM runs its clusters on: the system property {@code
 * patroni4j.patroniVersion} (the version-matrix executions of surefire set it), by default the
 * system's Patroni 3.0.2. Other versions run from the installation cache of {@code bin/prereqs}.
 */
final class PatroniUnderTest {
  static final PatroniVersion VERSION =
      PatroniVersion.parse(System.getProperty("patroni4j.patroniVersion", "3.0.2"));

  private PatroniUnderTest() {}

  static boolean isAtLeast(int major, int minor) {
    return VERSION.isAtLeast(major, minor);
  }

  static boolean isAtLeast(String version) {
    return VERSION.compareTo(PatroniVersion.parse(version)) >= 0;
  }

  /** The builder with this JVM's Patroni installation. */
  static LocalPatroniCluster.Builder builder() {
    LocalPatroniCluster.Builder b = LocalPatroniCluster.builder();
    if (!VERSION.raw().equals("3.0.2")) {
      b.patroniBinary(wrapper(VERSION.raw()));
    }
    return b;
  }

  private static Path wrapper(String version) {
    Path cache = Path.of(Objects.requireNonNullElse(System.getenv("PATRONI4J_CACHE"), "/var/cache/patroni4j"));
    Path install = cache.resolve("patroni-" + version);
    if (!Files.isDirectory(install.resolve("usr/lib/python3/dist-packages/patroni"))) {
      throw new IllegalStateException("Patroni " + version + " is not installed in " + install + ": run bin/prereqs");
    }
    Path dir = Path.of("target", "patroni-" + version).toAbsolutePath();
    try {
      Files.createDirectories(dir);
      for (String tool : new String[] {"patroni", "patronictl"}) {
        Path script = dir.resolve(tool);
        Files.writeString(script, "#!/bin/sh\nPYTHONPATH=" + install.resolve("usr/lib/python3/dist-packages")
            + " exec /usr/bin/python3 " + install.resolve("usr/bin/" + tool) + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir.resolve("patroni");
  }
}
