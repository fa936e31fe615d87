package dev.patroni4j.client.internal;

import dev.patroni4j.client.Metrics;
import dev.patroni4j.client.PatroniParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus text exposition as Patroni prints it, including 3.0.2's stray space between the
 * name and the labels ({@code patroni_postgres_server_version {scope="demo"} 150018}).
 */
public final class MetricsParser {
  private MetricsParser() {}

  public static Metrics parse(String text) {
    List<Metrics.Sample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      samples.add(sample(line, i + 1));
    }
    return new Metrics(samples, text);
  }

  private static Metrics.Sample sample(String line, int lineNo) {
    int pos = 0;
    while (pos < line.length() && isNameChar(line.charAt(pos))) {
      pos++;
    }
    if (pos == 0) {
      throw error(lineNo, "no metric name", line);
    }
    String name = line.substring(0, pos);
    pos = skipSpaces(line, pos);
    Map<String, String> labels = new LinkedHashMap<>();
    if (pos < line.length() && line.charAt(pos) == '{') {
      pos++;
      while (true) {
        pos = skipSpaces(line, pos);
        if (pos < line.length() && line.charAt(pos) == '}') {
          pos++;
          break;
        }
        int start = pos;
        while (pos < line.length() && isNameChar(line.charAt(pos))) {
          pos++;
        }
        String label = line.substring(start, pos);
        if (label.isEmpty() || pos + 1 >= line.length() || line.charAt(pos) != '=' || line.charAt(pos + 1) != '"') {
          throw error(lineNo, "malformed label", line);
        }
        pos += 2;
        StringBuilder value = new StringBuilder();
        while (pos < line.length() && line.charAt(pos) != '"') {
          char c = line.charAt(pos++);
          if (c == '\\' && pos < line.length()) {
            char e = line.charAt(pos++);
            value.append(e == 'n' ? '\n' : e);
          } else {
            value.append(c);
          }
        }
        if (pos >= line.length()) {
          throw error(lineNo, "unterminated label value", line);
        }
        pos++;
        labels.put(label, value.toString());
        pos = skipSpaces(line, pos);
        if (pos < line.length() && line.charAt(pos) == ',') {
          pos++;
        }
      }
    }
    String[] rest = line.substring(pos).strip().split("\\s+", -1);
    if (rest.length == 0 || rest[0].isEmpty()) {
      throw error(lineNo, "no value", line);
    }
    double value;
    try {
      value = switch (rest[0]) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> Double.parseDouble(rest[0]);
      };
    } catch (NumberFormatException e) {
      throw error(lineNo, "value is not a number", line);
    }
    return new Metrics.Sample(name, labels, value);
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }

  private static int skipSpaces(String s, int pos) {
    while (pos < s.length() && s.charAt(pos) == ' ') {
      pos++;
    }
    return pos;
  }

  private static PatroniParseException error(int lineNo, String problem, String line) {
    String excerpt = line.length() > 80 ? line.substring(0, 80) + "..." : line;
    return new PatroniParseException("metrics line " + lineNo + ": " + problem + ": " + excerpt, "line " + lineNo, null);
  }
}
