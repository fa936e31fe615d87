package dev.patroni4j.client.model;

/**
 * A PostgreSQL server version as {@code server_version_num} ({@code 150018} is 15.18, {@code 90624}
 * is 9.6.24), Patroni's {@code server_version}.
 *
 * <pre>{@code
 * PostgresVersion v = PostgresVersion.of(150018);
 * v.major(); // 15
 * v.toString(); // "15.18"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param number {@code server_version_num}, positive
 */
public record PostgresVersion(int number) implements Comparable<PostgresVersion> {

  /** @throws IllegalArgumentException if {@code number} is not positive */
  public PostgresVersion {
    if (number <= 0) {
      throw new IllegalArgumentException("server_version_num <= 0: " + number);
    }
  }

  /** Returns the version for a {@code server_version_num}. */
  public static PostgresVersion of(int number) {
    return new PostgresVersion(number);
  }

  /** The major version: 15 for 15.18, 9 for 9.6.24 (see {@link #toString()} for 9.x's two parts). */
  public int major() {
    return number / 10_000;
  }

  /** The minor (10+) or patch (9.x) number: 18 for 15.18, 24 for 9.6.24. */
  public int minor() {
    return number % 100;
  }

  @Override
  public int compareTo(PostgresVersion o) {
    return Integer.compare(number, o.number);
  }

  /** The human form: {@code 15.18}, or {@code 9.6.24} before PostgreSQL 10. */
  @Override
  public String toString() {
    if (number >= 100_000) {
      return major() + "." + minor();
    }
    return (number / 10_000) + "." + (number / 100 % 100) + "." + minor();
  }
}
