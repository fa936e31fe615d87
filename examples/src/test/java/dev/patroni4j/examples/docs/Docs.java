package dev.patroni4j.examples.docs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Where the repository's published modules and this test JVM's classpath are. */
final class Docs {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path EXAMPLES = Path.of("").toAbsolutePath().normalize();
  private static final Pattern BOM_MODULE =
      Pattern.compile("<groupId>dev\\.patroni4j</groupId>\\s*<artifactId>([\\w-]+)</artifactId>");

  private Docs() {}

  /** The published modules: the ones the BOM names. */
  static List<String> publishedModules() {
    List<String> modules = new ArrayList<>();
    Matcher m = BOM_MODULE.matcher(JavadocExamples.read(ROOT.resolve("bom/pom.xml")));
    while (m.find()) {
      modules.add(m.group(1));
    }
    return modules;
  }

  /** Every main source file of a module, sorted. */
  static List<Path> mainSources(String module) {
    Path dir = ROOT.resolve(module).resolve("src/main/java");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * This JVM's classpath without the examples module's own classes: every published module and its
   * dependencies, so what compiles against it compiles for a user.
   */
  static List<Path> publishedClasspath() {
    List<Path> entries = new ArrayList<>();
    for (String entry : Pattern.compile(Pattern.quote(File.pathSeparator)).split(System.getProperty("java.class.path"), -1)) {
      Path p = Path.of(entry).toAbsolutePath().normalize();
      if (!entry.isEmpty() && !p.startsWith(EXAMPLES)) {
        entries.add(p);
      }
    }
    return entries;
  }

  static String relative(Path file) {
    return ROOT.relativize(file.toAbsolutePath().normalize()).toString();
  }
}
