package dev.patroni4j.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.examples.docs.ExampleCompiler.Broken;
import dev.patroni4j.examples.docs.JavadocExamples.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every code example in the published modules' Javadoc compiles against the published modules. */
class JavadocExamplesTest {
  @Test
  void everyJavadocExampleOfEveryPublishedModuleCompilesAndSitsInsideItsComment() {
    List<Example> examples = new ArrayList<>();
    for (String module : Docs.publishedModules()) {
      for (Path file : Docs.mainSources(module)) {
        examples.addAll(JavadocExamples.extract(file, Docs.relative(file)));
      }
    }
    assertThat(examples).as("examples found").hasSizeGreaterThan(100);

    List<Broken> broken = new ExampleCompiler(Docs.publishedClasspath()).compile(examples);

    assertThat(broken)
        .as("%d of %d Javadoc examples do not compile:%n%s", broken.size(), examples.size(),
            broken.stream().map(Broken::toString).collect(Collectors.joining("\n")))
        .isEmpty();
    assertThat(examples.stream().flatMap(e -> e.linesWithoutStar().stream().map(line -> e.file() + ":" + line)))
        .as("example lines without the comment's leading '*' (an import sorter or formatter put them there)")
        .isEmpty();
  }
}
