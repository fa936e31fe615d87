package dev.patroni4j.config.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The shape of a configuration as Patroni's {@code validator.Schema} walks it: the same node kinds
 * (types, checks, mappings with required, optional, either-of and at-most-one keys, lists, either-of
 * values, directories) and the same walk, so the verdicts agree, including Patroni's quirks (a
 * bool is an int; of several either-of keys present, all are validated).
 */
public final class Schema {
  private Schema() {}

  /** A node of a schema. */
  public sealed interface Node permits Type, Check, Dict, ListOf, AnyOf, Directory {}

  /** The Python types the schema names. */
  public enum PyType {
    STR("a string", PyValues::isStr),
    INT("an integer", PyValues::isInt),
    BOOL("a boolean", PyValues::isBool),
    FLOAT("a number", PyValues::isFloat),
    LIST("an array", PyValues::isList),
    DICT("a dictionary", PyValues::isDict);

    final String description;
    // Each test is a method reference to a stateless static PyValues predicate: immutable in fact.
    @SuppressWarnings("ImmutableEnumChecker")
    final Predicate<@Nullable Object> test;

    PyType(String description, Predicate<@Nullable Object> test) {
      this.description = description;
      this.test = test;
    }
  }

  /** {@code isinstance(value, type)}. */
  public record Type(PyType type) implements Node {}

  /** A check that fails by throwing {@link Failed}; {@code expectedType} is tested first. */
  public record Check(@Nullable PyType expectedType, String expected, CheckFn fn) implements Node {}

  /** The function of a {@link Check}. */
  @FunctionalInterface
  public interface CheckFn {
    void check(@Nullable Object value, Context context) throws Failed;
  }

  /** How a key of a mapping is matched. */
  public enum KeyKind { REQUIRED, OPTIONAL, ANY_OF, AT_MOST_ONE }

  /**
   * A key of a mapping: {@code names} has one name unless it is {@code ANY_OF}/{@code AT_MOST_ONE};
   * {@code cases} gives each name its own node (Patroni's {@code Case}), else {@code node} applies.
   */
  public record Key(KeyKind kind, List<String> names, @Nullable Object defaultValue,
      @Nullable Node node, Map<String, Node> cases) {}

  /** A mapping; an empty key list only requires a mapping. */
  public record Dict(List<Key> keys) implements Node {}

  /** A non-empty list whose items all match {@code item}. */
  public record ListOf(Node item) implements Node {}

  /** Patroni's {@code Or}: one of the alternatives must match. */
  public record AnyOf(List<Node> alternatives) implements Node {}

  /** A directory holding PostgreSQL's binaries (or, when empty in 4.x, binaries on the PATH). */
  public record Directory() implements Node {}

