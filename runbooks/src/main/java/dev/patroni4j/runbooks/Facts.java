package dev.patroni4j.runbooks;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of {@link Fact} values: what a step decided on, what a verification saw, the evidence of a result,
 * a plan's bindings. Stored in the plain form its facts' types define, so it journals as JSON and reads back into the
 * same typed values.
 *
 * <pre>{@code
 * import dev.patroni4j.client.model.Timeline;
 * // given: Fact<String> LEADER; Fact<Timeline> TIMELINE; Fact<String> CANDIDATE;
 * Facts facts = Facts.of(LEADER, "pg1", TIMELINE, Timeline.of(3));
 * Timeline tl = facts.get(TIMELINE);
 * Optional<String> candidate = facts.find(CANDIDATE);
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public final class Facts {
  private static final Facts EMPTY = new Facts(new TreeMap<>());

  private final Map<String, Object> values;

  private Facts(SortedMap<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** No facts. */
  public static Facts of() {
    return EMPTY;
  }

  public static <A> Facts of(Fact<A> a, A va) {
    return EMPTY.with(a, va);
  }

  public static <A, B> Facts of(Fact<A> a, A va, Fact<B> b, B vb) {
    return EMPTY.with(a, va).with(b, vb);
  }

  public static <A, B, C> Facts of(Fact<A> a, A va, Fact<B> b, B vb, Fact<C> c, C vc) {
    return EMPTY.with(a, va).with(b, vb).with(c, vc);
  }

  /**
   * Facts from their plain form (strings, longs, booleans, lists and string-keyed maps of those), e.g. as read from a
   * journal; typed when read with {@link #get}.
   *
   * @throws IllegalArgumentException if a value is not plain, naming its key
   */
  public static Facts fromPlain(Map<String, ?> plain) {
    TreeMap<String, Object> m = new TreeMap<>();
    plain.forEach((k, v) -> m.put(Objects.requireNonNull(k, "key == null"), checkPlain(k, v)));
    return m.isEmpty() ? EMPTY : new Facts(m);
  }

  /** These facts with {@code fact} set to {@code value}. */
  public <T> Facts with(Fact<T> fact, T value) {
    Objects.requireNonNull(fact, "fact == null");
    Objects.requireNonNull(value, "value of " + fact.name() + " == null");
    TreeMap<String, Object> m = new TreeMap<>(values);
    m.put(fact.name(), checkPlain(fact.name(), fact.type().encode(value)));
    return new Facts(m);
  }

  /** These facts with every one of {@code more}, which win where both have a name. */
  public Facts with(Facts more) {
    if (more.values.isEmpty()) {
      return this;
    }
    TreeMap<String, Object> m = new TreeMap<>(values);
    m.putAll(more.values);
    return new Facts(m);
  }

  /** The value of {@code fact}, if present. */
  public <T> Optional<T> find(Fact<T> fact) {
    Object plain = values.get(fact.name());
    if (plain == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(fact.type().decode(plain));
    } catch (IllegalArgumentException e) {
      throw new PlanFormatException("fact '" + fact.name() + "' is not a " + fact.type().label() + ": " + e.getMessage());
    }
  }

  /**
   * The value of {@code fact}.
   *
   * @throws IllegalStateException if absent
   * @throws PlanFormatException if the stored value is not of the fact's type (a hand-edited journal)
   */
  public <T> T get(Fact<T> fact) {
    return find(fact).orElseThrow(() -> new IllegalStateException("no fact '" + fact.name() + "' in " + this));
  }

  public boolean has(Fact<?> fact) {
    return values.containsKey(fact.name());
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public Set<String> names() {
    return values.keySet();
  }

  /** The plain form, sorted by name: what the journal stores. */
  public Map<String, Object> toPlain() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Facts f && f.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** {@code {leader=pg1, timeline=3}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    values.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=').append(render(v)));
    return sb.append('}').toString();
  }

  static String render(Object plain) {
    if (plain instanceof String s) {
      return s;
    }
    if (plain instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      l.forEach(e -> sb.append(sb.length() > 1 ? ", " : "").append(render(e)));
      return sb.append(']').toString();
    }
    return String.valueOf(plain);
  }

  private static Object checkPlain(String key, Object v) {
    if (v instanceof String || v instanceof Long || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof List<?> l) {
      return List.copyOf(l.stream().map(e -> checkPlain(key, e)).toList());
    }
    if (v instanceof Map<?, ?> m) {
      TreeMap<String, Object> out = new TreeMap<>();
      m.forEach((k, e) -> out.put(String.valueOf(k), checkPlain(key, e)));
      return Collections.unmodifiableMap(out);
    }
    throw new IllegalArgumentException("fact '" + key + "' has a value that is not plain (string, long, boolean,"
        + " list, map): " + (v == null ? "null" : v.getClass().getName()));
  }
}
