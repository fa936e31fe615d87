package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.client.internal.MetricsParser;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer over every parser of outside input: recorded Patroni documents are
 * mutated at the byte level (flips, cuts, splices) and at the JSON level (a value replaced by one of
 * another type, a huge number, a bad LSN, deep nesting), then fed to every parser. Each input must
 * either parse or fail with a {@link PatroniParseException} that names a path; anything else is a
 * bug. A fixed number of inputs keeps it short in CI; the seed of each run is printed so a failure replays.
 */
class ParserFuzzTest {
  // A fixed number of inputs, not a time budget: the same seed then runs the same inputs on a loaded machine too.
  private static final int INPUTS = Integer.getInteger("fuzz.inputs", 1500);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String MUTATION_CHARS = "{}[]\",:0123456789eE.-+\\ntfu\u0000\u00e9/ ";

  private static final Map<String, Consumer<String>> PARSERS = Map.of(
      "clusterView", PatroniJson::clusterView,
      "memberStatus", PatroniJson::memberStatus,
      "history", PatroniJson::history,
      "dynamicConfig", PatroniJson::dynamicConfig,
      "dcsMember", s -> PatroniJson.dcsMember("m", s),
      "failsafe", PatroniJson::failsafe,
      "metrics", MetricsParser::parse);

  @Test
  void everyMutatedDocumentParsesOrFailsWithATypedParseError() throws Exception {
    // CI replays one fixed seed so that a red build is reproducible; developers explore new ones.
    long seed = Long.getLong("fuzz.seed", System.getenv("CI") != null ? 20261122L : System.nanoTime());
    System.out.println("ParserFuzzTest seed=" + seed + " (replay with -Dfuzz.seed=" + seed + ")");
    Random random = new Random(seed);
    List<String> corpus = new ArrayList<>();
    for (String name : Fixtures.JSON_DOCUMENTS) {
      corpus.add(Fixtures.read(name));
    }
    corpus.add(Fixtures.read("metrics-3.0.2.txt"));
    corpus.add(Fixtures.read("synthetic-metrics-edge-cases.txt"));
    corpus.add(Fixtures.read("recorded/4.1.5/metrics-replica.txt"));
    int runs = 0;
    int parsed = 0;
    while (runs < INPUTS) {
      String input = mutate(corpus.get(random.nextInt(corpus.size())), random);
      for (Map.Entry<String, Consumer<String>> p : PARSERS.entrySet()) {
        try {
          p.getValue().accept(input);
          parsed++;
        } catch (PatroniParseException e) {
          assertThat(e.getMessage()).isNotBlank();
          assertThat(e.path()).matches("(\\$.*|line \\d+)").doesNotContain("\n", "\r").hasSizeLessThan(2000);
        } catch (RuntimeException | StackOverflowError e) {
          fail("seed " + seed + ": parser " + p.getKey() + " threw " + e + " on input:\n" + abbreviate(input), e);
        }
      }
      runs++;
    }
    System.out.println("ParserFuzzTest: " + runs + " inputs x " + PARSERS.size() + " parsers, " + parsed + " parsed");
    assertThat(parsed).as("mutations must not all be rejected, or the fuzzer tests only the tokenizer").isGreaterThan(100);
  }

  private static String mutate(String doc, Random r) throws Exception {
    int rounds = 1 + r.nextInt(3);
    String out = doc;
    for (int i = 0; i < rounds; i++) {
      out = r.nextBoolean() ? mutateTree(out, r) : mutateBytes(out, r);
    }
    return out;
  }

  private static String mutateBytes(String s, Random r) {
    if (s.isEmpty()) {
      return "{";
    }
    StringBuilder sb = new StringBuilder(s);
    int at = r.nextInt(sb.length());
    switch (r.nextInt(5)) {
      case 0 -> sb.setLength(at);
      case 1 -> sb.setCharAt(at, MUTATION_CHARS.charAt(r.nextInt(MUTATION_CHARS.length())));
      case 2 -> sb.delete(at, Math.min(sb.length(), at + 1 + r.nextInt(20)));
      case 3 -> {
        int from = r.nextInt(sb.length());
        sb.insert(at, sb.substring(from, Math.min(sb.length(), from + 1 + r.nextInt(40))));
      }
      default -> sb.insert(at, List.of("\"unknown\"", "18446744073709551616", "-1", "1e400", "null", "[]", "{}",
          "\"0/ZZ\"", "\"FFFFFFFF/FFFFFFFF\"").get(r.nextInt(9)));
    }
    return sb.toString();
  }

  private static String mutateTree(String s, Random r) throws Exception {
    JsonNode root;
    try {
      root = JSON.readTree(s);
    } catch (Exception e) {
      return mutateBytes(s, r);
    }
    if (root == null || !root.isContainerNode()) {
      return mutateBytes(s, r);
    }
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(r.nextInt(containers.size()));
    JsonNode replacement = randomValue(r, 0);
    if (target instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      String name = names.get(r.nextInt(names.size()));
      if (r.nextInt(5) == 0) {
        o.remove(name);
      } else {
        o.set(name, replacement);
      }
    } else if (target instanceof ArrayNode a && a.size() > 0) {
      a.set(r.nextInt(a.size()), replacement);
    } else if (target instanceof ArrayNode a) {
      a.add(replacement);
    }
    return JSON.writeValueAsString(root);
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
        collect(it.next(), out);
      }
    }
  }

  private static JsonNode randomValue(Random r, int depth) {
    switch (r.nextInt(depth > 3 ? 10 : 13)) {
      case 0: return F.textNode("unknown");
      case 1: return F.numberNode(new BigInteger("18446744073709551615"));
      case 2: return F.numberNode(new BigInteger("-18446744073709551617"));
      case 3: return F.numberNode(r.nextLong());
      case 4: return F.numberNode(r.nextDouble() * 1e20);
      case 5: return F.booleanNode(r.nextBoolean());
      case 6: return F.nullNode();
      case 7: return F.textNode(List.of("0/4000060", "x/y", "2019-09-24T12:00+00", "running", "master", "", "\u2603").get(r.nextInt(7)));
      case 8: return F.numberNode(r.nextInt(10) - 2);
      case 9: return F.textNode(Long.toString(r.nextLong()));
      case 10: {
        ArrayNode a = F.arrayNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          a.add(randomValue(r, depth + 1));
        }
        return a;
      }
      default: {
        ObjectNode o = F.objectNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          o.set(List.of("name", "role", "state", "timeline", "lag", "xlog", "location", "at").get(r.nextInt(8)), randomValue(r, depth + 1));
        }
        return o;
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }
}
