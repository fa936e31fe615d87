package dev.patroni4j.runbooks;

import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A typed key for what a run records: plan-time bindings (the leader to switch away from, the members to restart),
 * the facts a step decided on (leader and timeline at intent time) and the evidence of its outcome. Values are
 * journaled as JSON and read back as the same typed values on resume, so a step never parses its own facts.
 *
 * <pre>{@code
 * import dev.patroni4j.client.model.ClusterView;
 * // given: ClusterView view; Decision.NeedsAction intent; Fact<String> LEADER;
 * Fact<Timeline> timeline = Fact.timeline("timeline");  // usually a static final constant
 * Decision d = Decision.needsAction("leader is pg1", Facts.of(LEADER, "pg1", timeline, view.timeline().orElseThrow()));
 * Timeline before = intent.facts().get(timeline);      // typed, also after a crash and resume
 * }</pre>
 *
 * <p>Two facts are equal when their names and types are. Thread-safety: immutable.
 *
 * @param <T> the type of the value
 */
public final class Fact<T> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-\\[\\]=,]+");

  private final String name;
  private final Type<T> type;

  private Fact(String name, Type<T> type) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("fact name '" + name + "' must match " + NAME.pattern());
    }
    this.name = name;
    this.type = Objects.requireNonNull(type, "type == null");
  }

  /** A fact of any {@link Type}. */
  public static <T> Fact<T> of(String name, Type<T> type) {
    return new Fact<>(name, type);
  }

  /** A text fact (a member name, a reason, a version string). */
  public static Fact<String> text(String name) {
    return of(name, Type.TEXT);
  }

  /** A whole number (a byte count, a DCS revision). */
  public static Fact<Long> number(String name) {
    return of(name, Type.NUMBER);
  }

  /** A yes/no fact. */
  public static Fact<Boolean> flag(String name) {
    return of(name, Type.FLAG);
  }

  /** A PostgreSQL timeline, journaled as its number. */
  public static Fact<Timeline> timeline(String name) {
    return of(name, Type.TIMELINE);
  }

  /** A WAL position, journaled in PostgreSQL's {@code X/Y} form. */
  public static Fact<Lsn> lsn(String name) {
    return of(name, Type.LSN);
  }

  /** A moment, journaled in ISO-8601. */
  public static Fact<Instant> instant(String name) {
    return of(name, Type.INSTANT);
  }

  /** A constant of an enum (an outcome kind), journaled by its name. */
  public static <E extends Enum<E>> Fact<E> constant(String name, Class<E> type) {
    return of(name, Type.enumOf(type));
  }

  /** A list of texts (member names in order). */
  public static Fact<List<String>> texts(String name) {
    return of(name, Type.listOf(Type.TEXT));
  }

  /** A map of texts (member name to address), journaled with its keys sorted. */
  public static Fact<Map<String, String>> textMap(String name) {
    return of(name, Type.mapOf(Type.TEXT));
  }

  public String name() {
    return name;
  }

  public Type<T> type() {
    return type;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fact<?> f && f.name.equals(name) && f.type.label().equals(type.label());
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + type.label().hashCode();
  }

  @Override
  public String toString() {
    return name + ":" + type.label();
  }

  /**
   * How a fact's value maps to its journaled form: a "plain" value, i.e. a {@link String}, {@link Long}, {@link
   * Boolean}, a {@link List} of plain values or a {@link Map} from strings to plain values (what JSON holds).
   *
   * @param <T> the typed value
   */
  public interface Type<T> {
    /** A short name for messages, e.g. {@code timeline}. */
    String label();

    /** The plain form of {@code value}. */
    Object encode(T value);

    /** The typed value of a plain form; throws {@link IllegalArgumentException} saying what is wrong. */
    T decode(Object plain);

    /** Text. */
    Type<String> TEXT = simple("text", s -> s, o -> o instanceof String s ? s : fail("text", o));
    /** A whole number. */
    Type<Long> NUMBER = simple("number", n -> n, o -> o instanceof Long l ? l : fail("number", o));
    /** True or false. */
    Type<Boolean> FLAG = simple("flag", b -> b, o -> o instanceof Boolean b ? b : fail("flag", o));
    /** A timeline, as its number. */
    Type<Timeline> TIMELINE = simple("timeline", Timeline::id,
        o -> o instanceof Long l ? Timeline.of(l) : fail("timeline", o));
    /** An LSN, as {@code X/Y}. */
    Type<Lsn> LSN = simple("lsn", Lsn::toString, o -> o instanceof String s ? Lsn.parse(s) : fail("lsn", o));
    /** An instant, as ISO-8601. */
    Type<Instant> INSTANT = simple("instant", Instant::toString, o -> {
      if (!(o instanceof String s)) {
        return fail("instant", o);
      }
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not an ISO-8601 instant: \"" + s + "\"", e);
      }
    });

    /** A constant of {@code type}, journaled by its name. */
    static <E extends Enum<E>> Type<E> enumOf(Class<E> type) {
      String label = type.getSimpleName();
      return simple(label, Enum::name, o -> {
        if (!(o instanceof String s)) {
          return fail(label, o);
        }
        try {
          return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("not a " + label + ": \"" + s + "\"", e);
        }
      });
    }

    /** A list of {@code element}s. */
    static <E> Type<List<E>> listOf(Type<E> element) {
      return simple("list<" + element.label() + ">", list -> {
        List<Object> out = new ArrayList<>();
        list.forEach(e -> out.add(element.encode(e)));
        return Collections.unmodifiableList(out);
      }, o -> {
        if (!(o instanceof List<?> l)) {
          return fail("list", o);
        }
        List<E> out = new ArrayList<>();
        l.forEach(e -> out.add(element.decode(e)));
        return List.copyOf(out);
      });
    }

    /** A map from text keys to {@code value}s. */
    static <V> Type<Map<String, V>> mapOf(Type<V> value) {
      return simple("map<" + value.label() + ">", map -> {
        Map<String, Object> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, value.encode(v)));
        return Collections.unmodifiableMap(out);
      }, o -> {
        if (!(o instanceof Map<?, ?> m)) {
          return fail("map", o);
        }
        Map<String, V> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), value.decode(v)));
        return Collections.unmodifiableMap(out);
      });
    }

    private static <T> Type<T> simple(String label, java.util.function.Function<T, Object> encode,
        java.util.function.Function<Object, T> decode) {
      return new Type<>() {
        @Override
        public String label() {
          return label;
        }

        @Override
        public Object encode(T value) {
          return encode.apply(Objects.requireNonNull(value, "value == null"));
        }

        @Override
        public T decode(Object plain) {
          return decode.apply(plain);
        }
      };
    }

    // Never returns: the type parameter lets a failure stand in either arm of a conditional expression.
    @SuppressWarnings("TypeParameterUnusedInFormals")
    private static <T> T fail(String what, Object o) {
      throw new IllegalArgumentException("not a " + what + ": " + Facts.render(o));
    }
  }
}
