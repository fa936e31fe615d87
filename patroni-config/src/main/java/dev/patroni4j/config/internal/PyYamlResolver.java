package dev.patroni4j.config.internal;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Implicit scalar types exactly as PyYAML's {@code SafeLoader} (YAML 1.1) resolves them, which is
 * what Patroni reads with. SnakeYAML's own YAML 1.1 resolver differs in small ways that change what
 * a value means: PyYAML wants a dot in every float and a signed exponent ({@code 1e3} and {@code
 * 1.0e3} are strings to it), and resolves a lone {@code =} to the {@code value} tag that its safe
 * constructor then refuses.
 */
public final class PyYamlResolver extends Resolver {
  /** The tag PyYAML gives a plain {@code =}; its safe loader has no constructor for it. */
  public static final Tag VALUE = new Tag("tag:yaml.org,2002:value");

  static final Pattern BOOL = Pattern.compile(
      "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$");
  static final Pattern FLOAT = Pattern.compile("^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
      + "|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
      + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
      + "|[-+]?\\.(?:inf|Inf|INF)"
      + "|\\.(?:nan|NaN|NAN))$");
  static final Pattern INT = Pattern.compile("^(?:[-+]?0b[0-1_]+"
      + "|[-+]?0[0-7_]+"
      + "|[-+]?(?:0|[1-9][0-9_]*)"
      + "|[-+]?0x[0-9a-fA-F_]+"
      + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$");
  static final Pattern MERGE_KEY = Pattern.compile("^(?:<<)$");
  static final Pattern NULL_VALUE = Pattern.compile("^(?:~|null|Null|NULL|)$");
  static final Pattern TIMESTAMP = Pattern.compile("^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
      + "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?"
      + ":[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$");
  static final Pattern VALUE_PATTERN = Pattern.compile("^(?:=)$");

  @Override
  protected void addImplicitResolvers() {
    // Same order as PyYAML registers them: for a shared first character the first match wins.
    addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
    addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
    addImplicitResolver(Tag.INT, INT, "-+0123456789");
    addImplicitResolver(Tag.MERGE, MERGE_KEY, "<");
    addImplicitResolver(Tag.NULL, NULL_VALUE, "~nN\0");
    addImplicitResolver(Tag.TIMESTAMP, TIMESTAMP, "0123456789");
    addImplicitResolver(VALUE, VALUE_PATTERN, "=");
  }

  /** The tag PyYAML would give {@code value} written as a plain scalar. */
  public Tag plainTag(String value) {
    return resolve(org.yaml.snakeyaml.nodes.NodeId.scalar, value, true);
  }
}
