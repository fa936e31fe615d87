package dev.patroni4j.examples.docs;

import dev.patroni4j.examples.docs.JavadocExamples.Example;
import dev.patroni4j.examples.docs.JavadocExamples.Form;
import dev.patroni4j.examples.docs.JavadocExamples.Unit;
import com.sun.source.util.JavacTask;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles Javadoc examples with javax.tools against a classpath and reports each broken one. */
final class ExampleCompiler {
  /** An example that did not compile, with the compiler's errors, each as {@code file:line: message}. */
  record Broken(Example example, List<String> errors) {
    Broken {
      errors = List.copyOf(errors);
    }

    @Override
    public String toString() {
      return String.join("\n", errors);
    }
  }

  private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");
  /** javac's "location: class ...Example12" names the wrapper, which tells a reader nothing. */
  private static final Pattern WRAPPER_LOCATION =
      Pattern.compile("; location: class " + Pattern.quote(JavadocExamples.UNIT_PACKAGE) + "\\.Example\\d+");

  private final List<Path> classpath;

  ExampleCompiler(List<Path> classpath) {
    this.classpath = List.copyOf(classpath);
  }

  /** The broken examples, in the order given; empty when every example compiles. */
  List<Broken> compile(List<Example> examples) {
    // The first form that parses is the example's form; its compiler errors are the example's.
    Map<Example, Unit> chosen = new LinkedHashMap<>();
    Map<Example, List<String>> parseErrors = new HashMap<>();
    List<Example> pending = new ArrayList<>(examples);
    for (Form form : Form.values()) {
      List<Unit> units = new ArrayList<>();
      for (Example e : pending) {
        units.add(JavadocExamples.wrap(e, form, examples.indexOf(e)));
      }
      Map<Unit, List<String>> errors = run(units, false);
      pending.clear();
      for (Unit u : units) {
        List<String> unitErrors = errors.getOrDefault(u, List.of());
        if (unitErrors.isEmpty()) {
          chosen.put(u.example(), u);
        } else {
          parseErrors.putIfAbsent(u.example(), unitErrors); // the statement form's errors are the useful ones
          pending.add(u.example());
        }
      }
    }
    Map<Unit, List<String>> errors = run(List.copyOf(chosen.values()), true);
    List<Broken> broken = new ArrayList<>();
    for (Example e : examples) {
      Unit u = chosen.get(e);
      List<String> found = u == null ? parseErrors.getOrDefault(e, List.of()) : errors.getOrDefault(u, List.of());
      if (!found.isEmpty()) {
        broken.add(new Broken(e, found));
      }
    }
    return broken;
  }

  /** The error messages per unit: only the parser's when {@code analyze} is false. */
  private Map<Unit, List<String>> run(List<Unit> units, boolean analyze) {
    Map<Unit, List<String>> errors = new HashMap<>();
    if (units.isEmpty()) {
      return errors;
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<JavaFileObject, Unit> byFile = new HashMap<>();
    List<JavaFileObject> files = new ArrayList<>();
    for (Unit u : units) {
      JavaFileObject f = new Source(u);
      byFile.put(f, u);
      files.add(f);
    }
    List<String> options = List.of("-proc:none", "-implicit:none", "-Xlint:none", "-nowarn", "-Xmaxerrs", "100000",
        "--should-stop=ifError=FLOW", "-classpath",
        classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavacTask task = (JavacTask) javac.getTask(null, fm, diagnostics, options, null, files);
      if (analyze) {
        task.analyze();
      } else {
        task.parse();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      JavaFileObject source = d.getSource();
      Unit u = source == null ? null : byFile.get(source);
      if (u == null) {
        throw new IllegalStateException("javac: " + d.getMessage(Locale.ROOT));
      }
      errors.computeIfAbsent(u, k -> new ArrayList<>())
          .add(u.example().file() + ":" + u.sourceLine(d.getLineNumber()) + ": "
              + WRAPPER_LOCATION.matcher(LINE_BREAKS.matcher(d.getMessage(Locale.ROOT)).replaceAll("; ")).replaceAll(""));
    }
    return errors;
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String text;

    Source(Unit unit) {
      super(URI.create("string:///" + JavadocExamples.UNIT_PACKAGE.replace('.', '/') + "/" + unit.className()
          + Kind.SOURCE.extension), Kind.SOURCE);
      this.text = unit.text();
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }
}
