package dev.patroni4j.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every Java block of the READMEs (the repository's and each published module's) is compiled code that a user can write: it stands (whitespace aside, comments
 * aside) in the code, not the comments, of a compiled source of {@code examples}, and what it names there is the
 * published modules' public API or the example's own local variables, never a type, method or field of
 * {@code examples} or of an {@code .internal} package.
 */
class ReadmeSnippetsTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  /** A README block: the README, its first code line's number and its code. */
  record Snippet(String readme, int line, String code) {}

  /** A source whose comments are blanked, normalised: {@code offsets[i]} is where character i of {@code text} was. */
  static final class Normalised {
    private final String text;
    private final int[] offsets;

    private Normalised(String text, int[] offsets) {
      this.text = text;
      this.offsets = offsets;
    }

    String text() {
      return text;
    }

    /** Where the normalised character {@code i} was in the source. */
    int offset(int i) {
      return offsets[i];
    }

    static Normalised of(String code) {
      String blank = JavaSource.withoutComments(code);
      StringBuilder text = new StringBuilder();
      List<Integer> offsets = new ArrayList<>();
      boolean space = true; // no leading space
      for (int i = 0; i < blank.length(); i++) {
        char c = blank.charAt(i);
        if (Character.isWhitespace(c)) {
          if (!space) {
            text.append(' ');
            offsets.add(i);
            space = true;
          }
        } else {
          text.append(c);
          offsets.add(i);
          space = false;
        }
      }
      int end = text.length();
      while (end > 0 && text.charAt(end - 1) == ' ') {
        end--;
      }
      return new Normalised(text.substring(0, end), offsets.stream().limit(end).mapToInt(Integer::intValue).toArray());
    }

    /** Where {@code needle} starts at token boundaries, or -1. */
    int find(String needle) {
      for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
        int after = at + needle.length();
        boolean startOk = at == 0 || !joins(text.charAt(at - 1), needle.charAt(0));
        boolean endOk = after == text.length() || !joins(needle.charAt(needle.length() - 1), text.charAt(after));
        if (startOk && endOk) {
          return at;
        }
      }
      return -1;
    }

    private static boolean joins(char a, char b) {
      return Character.isJavaIdentifierPart(a) && Character.isJavaIdentifierPart(b);
    }
  }

  static List<Snippet> snippets(String name, String readme) {
    List<Snippet> snippets = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      snippets.add(new Snippet(name, JavaSource.lineOf(readme, m.start(1)), m.group(1)));
    }
    return snippets;
  }

  private static List<Path> exampleSources() {
    List<Path> sources = new ArrayList<>();
    for (String dir : List.of("src/main/java", "src/test/java")) {
      try (Stream<Path> files = Files.walk(Docs.ROOT.resolve("examples").resolve(dir))) {
        files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(sources::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return sources;
  }

  @Test
  void everyJavaBlockOfTheReadmeIsCodeOfACompiledExampleAndUsesOnlyThePublishedApi() throws IOException {
    List<String> readmes = new ArrayList<>(List.of("README.md"));
    for (String module : Docs.publishedModules()) {
      if (Files.exists(Docs.ROOT.resolve(module).resolve("README.md"))) {
        readmes.add(module + "/README.md");
      }
    }
    List<Snippet> snippets = new ArrayList<>();
    for (String readme : readmes) {
      snippets.addAll(snippets(readme, Files.readString(Docs.ROOT.resolve(readme))));
    }
    assertThat(snippets).as("java blocks in the READMEs").hasSizeGreaterThan(5);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> failures = new ArrayList<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options = List.of("-proc:none", "-Xlint:none", "-nowarn", "-classpath",
          Docs.publishedClasspath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
      JavacTask task = (JavacTask) javac.getTask(null, fm, diagnostics, options, null,
          fm.getJavaFileObjectsFromPaths(exampleSources()));
      List<CompilationUnitTree> units = new ArrayList<>();
      task.parse().forEach(units::add);
      task.analyze();
      List<String> errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
          .map(d -> d.getSource() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT)).toList();
      assertThat(errors).as("examples compile against the published modules alone").isEmpty();

      List<Normalised> normalised = new ArrayList<>();
      for (CompilationUnitTree unit : units) {
        normalised.add(Normalised.of(unit.getSourceFile().getCharContent(true).toString()));
      }
      Trees trees = Trees.instance(task);
      for (Snippet snippet : snippets) {
        String code = Normalised.of(snippet.code()).text();
        String where = snippet.readme() + ":" + snippet.line();
        int found = -1;
        int unitIndex = 0;
        for (; unitIndex < units.size() && found < 0; unitIndex++) {
          found = normalised.get(unitIndex).find(code);
        }
        if (found < 0) {
          failures.add(where + ": not code (outside comments) of any compiled source of examples:\n" + snippet.code());
          continue;
        }
        Normalised source = normalised.get(unitIndex - 1);
        int start = source.offset(found);
        int end = source.offset(found + code.length() - 1) + 1;
        CompilationUnitTree unit = units.get(unitIndex - 1);
        for (String use : notPublicApi(trees, unit, start, end)) {
          failures.add(where + ": uses " + use + ", which only compiles inside examples");
        }
      }
    }
    assertThat(failures).as("README.md Java blocks:%n%s", String.join("\n", failures)).isEmpty();
  }

  /** What the code between two offsets names that is not the published modules' public API nor a local. */
  static Set<String> notPublicApi(Trees trees, CompilationUnitTree unit, int start, int end) {
    SourcePositions positions = trees.getSourcePositions();
    Set<String> found = new LinkedHashSet<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        if (tree == null) {
          return null;
        }
        long from = positions.getStartPosition(unit, tree);
        long to = positions.getEndPosition(unit, tree);
        if (to >= 0 && (to <= start || from >= end)) {
          return null; // outside the snippet
        }
        return super.scan(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        check(node);
        return super.visitIdentifier(node, null);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void unused) {
        check(node);
        return super.visitMemberSelect(node, null);
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree node, Void unused) {
        check(node);
        return super.visitMemberReference(node, null);
      }

      @Override
      public Void visitNewClass(NewClassTree node, Void unused) {
        check(node);
        return super.visitNewClass(node, null);
      }

      private void check(Tree node) {
        long from = positions.getStartPosition(unit, node);
        if (from < start || from >= end) {
          return;
        }
        TreePath path = TreePath.getPath(unit, node);
        Element e = path == null ? null : trees.getElement(path);
        if (e == null || isLocal(e.getKind())) {
          return;
        }
        String pkg = packageOf(e);
        if (pkg.startsWith("dev.patroni4j.examples") || pkg.contains(".internal")) {
          found.add(e.getKind().toString().toLowerCase(Locale.ROOT) + " " + describe(e) + " (" + pkg + ")");
        }
      }
    }.scan(unit, null);
    return found;
  }

  private static boolean isLocal(ElementKind kind) {
    return kind == ElementKind.LOCAL_VARIABLE || kind == ElementKind.PARAMETER || kind == ElementKind.EXCEPTION_PARAMETER
        || kind == ElementKind.RESOURCE_VARIABLE || kind == ElementKind.BINDING_VARIABLE
        || kind == ElementKind.TYPE_PARAMETER || kind == ElementKind.PACKAGE;
  }

  private static String packageOf(Element e) {
    Element p = e;
    while (p != null && !(p instanceof PackageElement)) {
      p = p.getEnclosingElement();
    }
    return p == null ? "" : ((PackageElement) p).getQualifiedName().toString();
  }

  private static String describe(Element e) {
    Element owner = e.getEnclosingElement();
    return owner == null || owner instanceof PackageElement ? e.getSimpleName().toString()
        : owner.getSimpleName() + "." + e.getSimpleName();
  }
}
