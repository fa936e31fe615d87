package dev.patroni4j.examples.docs;

import java.util.ArrayList;
import java.util.List;

/** Where a Java source's comments are, found by a lexer that knows strings, characters and text blocks. */
final class JavaSource {
  /** A comment's characters, {@code start} inclusive, {@code end} exclusive. */
  record Comment(int start, int end, boolean javadoc) {}

  private JavaSource() {}

  static List<Comment> comments(String src) {
    List<Comment> comments = new ArrayList<>();
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
        int end = src.indexOf('\n', i);
        end = end < 0 ? n : end;
        comments.add(new Comment(i, end, false));
        i = end;
      } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
        int end = src.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        boolean javadoc = i + 2 < n && src.charAt(i + 2) == '*' && !src.startsWith("/**/", i);
        comments.add(new Comment(i, end, javadoc));
        i = end;
      } else if (src.startsWith("\"\"\"", i)) {
        i = skipQuoted(src, i + 3, "\"\"\"");
      } else if (c == '"') {
        i = skipQuoted(src, i + 1, "\"");
      } else if (c == '\'') {
        i = skipQuoted(src, i + 1, "'");
      } else {
        i++;
      }
    }
    return comments;
  }

  /** The source with every comment character but line breaks replaced by a space: offsets and lines stay. */
  static String withoutComments(String src) {
    StringBuilder out = new StringBuilder(src);
    for (Comment c : comments(src)) {
      for (int i = c.start(); i < c.end(); i++) {
        if (out.charAt(i) != '\n') {
          out.setCharAt(i, ' ');
        }
      }
    }
    return out.toString();
  }

  /** 1-based line of an offset. */
  static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static int skipQuoted(String src, int from, String close) {
    int i = from;
    while (i < src.length()) {
      if (src.charAt(i) == '\\') {
        i += 2;
      } else if (src.startsWith(close, i)) {
        return i + close.length();
      } else if (close.length() == 1 && src.charAt(i) == '\n') {
        return i; // an unterminated literal: javac would reject it; do not swallow the file
      } else {
        i++;
      }
    }
    return i;
  }
}
