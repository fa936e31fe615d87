package dev.patroni4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Java block of the README stands, line for line, in a compiled source of the repository. */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyJavaSnippetInTheReadmeIsCompiledCode() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    List<String> snippets = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      snippets.add(normalise(m.group(1)));
    }
    assertThat(snippets).as("java blocks in README.md").isNotEmpty();

    String sources;
    try (Stream<Path> files = Files.walk(ROOT)) {
      sources = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/"))
          .map(ReadmeSnippetsTest::read)
          .map(ReadmeSnippetsTest::normalise)
          .collect(Collectors.joining("\n"));
    }
    for (String snippet : snippets) {
      assertThat(sources).as("README snippet not found in any source:\n" + snippet).contains(snippet);
    }
  }

  /** Indentation differs between a README block and a method body; the code may not. */
  private static String normalise(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
