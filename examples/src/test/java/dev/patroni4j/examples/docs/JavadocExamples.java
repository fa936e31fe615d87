package dev.patroni4j.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the code examples in a Java source's Javadoc and wraps each in a compilation unit.
 *
 * <p>An example is a {@code <pre>} block of a Javadoc comment whose content is one {@code @code} tag. It is compiled as
 * the statements of a method body ({@code throws Exception}), or, when it does not parse as that, as
 * one expression statement, or as the body of a class (fields, methods, nested classes). The unit
 * imports what the source file imports, the public types of the file's own package and a few JDK
 * packages ({@link #IMPLICIT_IMPORTS}); it is not in the file's package, so an example can use only
 * what a user can. Two conventions, both visible in the rendered Javadoc:
 *
 * <ul>
 *   <li>{@code // given: PatroniClient client; Duration timeout;} on the example's first lines
 *       declares what the example takes as given (method parameters, or fields of a class body);
 *   <li>{@code import ...;} lines at the example's start are imports of the unit.
 * </ul>
 */
final class JavadocExamples {
  /** On-demand imports every unit has: the JDK types a reader takes for granted. */
  static final List<String> IMPLICIT_IMPORTS = List.of("java.io.*", "java.net.*", "java.nio.file.*",
      "java.sql.*", "java.time.*", "java.util.*", "java.util.concurrent.*", "java.util.function.*");
  static final String UNIT_PACKAGE = "dev.patroni4j.javadoc.examples";

  private static final Pattern PRE_CODE = Pattern.compile("<pre>\\s*\\{@code");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
  private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s+(static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;");
  private static final Pattern PUBLIC_TYPE = Pattern.compile(
      "(?m)^public\\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)");
  private static final Pattern GIVEN = Pattern.compile("^\\s*//\\s*given:\\s*(.*)$");
  private static final Pattern SNIPPET_IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;\\s*$");
  private static final Pattern DECLARATION = Pattern.compile("^(.*\\S)\\s+([A-Za-z_$][\\w$]*)$");
  private static final Pattern NEWLINE = Pattern.compile("\n");
  private static final Pattern SEMICOLON = Pattern.compile(";");
  private static final Pattern COMMENT_LINE_START = Pattern.compile("^\\s*\\* ?");

  /** How a unit wraps an example. */
  enum Form { STATEMENTS, EXPRESSION, CLASS_BODY }

  /**
   * One example: where it starts ({@code line} is the source line of its first code line), the
   * file's package and imports ({@code import static a.B.c} kept with its {@code static}), the
   * code lines as Javadoc shows them, and the source lines of code lines without the comment's
   * leading {@code *}. Javadoc renders those too, so they compile, but nobody wrote them there: an
   * import sorter or formatter that took the comment for code put them in.
   */
  record Example(String file, int line, String packageName, List<String> imports, List<String> packageTypes,
      List<String> code, List<Integer> linesWithoutStar) {
    Example {
      imports = List.copyOf(imports);
      packageTypes = List.copyOf(packageTypes);
      code = List.copyOf(code);
      linesWithoutStar = List.copyOf(linesWithoutStar);
    }

    String location() {
      return file + ":" + line;
    }
  }

  /** A compilation unit for an example; the example's code line {@code i} is the unit's line {@code firstCodeLine + i}. */
  record Unit(Example example, Form form, String className, String text, int firstCodeLine) {
    int sourceLine(long unitLine) {
      return example.line() + (int) (unitLine - firstCodeLine);
    }
  }

  private JavadocExamples() {}

  /** The examples of one file; {@code displayName} is how failures name it. */
  static List<Example> extract(Path file, String displayName) {
    String source = read(file);
    Path dir = file.toAbsolutePath().getParent();
    return extract(source, displayName, dir == null ? List.of() : publicTypesIn(dir));
  }

  static List<Example> extract(String source, String displayName, List<String> packageTypes) {
    String code = JavaSource.withoutComments(source);
    Matcher pkg = PACKAGE.matcher(code);
    String packageName = pkg.find() ? pkg.group(1) : "";
    List<String> imports = new ArrayList<>();
    Matcher imp = IMPORT.matcher(code);
    while (imp.find()) {
      imports.add((imp.group(1) == null ? "" : "static ") + imp.group(2));
    }
    List<Example> examples = new ArrayList<>();
    for (JavaSource.Comment comment : JavaSource.comments(source)) {
      if (!comment.javadoc()) {
        continue;
      }
      Matcher pre = PRE_CODE.matcher(source).region(comment.start(), comment.end());
      while (pre.find()) {
        int from = pre.end();
        int to = closingBrace(source, from, comment.end());
        List<String> lines = new ArrayList<>();
        List<Integer> withoutStar = new ArrayList<>();
        int firstLine = JavaSource.lineOf(source, from);
        String[] split = NEWLINE.split(source.substring(from, to), -1);
        for (int i = 0; i < split.length; i++) {
          Matcher star = COMMENT_LINE_START.matcher(split[i]);
          if (i == 0) {
            lines.add(split[i]);
          } else if (star.lookingAt()) {
            lines.add(star.replaceFirst(""));
          } else {
            lines.add(split[i]);
            withoutStar.add(firstLine + i);
          }
        }
        examples.add(new Example(displayName, firstLine, packageName, imports, packageTypes, lines, withoutStar));
        pre.region(to, comment.end());
      }
    }
    return examples;
  }

  /** The unit for an example in a form; {@code index} makes its class name unique. */
  static Unit wrap(Example example, Form form, int index) {
    String className = "Example" + index;
    List<String> code = new ArrayList<>(example.code());
    Set<String> imports = new LinkedHashSet<>();
    List<String> given = new ArrayList<>();
    boolean leading = true;
    for (int i = 0; i < code.size(); i++) {
      String line = code.get(i);
      if (!leading) {
        break;
      }
      Matcher g = GIVEN.matcher(line);
      Matcher imp = SNIPPET_IMPORT.matcher(line);
      if (g.matches()) {
        String declarations = g.group(1);
        int comment = declarations.indexOf("//");
        for (String declaration : SEMICOLON.split(comment < 0 ? declarations : declarations.substring(0, comment), -1)) {
          if (!declaration.isBlank()) {
            given.add(declaration.strip());
          }
        }
      } else if (imp.matches()) {
        imports.add((imp.group(1) == null ? "" : "static ") + imp.group(2));
        code.set(i, "");
      } else if (!line.isBlank()) {
        leading = false;
      }
    }
    Set<String> singleTypeNames = new LinkedHashSet<>();
    for (String i : example.imports()) {
      if (!i.startsWith("static ") && !i.endsWith(".*")) {
        singleTypeNames.add(i.substring(i.lastIndexOf('.') + 1));
      }
    }
    List<String> header = new ArrayList<>();
    header.add("package " + UNIT_PACKAGE + ";");
    for (String i : example.imports()) {
      header.add("import " + i + ";");
    }
    if (!example.packageName().isEmpty()) {
      for (String type : example.packageTypes()) {
        if (!singleTypeNames.contains(type)) {
          header.add("import " + example.packageName() + "." + type + ";");
        }
      }
    }
    for (String i : IMPLICIT_IMPORTS) {
      header.add("import " + i + ";");
    }
    for (String i : imports) {
      header.add("import " + i + ";");
    }
    String trailer;
    switch (form) {
      case CLASS_BODY -> {
        StringBuilder fields = new StringBuilder();
        for (String g : given) {
          fields.append(' ').append(g).append(';');
        }
        header.add("@SuppressWarnings(\"all\") abstract class " + className + " {" + fields);
        trailer = "}";
      }
      case STATEMENTS, EXPRESSION -> {
        List<String> parameters = new ArrayList<>();
        for (String g : given) {
          Matcher d = DECLARATION.matcher(g);
          parameters.add(d.matches() ? d.group(1) + " " + d.group(2) : g);
        }
        header.add("@SuppressWarnings(\"all\") final class " + className + " {");
        header.add("  void example(" + String.join(", ", parameters) + ") throws Exception {");
        trailer = (form == Form.EXPRESSION ? ";" : "") + "\n}}";
      }
      default -> throw new IllegalArgumentException(form.toString());
    }
    String text = String.join("\n", header) + "\n" + String.join("\n", code) + "\n" + trailer + "\n";
    return new Unit(example, form, className, text, header.size() + 1);
  }

  /** The public top-level types of the package in a source directory. */
  static List<String> publicTypesIn(Path dir) {
    List<String> types = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        Matcher m = PUBLIC_TYPE.matcher(JavaSource.withoutComments(read(f)));
        if (m.find()) {
          types.add(m.group(1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return types;
  }

  /** Javadoc's rule: a {@code @code} tag ends at the brace that balances its own. */
  private static int closingBrace(String source, int from, int limit) {
    int depth = 1;
    for (int i = from; i < limit; i++) {
      char c = source.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return limit;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
