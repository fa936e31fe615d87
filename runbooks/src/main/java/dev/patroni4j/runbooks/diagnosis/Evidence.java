package dev.patroni4j.runbooks.diagnosis;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One value observed while diagnosing, and where it came from, e.g. {@code DCS /service/demo/initialize:
 * system identifier = 7096788110601269273}.
 *
 * <pre>{@code
 * // given: Finding finding;
 * for (Evidence e : finding.evidence()) {
 *   System.out.println(e.source() + " " + e.location() + ": " + e.fact() + " = " + e.value());
 * }
 * }</pre>
 *
 * <p>Values are outside input: they are cut to {@value #MAX_VALUE_LENGTH} characters and anything that looks like a
 * credential ({@code password=...}, the user info of a URL, a token) is replaced by {@code ***}, so evidence can be
 * logged. Immutable and thread-safe.
 *
 * @param source which interface the value was read from
 * @param location the endpoint, DCS key or SQL view, e.g. {@code GET /patroni on pg2}
 * @param fact what the value is, e.g. {@code state}
 * @param value the value as observed (redacted, shortened)
 */
public record Evidence(Source source, String location, String fact, String value) {
  /** Longest value kept; longer ones end in {@code ...}. */
  public static final int MAX_VALUE_LENGTH = 200;

  private static final Pattern SECRET_ASSIGNMENT =
      Pattern.compile("(?i)(password|passwd|pwd|token|secret)(\\s*[=:]\\s*|\"\\s*:\\s*\")[^\\s&,;\"']*");
  private static final Pattern URL_USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]*@");

  /** Where a value was read. */
  public enum Source {
    /** Patroni's REST API. */
    REST,
    /** The DCS (etcd, Consul) directly. */
    DCS,
    /** SQL on a member's PostgreSQL. */
    SQL,
    /** A service registry members are registered in ({@link ServiceRegistry}, e.g. Consul's catalog). */
    SERVICE_REGISTRY,
    /** A command on a member's host, through {@link dev.patroni4j.runbooks.host.HostActions}. */
    HOST
  }

  public Evidence {
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(location, "location == null");
    Objects.requireNonNull(fact, "fact == null");
    Objects.requireNonNull(value, "value == null");
    location = clean(location);
    value = clean(value);
  }

  /** Evidence of {@code value}, which may be null (shown as {@code absent}). */
  public static Evidence of(Source source, String location, String fact, @org.jspecify.annotations.Nullable Object value) {
    return new Evidence(source, location, fact, value == null ? "absent" : String.valueOf(value));
  }

  /**
   * {@code text} with anything that looks like a credential replaced by {@code ***}: what {@link Finding#summary()},
   * {@link Remedy.Manual#instruction()} and {@link Diagnosis#notObserved()} pass through too.
   */
  static String redact(String text) {
    String redacted = URL_USER_INFO.matcher(text).replaceAll("$1***@");
    return SECRET_ASSIGNMENT.matcher(redacted).replaceAll("$1$2***");
  }

  private static String clean(String text) {
    String redacted = redact(text);
    StringBuilder out = new StringBuilder(Math.min(redacted.length(), MAX_VALUE_LENGTH + 3));
    redacted.codePoints().limit(MAX_VALUE_LENGTH)
        .forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    if (redacted.codePointCount(0, redacted.length()) > MAX_VALUE_LENGTH) {
      out.append("...");
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return source + " " + location + ": " + fact + " = " + value;
  }
}
