package dev.patroni4j.config;

import dev.patroni4j.config.internal.PyYaml;
import dev.patroni4j.config.internal.YamlWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.CollectionNode;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The text of a {@code patroni.yml} with edits that touch only what they change: setting one value
 * rewrites that value's characters and nothing else, a new key is added after the last entry of
 * its mapping at the mapping's indentation, a removed key takes only its own lines. Comments, key
 * order, quoting and blank lines elsewhere stay exactly as the person wrote them.
 *
 * <pre>{@code
 * // given: Path path;
 * ConfigDocument doc = ConfigDocument.parse(Files.readString(path))
 *     .set("postgresql.bin_dir", "/usr/lib/postgresql/17/bin")
 *     .set("postgresql.data_dir", "/var/lib/postgresql/17/main")
 *     .remove("tags.nofailover");
 * Files.writeString(path, doc.text());
 * }</pre>
 *
 * <p>Immutable: each edit returns a new document. Thread-safe.
 */
public final class ConfigDocument {
  private final String text;
  private final PatroniConfig config;

  private ConfigDocument(String text) {
    this.text = text;
    this.config = PatroniConfig.parse(text);
  }

  /** A document; fails with {@link ConfigParseException} unless the text is a YAML mapping. */
  public static ConfigDocument parse(String text) {
    return new ConfigDocument(text);
  }

  /** The text, with every edit applied. */
  public String text() {
    return text;
  }

  /** The configuration the text holds. */
  public PatroniConfig config() {
    return config;
  }

  /**
   * Sets the value at a dotted path ({@code postgresql.parameters.max_connections}); missing
   * mappings on the way are created. Strings are quoted when YAML 1.1 would read them as anything
   * else ({@code 'on'}, {@code '0755'}).
   */
  public ConfigDocument set(String dottedPath, Object value) {
    Objects.requireNonNull(value, "value");
    List<String> path = split(dottedPath);
    MappingNode parent = root();
    for (int i = 0; i < path.size(); i++) {
      Optional<NodeTuple> entry = entry(parent, path.get(i));
      if (entry.isEmpty()) {
        return insert(parent, path.subList(i, path.size()), value);
      }
      Node v = entry.get().getValueNode();
      if (i == path.size() - 1 || !(v instanceof MappingNode m)) {
        Object nested = nest(path.subList(i + 1, path.size()), value);
        return replace(parent, entry.get(), nested);
      }
      parent = m;
    }
    throw new IllegalStateException("unreachable");
  }

  /** Removes the key at a dotted path with its value, its own lines and nothing else; a no-op if absent. */
  public ConfigDocument remove(String dottedPath) {
    List<String> path = split(dottedPath);
    MappingNode parent = root();
    for (int i = 0; i < path.size() - 1; i++) {
      Optional<NodeTuple> e = entry(parent, path.get(i));
      if (e.isEmpty() || !(e.get().getValueNode() instanceof MappingNode m)) {
        return this;
      }
      parent = m;
    }
    Optional<NodeTuple> e = entry(parent, path.get(path.size() - 1));
    if (e.isEmpty()) {
      return this;
    }
    NodeTuple t = e.get();
    int keyStart = t.getKeyNode().getStartMark().getIndex();
    int valueEnd = end(t.getValueNode());
    if (parent.getFlowStyle() == DumperOptions.FlowStyle.FLOW) {
      List<NodeTuple> all = parent.getValue();
      int idx = all.indexOf(t);
      int from = keyStart;
      int to = valueEnd;
      if (idx + 1 < all.size()) {
        to = all.get(idx + 1).getKeyNode().getStartMark().getIndex();
      } else if (idx > 0) {
        from = end(all.get(idx - 1).getValueNode());
      }
      return edit(from, to, "");
    }
    int from = lineStart(keyStart);
    int to = lineEnd(valueEnd);
    return edit(from, Math.min(text.length(), to + 1), "");
  }

  @Override
  public String toString() {
    return "ConfigDocument[" + config + "]";
  }

  // ------------------------------------------------------------------------ implementation

  private MappingNode root() {
    Node n = PyYaml.compose(text, "patroni.yml");
    if (!(n instanceof MappingNode m)) {
      throw new ConfigParseException("patroni.yml", 0, 0, "the configuration must be a mapping");
    }
    return m;
  }

  private static List<String> split(String dottedPath) {
    List<String> parts = List.of(dottedPath.split("\\."));
    if (dottedPath.isEmpty() || parts.stream().anyMatch(String::isEmpty)) {
      throw new PatroniConfigException("not a dotted path: '" + dottedPath + "'");
    }
    return parts;
  }