  /** A failed check, with Patroni's reason. */
  public static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    public Failed(String message) {
      super(message, null, false, false);
    }
  }

  /** What a walk may look at besides the value: the whole configuration, the version, the host. */
  public record Context(Map<Object, @Nullable Object> root, boolean patroni3, HostFacts host) {}

  /** One result of the walk; Patroni's {@code Result}. */
  public record Result(boolean ok, String error, int level, String path, @Nullable Object data) {
    static Result passed(@Nullable Object data) {
      return new Result(true, "", 0, "", data);
    }

    Result under(String prefix) {
      return new Result(ok, error, level, prefix + (path.isEmpty() ? "" : "." + path), data);
    }
  }

  /** The failed results of validating {@code data} against {@code node}. */
  public static List<Result> errors(Node node, @Nullable Object data, Context context) {
    List<Result> out = new ArrayList<>();
    for (Result r : validate(node, data, context)) {
      if (!r.ok()) {
        out.add(r);
      }
    }
    return out;
  }

  static List<Result> validate(Node node, @Nullable Object data, Context ctx) {
    List<Result> out = new ArrayList<>();
    if (node instanceof Type t) {
      out.add(new Result(t.type().test.test(data), "is not " + t.type().description, 1, "", data));
    } else if (node instanceof Check c) {
      if (c.expectedType() != null && !c.expectedType().test.test(data)) {
        out.add(new Result(false, "is not " + c.expectedType().description, 1, "", data));
        return out;
      }
      try {
        c.fn().check(data, ctx);
        out.add(Result.passed(data));
      } catch (Failed e) {
        out.add(new Result(false, "didn't pass validation: " + e.getMessage(), 0, "", data));
      } catch (RuntimeException e) { // Python would raise from inside the check: still a failure
        out.add(new Result(false, "didn't pass validation: " + e.getClass().getSimpleName(), 0, "", data));
      }
    } else if (node instanceof Dict d) {
      if (!(data instanceof Map<?, ?> map)) {
        out.add(new Result(false, "is not a dictionary", 1, "", data));
      } else {
        @SuppressWarnings("unchecked")
        Map<Object, @Nullable Object> m = (Map<Object, @Nullable Object>) map;
        iterDict(d, m, ctx, out);
      }
    } else if (node instanceof ListOf l) {
      if (!(data instanceof List<?> list)) {
        out.add(new Result(false, "is not a list", 1, "", data));
      } else {
        if (list.isEmpty()) {
          out.add(new Result(false, "is an empty list", 0, "", data));
        }
        for (int i = 0; i < list.size(); i++) {
          for (Result r : validate(l.item(), list.get(i), ctx)) {
            out.add(new Result(r.ok(), r.error(), r.level(),
                i + (r.path().isEmpty() ? "" : "." + r.path()), list.get(i)));
          }
        }
      }
    } else if (node instanceof AnyOf a) {
      iterOr(a, data, ctx, out);
    } else if (node instanceof Directory) {
      directory(data, ctx, out);
    }
    return out;
  }

  private static void iterDict(Dict d, Map<Object, @Nullable Object> data, Context ctx, List<Result> out) {
    for (Key key : d.keys()) {
      List<String> present = new ArrayList<>();
      for (String n : key.names()) {
        if (data.containsKey(n)) {
          present.add(n);
        }
      }
      List<String> names;
      switch (key.kind()) {
        case ANY_OF:
          names = present.isEmpty() ? key.names() : present;
          break;
        case AT_MOST_ONE:
          if (present.size() > 1) {
            out.add(new Result(false, "Multiple of " + key.names() + " provided", 0, "", null));
            continue;
          }
          names = present;
          break;
        default:
          names = key.names();
      }
      for (String name : names) {
        if (!data.containsKey(name)) {
          if (key.kind() == KeyKind.OPTIONAL) {
            if (key.defaultValue() == null) {
              continue;
            }
            data.put(name, key.defaultValue());
          } else {
            out.add(new Result(false, "is not defined.", 0, name, null));
            continue;
          }
        }
        Node node = key.cases().isEmpty() ? key.node() : key.cases().get(name);
        if (node == null) {
          continue;
        }
        for (Result r : validate(node, data.get(name), ctx)) {
          out.add(r.under(name));
        }
      }
    }
  }

  private static void iterOr(AnyOf a, @Nullable Object data, Context ctx, List<Result> out) {
    List<Result> results = new ArrayList<>();
    for (Node alternative : a.alternatives()) {
      List<Result> r = validate(alternative, data, ctx);
      boolean any = r.stream().anyMatch(Result::ok);
      boolean all = r.stream().allMatch(Result::ok);
      if (any && !all) {
        r.stream().filter(x -> !x.ok()).forEach(results::add);
      } else {
        results.addAll(r);
      }
    }
    if (results.stream().noneMatch(Result::ok)) {
      int maxLevel = 3;
      List<Result> sorted = new ArrayList<>(results);
      sorted.sort(Comparator.comparingInt(Result::level));
      for (Result r : sorted) {
        if (r.level() > maxLevel) {
          break;
        }
        maxLevel = r.level();
        out.add(r);
      }
    }
  }

  private static final List<String> BINARIES =
      List.of("pg_ctl", "initdb", "pg_controldata", "pg_basebackup", "postgres", "pg_isready");

  private static void directory(@Nullable Object data, Context ctx, List<Result> out) {
    if (ctx.patroni3()) {
      if (!(data instanceof String name)) {
        // 3.0 hands any value to os.path: falsy values are "empty", others fail or crash it
        out.add(new Result(false, PyValues.truthy(data) ? "is not a directory path" : "is an empty string",
            0, "", data));
        return;
      }
      if (name.isEmpty()) {
        out.add(new Result(false, "is an empty string", 0, "", data));
        return;
      }
      checkDirectory(name, BINARIES, ctx, out);
      return;
    }
    if (!(data instanceof String name)) {
      return; // 4.x validates a directory only when it is a string
    }
    List<String> binaries = new ArrayList<>();
    for (String b : BINARIES) {
      binaries.add(PatroniSchemas.binName(ctx.root(), b));
    }
    if (name.isEmpty()) {
      for (String b : binaries) {
        if (!ctx.host().onPath(b, null)) {
          out.add(new Result(false, "does not contain '" + b + "' in '$PATH'", 0, "", data));
        }
      }
      return;
    }
    checkDirectory(name, binaries, ctx, out);
  }

  private static void checkDirectory(String name, List<String> binaries, Context ctx, List<Result> out) {
    if (!ctx.host().exists(name)) {
      out.add(new Result(false, "Directory '" + name + "' does not exist.", 0, "", name));
    } else if (!ctx.host().isDirectory(name)) {
      out.add(new Result(false, "'" + name + "' is not a directory.", 0, "", name));
    } else {
      for (String b : binaries) {
        if (!ctx.host().onPath(b, name)) {
          out.add(new Result(false, ctx.patroni3() ? "'" + name + "' does not contain '" + b + "'"
              : "does not contain '" + b + "' in '" + name + "'", 0, "", name));
        }
      }
    }
  }

  // ------------------------------------------------------------------ builders for the schemas

  /** A mapping built key by key, in Patroni's order. */
  public static final class DictBuilder {
    private final List<Key> keys = new ArrayList<>();

    public DictBuilder req(String name, Node node) {
      keys.add(new Key(KeyKind.REQUIRED, List.of(name), null, node, Map.of()));
      return this;
    }

    public DictBuilder opt(String name, Node node) {
      keys.add(new Key(KeyKind.OPTIONAL, List.of(name), null, node, Map.of()));
      return this;
    }

    public DictBuilder optDefault(String name, Object defaultValue, Node node) {
      keys.add(new Key(KeyKind.OPTIONAL, List.of(name), defaultValue, node, Map.of()));
      return this;
    }

    /** Patroni's {@code Or(names...): Case({...})}. */
    public DictBuilder anyOf(Map<String, Node> cases) {
      keys.add(new Key(KeyKind.ANY_OF, List.copyOf(cases.keySet()), null, null, new LinkedHashMap<>(cases)));
      return this;
    }

    /** Patroni's {@code AtMostOne(names...): Case({...})}. */
    public DictBuilder atMostOne(Map<String, Node> cases) {
      keys.add(new Key(KeyKind.AT_MOST_ONE, List.copyOf(cases.keySet()), null, null,
          new LinkedHashMap<>(cases)));
      return this;
    }

    public Dict build() {
      return new Dict(List.copyOf(keys));
    }
  }

  public static DictBuilder dict() {
    return new DictBuilder();
  }

  public static Type type(PyType t) {
    return new Type(t);
  }

  public static final Type STR = new Type(PyType.STR);
  public static final Type INT = new Type(PyType.INT);
  public static final Type BOOL = new Type(PyType.BOOL);
  public static final Type DICT = new Type(PyType.DICT);

  public static ListOf listOf(Node item) {
    return new ListOf(item);
  }

  public static AnyOf anyOf(Node... alternatives) {
    return new AnyOf(List.of(alternatives));
  }
}
