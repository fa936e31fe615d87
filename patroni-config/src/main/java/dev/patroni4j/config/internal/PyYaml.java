package dev.patroni4j.config.internal;

import dev.patroni4j.config.ConfigParseException;
import dev.patroni4j.config.Secret;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Loads YAML the way {@code yaml.safe_load} does, into plain Java values: {@link String}, {@link
 * Boolean}, {@link Long} or {@link BigInteger}, {@link Double}, {@link java.util.Date}, {@code
 * byte[]}, {@code null}, {@link List} and insertion-ordered {@link Map}s. String values under
 * secret keys become {@link Secret}s at load time, so nothing built from the tree can print them.
 */
public final class PyYaml {
  /** Keys whose string values are secrets, wherever they appear. */
  public static final Set<String> SECRET_KEYS = Set.of("password", "keyfile_password", "token",
      "key_password", "sslpassword", "auth_data");

  private PyYaml() {}

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // PyYAML: the last one wins
    options.setMaxAliasesForCollections(1000);
    options.setNestingDepthLimit(200);
    DumperOptions dumper = new DumperOptions();
    return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options,
        new PyYamlResolver());
  }

  /** The value of the single document in {@code text}; a parse error names {@code source}. */
  public static @Nullable Object load(String text, String source) {
    try {
      return normalize(yaml().load(text), null);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : "invalid YAML";
      if (e.getContext() != null) {
        problem = e.getContext() + ": " + problem;
      }
      throw new ConfigParseException(source, mark == null ? 0 : mark.getLine() + 1,
          mark == null ? 0 : mark.getColumn() + 1, problem);
    } catch (YAMLException | ClassCastException | IllegalArgumentException e) {
      throw new ConfigParseException(source, 0, 0, "invalid YAML: " + e.getClass().getSimpleName());
    }
  }

  /** The node tree of {@code text} with positions, for editing; {@code null} for an empty text. */
  public static @Nullable Node compose(String text, String source) {
    try {
      return yaml().compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      throw new ConfigParseException(source, mark == null ? 0 : mark.getLine() + 1,
          mark == null ? 0 : mark.getColumn() + 1, String.valueOf(e.getProblem()));
    } catch (YAMLException e) {
      throw new ConfigParseException(source, 0, 0, "invalid YAML");
    }
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Object normalize(@Nullable Object value, @Nullable Object key) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, @Nullable Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        copy.put(normalizeKey(e.getKey()), normalize(e.getValue(), e.getKey()));
      }
      return copy;
    }
    if (value instanceof List<?> list) {
      List<@Nullable Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(normalize(item, null));
      }
      return copy;
    }
    if (value instanceof Set<?> set) { // !!set: PyYAML gives a set; keep it as a list of members
      return new ArrayList<>((Set<Object>) set);
    }
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (value instanceof String s && key instanceof String k && SECRET_KEYS.contains(k)) {
      return Secret.of(s);
    }
    return value;
  }

  private static Object normalizeKey(@Nullable Object key) {
    if (key instanceof Integer i) {
      return i.longValue();
    }
    return key == null ? PyValues.NONE_KEY : key;
  }
}
