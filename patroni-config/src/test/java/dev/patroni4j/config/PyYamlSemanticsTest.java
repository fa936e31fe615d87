package dev.patroni4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.config.internal.PyValues;
import dev.patroni4j.config.internal.YamlWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The loader reads every scalar as PyYAML's safe_load does, checked against the real PyYAML. */
class PyYamlSemanticsTest {
  static final List<String> SCALARS = List.of("on", "On", "ON", "off", "yes", "no", "Yes", "NO", "y", "n", "true",
      "False", "TRUE", "oN", "0755", "0o755", "08", "0x1F", "0b101", "1_000", "1:30", "190:20:30", "-1:30",
      "1e3", "1.0e3", "1.0e+3", "1.5", ".5", "1.", "-.inf", ".NaN", "+12", "-0", "00", "0", "~", "null", "Null",
      "NULL", "nul", "", "2024-01-02", "2024-1-2 3:04:05", "5432", "127.0.0.1:5432", "1_0:3_0", "12:70",
      "0.1.2", "+.5", "1__0", "0_", "_1", "1_", "0x_1", "3.14_15", "6.8523015e+5", "685.230_15e+03",
      "-0b1_0", "1:00.5");

  @Test
  void plainScalarsResolveAsPyYamlResolvesThem() throws Exception {
    StringBuilder doc = new StringBuilder();
    for (int i = 0; i < SCALARS.size(); i++) {
      doc.append("k").append(i).append(": ").append(SCALARS.get(i)).append('\n');
    }
    String script = "import sys, yaml, json, datetime\n"
        + "d = yaml.safe_load(sys.stdin.read())\n"
        + "for i in range(len(d)):\n"
        + "    v = d['k%d' % i]\n"
        + "    t = type(v).__name__\n"
        + "    print('date-or-datetime' if t in ('date', 'datetime') else t + ' ' + (repr(v) if t == 'float' else str(v)))\n";
    List<String> python = Python.run(script, List.of(), doc.toString(), Map.of());
    Map<Object, Object> java = PatroniConfig.parse(doc.toString()).asMap();
    List<String> ours = new ArrayList<>();
    for (int i = 0; i < SCALARS.size(); i++) {
      ours.add(describe(java.get("k" + i)));
    }
    for (int i = 0; i < SCALARS.size(); i++) {
      assertThat(ours.get(i)).as("plain scalar '%s'", SCALARS.get(i)).isEqualTo(python.get(i));
    }
  }

  @Test
  void everyScalarWrittenReadsBackAsTheSameString() throws Exception {
    StringBuilder doc = new StringBuilder();
    List<String> tricky = new ArrayList<>(SCALARS);
    tricky.addAll(List.of("a: b", "#x", "a #b", "- x", "[x]", "{x}", "x,y", "'q'", "\"d\"", "tab\there",
        "line\nbreak", "trailing ", " leading", "*alias", "&anchor", "!tag", "%dir", "@at", "`tick", "=",
        "<<", "?", "|", ">", "x:", "ünï", "*"));
    for (int i = 0; i < tricky.size(); i++) {
      doc.append("k").append(i).append(": ").append(YamlWriter.string(tricky.get(i))).append('\n');
    }
    String script = "import sys, yaml, json\n"
        + "d = yaml.safe_load(sys.stdin.read())\n"
        + "print(json.dumps([d['k%d' % i] for i in range(len(d))]))\n";
    String json = Python.run(script, List.of(), doc.toString(), Map.of()).get(0);
    StringBuilder expected = new StringBuilder("[");
    for (int i = 0; i < tricky.size(); i++) {
      expected.append(i == 0 ? "" : ", ").append(jsonString(tricky.get(i)));
    }
    assertThat(json).isEqualTo(expected.append(']').toString());
    Map<Object, Object> back = PatroniConfig.parse(doc.toString()).asMap();
    for (int i = 0; i < tricky.size(); i++) {
      assertThat(back.get("k" + i)).isEqualTo(tricky.get(i));
    }
  }

  @Test
  void aLoneEqualsSignIsRefusedLikePyYamlRefusesIt() {
    assertThatThrownBy(() -> PatroniConfig.parse("scope: =\n"))
        .isInstanceOf(ConfigParseException.class).hasMessageContaining("value");
  }

  @Test
  void aDocumentThatIsNotAMappingIsRefusedWithWhereItCameFrom() {
    assertThatThrownBy(() -> PatroniConfig.parse("- a\n- b\n", "/etc/patroni.yml"))
        .isInstanceOf(ConfigParseException.class).hasMessageStartingWith("/etc/patroni.yml");
    assertThatThrownBy(() -> PatroniConfig.parse("scope: [x\n", "p.yml"))
        .isInstanceOfSatisfying(ConfigParseException.class, e -> assertThat(e.line()).isEqualTo(2));
  }

  @Test
  void duplicateKeysKeepTheLastValueLikePyYaml() {
    assertThat(PatroniConfig.parse("scope: a\nscope: b\n").scope()).contains("b");
  }

  private static String describe(@Nullable Object v) {
    if (v == null) {
      return "NoneType None";
    }
    if (v instanceof Boolean b) {
      return "bool " + (b ? "True" : "False");
    }
    if (v instanceof Long || v instanceof BigInteger) {
      return "int " + v;
    }
    if (v instanceof Double d) {
      return "float " + PyValues.str(d);
    }
    if (v instanceof java.util.Date) {
      return "date-or-datetime";
    }
    return "str " + v;
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c > 126) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