  private static Optional<NodeTuple> entry(MappingNode m, String key) {
    NodeTuple found = null;
    for (NodeTuple t : m.getValue()) { // the last duplicate wins, as in PyYAML
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        found = t;
      }
    }
    return Optional.ofNullable(found);
  }

  private static Object nest(List<String> rest, Object value) {
    Object v = value;
    for (int i = rest.size() - 1; i >= 0; i--) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(rest.get(i), v);
      v = m;
    }
    return v;
  }

  private ConfigDocument replace(MappingNode parent, NodeTuple entry, Object value) {
    Node old = entry.getValueNode();
    int start = old.getStartMark().getIndex();
    int end = end(old);
    boolean blockOld = old instanceof CollectionNode<?> c && c.getFlowStyle() == DumperOptions.FlowStyle.BLOCK
        && !isEmptyCollection(old);
    boolean emptyScalar = old instanceof ScalarNode s && s.getValue().isEmpty() && start == end;
    boolean collection = (value instanceof Map<?, ?> m && !m.isEmpty()) || (value instanceof List<?> l && !l.isEmpty());
    boolean flowOld = old instanceof CollectionNode<?> c && c.getFlowStyle() == DumperOptions.FlowStyle.FLOW;
    if (parent.getFlowStyle() == DumperOptions.FlowStyle.FLOW || (flowOld && !emptyScalar)) {
      return edit(start, end, YamlWriter.scalar(value)); // flow stays flow
    }
    if (!collection && !blockOld && !emptyScalar) {
      return edit(start, end, YamlWriter.scalar(value)); // the common case: only the value's characters
    }
    int colon = text.indexOf(':', end(entry.getKeyNode()));
    int to = blockOld ? lineEnd(end) : emptyScalar ? colon + 1 : end;
    if (!collection) {
      return edit(colon + 1, to, " " + YamlWriter.scalar(value));
    }
    int keyColumn = entry.getKeyNode().getStartMark().getColumn();
    int indent = value instanceof List ? (blockOld ? old.getStartMark().getColumn() : keyColumn)
        : blockOld && old instanceof MappingNode ? old.getStartMark().getColumn() : keyColumn + 2;
    String rendered = block(value, indent);
    return edit(colon + 1, to, "\n" + rendered.substring(0, rendered.length() - 1));
  }

  private ConfigDocument insert(MappingNode parent, List<String> rest, Object value) {
    Object nested = nest(rest.subList(1, rest.size()), value);
    Map<String, Object> one = new LinkedHashMap<>();
    one.put(rest.get(0), nested);
    if (parent.getFlowStyle() == DumperOptions.FlowStyle.FLOW) {
      int close = parent.getEndMark().getIndex() - 1;
      String sep = parent.getValue().isEmpty() ? "" : ", ";
      return edit(close, close, sep + YamlWriter.key(rest.get(0)) + ": " + YamlWriter.scalar(nested));
    }
    if (parent.getValue().isEmpty()) {
      return edit(text.length(), text.length(), (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
          + block(one, 0));
    }
    int indent = parent.getValue().get(0).getKeyNode().getStartMark().getColumn();
    NodeTuple last = parent.getValue().get(parent.getValue().size() - 1);
    int at = lineEnd(end(last.getValueNode()));
    String rendered = block(one, indent);
    if (at >= text.length()) {
      return edit(text.length(), text.length(), (text.endsWith("\n") ? "" : "\n") + rendered);
    }
    return edit(at + 1, at + 1, rendered);
  }

  private static String block(Object value, int indent) {
    Map<String, Object> holder = new LinkedHashMap<>();
    holder.put("x", value);
    String all = YamlWriter.write(holder);
    // drop the "x:" line and shift the rest to the wanted indentation
    StringBuilder out = new StringBuilder();
    String[] lines = all.split("\n", -1);
    int own = lines.length > 1 ? lines[1].length() - lines[1].stripLeading().length() : 0;
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      out.append(" ".repeat(indent)).append(lines[i].substring(Math.min(own, lines[i].length()))).append('\n');
    }
    return out.toString();
  }

  private static boolean isEmptyCollection(Node n) {
    return (n instanceof MappingNode m && m.getValue().isEmpty()) || (n instanceof SequenceNode s && s.getValue().isEmpty());
  }

  /** Where a node's own text ends: for block collections, the end of the last child. */
  private static int end(Node n) {
    if (n instanceof ScalarNode || ((CollectionNode<?>) n).getFlowStyle() == DumperOptions.FlowStyle.FLOW) {
      return n.getEndMark().getIndex();
    }
    if (n instanceof MappingNode m) {
      List<NodeTuple> v = m.getValue();
      return v.isEmpty() ? n.getStartMark().getIndex() : end(v.get(v.size() - 1).getValueNode());
    }
    List<Node> items = ((SequenceNode) n).getValue();
    return items.isEmpty() ? n.getStartMark().getIndex() : end(items.get(items.size() - 1));
  }

  private int lineStart(int index) {
    int i = text.lastIndexOf('\n', Math.max(0, index - 1));
    return i < 0 ? 0 : i + 1;
  }

  /** The index of the newline ending the line holding {@code index} (or the text's length). */
  private int lineEnd(int index) {
    int from = index > 0 && index <= text.length() && text.charAt(index - 1) == '\n' ? index - 1 : index;
    int i = text.indexOf('\n', from);
    return i < 0 ? text.length() : i;
  }

  private ConfigDocument edit(int from, int to, String replacement) {
    return new ConfigDocument(text.substring(0, from) + replacement + text.substring(to));
  }

}
