package dev.patroni4j.client.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A member's tags ({@code nofailover}, {@code failover_priority}, {@code noloadbalance}, {@code
 * clonefrom}, {@code replicatefrom}, {@code nosync}, {@code sync_priority}, {@code nostream} and
 * custom ones), kept exactly as Patroni sent them.
 *
 * <p>Values are JSON scalars mapped to {@link String}, {@link Boolean}, {@link Long} or {@link
 * Double}; nested JSON (rare) is kept as a {@link java.util.List} or {@link Map} of the same. JSON
 * {@code null} values are dropped.
 *
 * <pre>{@code
 * // given: Member member;
 * Tags tags = member.tags();
 * if (tags.noFailover()) {
 *   // never a failover candidate
 * }
 * Optional<String> upstream = tags.replicateFrom();
 * tags.patroniString("clonefrom"); // Optional.of("true"), as Patroni compares tag_clonefrom=true
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param values tag name to value, in Patroni's order
 */
public record Tags(Map<String, Object> values) {

  private static final Tags EMPTY = new Tags(Map.of());

  public Tags {
    Objects.requireNonNull(values, "values == null");
    values = ModelMaps.copyOrdered(values);
  }

  /** No tags. */
  public static Tags empty() {
    return EMPTY;
  }

  /** Tags from a map of plain Java values (see the class comment for the value types). */
  public static Tags of(Map<String, ?> values) {
    return values.isEmpty() ? EMPTY : new Tags(new LinkedHashMap<String, Object>(values));
  }

  /** The raw value of a tag. */
  public Optional<Object> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /**
   * The tag's value as Patroni renders it for {@code tag_<name>=<value>} health checks: strings as
   * they are, other scalars lower-cased ({@code true}, {@code 1}).
   */
  public Optional<String> patroniString(String name) {
    Object v = values.get(name);
    if (v == null) {
      return Optional.empty();
    }
    return Optional.of(v instanceof String s ? s : String.valueOf(v).toLowerCase(Locale.ROOT));
  }

  /** {@code nofailover}: this member must never be promoted (also true if {@code failover_priority} ≤ 0). */
  public boolean noFailover() {
    if (isTrue("nofailover")) {
      return true;
    }
    OptionalLong priority = failoverPriority();
    return priority.isPresent() && priority.getAsLong() <= 0;
  }

  /** {@code noloadbalance}: {@code GET /replica} answers 503 for this member. */
  public boolean noLoadBalance() {
    return isTrue("noloadbalance");
  }

  /** {@code clonefrom}: preferred source for cloning new replicas. */
  public boolean cloneFrom() {
    return isTrue("clonefrom");
  }

  /** {@code nosync}: never chosen as synchronous standby. */
  public boolean noSync() {
    return isTrue("nosync");
  }

  /** {@code nostream}: replicates from the archive only (3.3.0+). */
  public boolean noStream() {
    return isTrue("nostream");
  }

  /** {@code replicatefrom}: the member this one streams from (cascading replication). */
  public Optional<String> replicateFrom() {
    Object v = values.get("replicatefrom");
    return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
  }

  /** {@code failover_priority} (3.2.0+). */
  public OptionalLong failoverPriority() {
    return longTag("failover_priority");
  }

  /** {@code sync_priority} (4.1.0+). */
  public OptionalLong syncPriority() {
    return longTag("sync_priority");
  }

  private OptionalLong longTag(String name) {
    Object v = values.get(name);
    if (v instanceof Number n) {
      return OptionalLong.of(n.longValue());
    }
    if (v instanceof String s) {
      try {
        return OptionalLong.of(Long.parseLong(s.trim()));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  // Patroni's parse_bool: true/yes/on/1 (any case) count as true.
  private boolean isTrue(String name) {
    Object v = values.get(name);
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return n.longValue() != 0;
    }
    if (v instanceof String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      return t.equals("true") || t.equals("yes") || t.equals("on") || t.equals("1");
    }
    return false;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
