package dev.patroni4j.testkit.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The images the module's tests run on: {@code -Dpatroni4j.containers.image=<name>} names any image, otherwise the
 * repository's recipe is built when its image is absent ({@code images/build}, cached by the recipe's hash).
 */
final class TestImages {
  static final String IMAGE_PROPERTY = "patroni4j.containers.image";

  private TestImages() {}

  /** The image of the default recipe (Debian 12, PostgreSQL 15), or the one the property names. */
  static String image() {
    String named = System.getProperty(IMAGE_PROPERTY, "");
    return named.isBlank() ? build("debian12-pg15") : named;
  }

  /** Builds the recipe's image unless present, and returns its tag. */
  static String build(String recipe) {
    Path script = Path.of("images", "build").toAbsolutePath();
    try {
      Path output = Files.createTempFile("patroni4j-image-", ".log");
      long started = System.nanoTime();
      Process build = new ProcessBuilder(List.of(script.toString(), recipe))
          .redirectOutput(ProcessBuilder.Redirect.PIPE).redirectError(output.toFile()).start();
      String tag = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!build.waitFor(20, TimeUnit.MINUTES) || build.exitValue() != 0 || tag.isEmpty()) {
        build.destroyForcibly();
        throw new IllegalStateException(script + " " + recipe + " failed:\n" + Files.readString(output));
      }
      Files.delete(output);
      System.out.printf("image %s ready in %d ms%n", tag, (System.nanoTime() - started) / 1_000_000);
      return tag;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted building " + recipe, e);
    }
  }
}
