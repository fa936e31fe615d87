package dev.patroni4j.client.model;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Patroni release number such as {@code 3.0.2} or {@code 4.1.0}, compared numerically; the raw
 * text (which may carry a suffix like {@code 4.1.0.dev1}) is kept.
 *
 * <pre>{@code
 * PatroniVersion v = PatroniVersion.parse("3.0.2");
 * boolean hasQuorum = v.isAtLeast(4, 0);            // false
 * String restartRole = v.isAtLeast(4, 0) ? "primary" : "master";
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param major major version
 * @param minor minor version
 * @param patch patch version (0 if absent)
 * @param raw the text Patroni reported
 */
public record PatroniVersion(int major, int minor, int patch, String raw)
    implements Comparable<PatroniVersion> {

  private static final Pattern VERSION = Pattern.compile("^\\s*v?(\\d{1,6})\\.(\\d{1,6})(?:\\.(\\d{1,6}))?");

  public PatroniVersion {
    Objects.requireNonNull(raw, "raw == null");
  }

  /**
   * Parses {@code major.minor[.patch][anything]}.
   *
   * @throws IllegalArgumentException if {@code text} does not start with a version number
   */
  public static PatroniVersion parse(String text) {
    return tryParse(text)
        .orElseThrow(() -> new IllegalArgumentException("not a Patroni version: \"" + text + "\""));
  }

  /** Parses {@code major.minor[.patch][anything]}, or returns empty. */
  public static Optional<PatroniVersion> tryParse(String text) {
    Matcher m = VERSION.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return Optional.of(
        new PatroniVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch, text));
  }

  /** True if this version is {@code major.minor} or later. */
  public boolean isAtLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  @Override
  public int compareTo(PatroniVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return raw;
  }
}
