package dev.patroni4j.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.Trees;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** The rules ReadmeSnippetsTest applies, each shown to reject what it must. */
class ReadmeSnippetsRulesTest {
  @Test
  void codeThatOnlyAppearsInACommentIsNotFound() {
    ReadmeSnippetsTest.Normalised source = ReadmeSnippetsTest.Normalised.of(
        "class A {\n  // client.switchover(request);\n  /** client.cluster(); */\n  void x() { client.observe(true); }\n}");
    assertThat(source.find(ReadmeSnippetsTest.Normalised.of("client.switchover(request);").text())).isNegative();
    assertThat(source.find(ReadmeSnippetsTest.Normalised.of("client.cluster();").text())).isNegative();
    assertThat(source.find(ReadmeSnippetsTest.Normalised.of("client.observe(true);").text())).isPositive();
  }

  @Test
  void aMatchStartsAndEndsAtTokenBoundariesAndIgnoresIndentation() {
    ReadmeSnippetsTest.Normalised source = ReadmeSnippetsTest.Normalised.of("myclient.cluster();\n    client.cluster()\n        .leader();");
    assertThat(source.find("client.cluster(); client")).isNegative();
    assertThat(source.find(ReadmeSnippetsTest.Normalised.of("client.cluster()\n.leader();").text())).isPositive();
    assertThat(source.find("client.cluster().leader")).isNegative();
  }

  @Test
  void snippetsReadmeLinesAreTheLinesOfTheirFirstCodeLine() {
    List<ReadmeSnippetsTest.Snippet> snippets =
        ReadmeSnippetsTest.snippets("README.md", "# t\n\n```java\nint a = 1;\n```\n\ntext\n```sh\nls\n```\n```java\nint b;\n```\n");
    assertThat(snippets).extracting(ReadmeSnippetsTest.Snippet::line).containsExactly(4, 12);
  }

  @Test
  void anExamplesHelperOrAnInternalTypeInTheQuotedRangeIsReportedButLocalsAndPublicApiAreNot() throws Exception {
    String code = """
        package dev.patroni4j.examples.fixture;
        import dev.patroni4j.client.PatroniClient;
        class Demo {
          static String banner(String s) { return s; }
          void run(PatroniClient client) {
            String leader = client.cluster().leader().name();
            System.out.println(banner(leader));
            Object timeouts = dev.patroni4j.client.internal.http.Timeouts.class;
          }
        }
        """;
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Demo.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    };
    JavacTask task = (JavacTask) javac.getTask(null, null, null, List.of("-proc:none", "-classpath",
        Docs.publishedClasspath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator))),
        null, List.of(file));
    List<CompilationUnitTree> units = new ArrayList<>();
    task.parse().forEach(units::add);
    task.analyze();
    int start = code.indexOf("String leader");
    int end = code.indexOf("  }\n}");

    assertThat(ReadmeSnippetsTest.notPublicApi(Trees.instance(task), units.get(0), start, end))
        .anySatisfy(use -> assertThat(use).contains("Demo.banner").contains("dev.patroni4j.examples.fixture"))
        .anySatisfy(use -> assertThat(use).contains("Timeouts").contains(".internal"))
        .noneSatisfy(use -> assertThat(use).contains("leader"))
        .noneSatisfy(use -> assertThat(use).contains("PatroniClient"));
  }
}
