package dev.patroni4j.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.examples.docs.ExampleCompiler.Broken;
import dev.patroni4j.examples.docs.JavadocExamples.Example;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The extractor and compiler behind JavadocExamplesTest, on a fixture with broken and working examples. */
class JavadocExamplesCompilerTest {
  private static final String FIXTURE = "Documented.java";
  private static final Path FIXTURE_PATH =
      Path.of("src/test/resources/javadoc-fixtures/dev/patroni4j/client/Documented.java");

  private static List<Example> examples() {
    return JavadocExamples.extract(JavadocExamples.read(FIXTURE_PATH), FIXTURE, List.of("PatroniClient"));
  }

  private static Map<Integer, List<String>> brokenByLine() {
    return new ExampleCompiler(Docs.publishedClasspath()).compile(examples()).stream()
        .collect(Collectors.toMap(b -> b.example().line(), Broken::errors));
  }

  @Test
  void findsEveryPreCodeBlockOfJavadocCommentsAndNothingInOtherCommentsOrStrings() {
    assertThat(examples()).extracting(Example::line).containsExactly(8, 13, 19, 23, 25, 33, 37, 41);
    assertThat(examples().get(0).code()).contains("String leader = client.cluster().leader().name();");
    assertThat(examples().get(0).imports()).containsExactly("dev.patroni4j.client.PatroniClient");
  }

  @Test
  void anExampleThatCallsAMissingMethodFailsWithItsFileLineAndTheCompilersMessage() {
    assertThat(brokenByLine().get(13)).singleElement().asString()
        .startsWith(FIXTURE + ":16: cannot find symbol")
        .contains("noSuchMethod()");
  }

  @Test
  void anUndeclaredVariableFailsWhereItIsUsedAndAGivenLineDeclaresIt() {
    Map<Integer, List<String>> broken = brokenByLine();
    assertThat(broken).doesNotContainKey(8);
    assertThat(broken.get(19)).singleElement().asString().startsWith(FIXTURE + ":20: cannot find symbol")
        .contains("variable client");
  }

  @Test
  void oneLineExpressionsAndClassBodiesWithTheirOwnImportsCompile() {
    assertThat(brokenByLine()).doesNotContainKeys(23, 25);
  }

  @Test
  void anElidedBlockIsAParseErrorAtItsLine() {
    assertThat(brokenByLine().get(33)).isNotEmpty().allSatisfy(e -> assertThat(e).startsWith(FIXTURE + ":34: "));
  }

  @Test
  void aCodeLineWithoutTheCommentsStarIsFoundAtItsSourceLineAndOnlyThere() {
    assertThat(examples()).filteredOn(e -> !e.linesWithoutStar().isEmpty())
        .singleElement().satisfies(e -> assertThat(e.linesWithoutStar()).containsExactly(42));
  }

  @Test
  void examplesSeeOnlyWhatAUserSeesNotThePackagesPrivateTypes() {
    assertThat(brokenByLine().get(37)).singleElement().asString()
        .startsWith(FIXTURE + ":38: ").contains("class EveryMemberFailed");
  }
}
