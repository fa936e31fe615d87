package dev.patroni4j.config;

/**
 * The Patroni release lines whose configuration rules this module knows, each checked against a
 * running release: 3.0 (3.0.2, Debian 12), 4.0 (4.0.7) and 4.1 (4.1.5).
 *
 * <pre>{@code
 * PatroniVersion line = PatroniVersion.forRelease("4.0.7"); // V4_0
 * }</pre>
 *
 * <p>Immutable; safe to share.
 */
public enum PatroniVersion {
  /** 3.0.x: the validator demands {@code bootstrap.pg_hba}/{@code initdb} and a {@code rewind} user. */
  V3_0,
  /** 4.0.x. */
  V4_0,
  /** 4.1.x: adds thread pool settings, {@code server_tokens}, {@code sync_priority}. */
  V4_1;

  /**
   * The line of a release such as {@code 3.0.2} or {@code 4.1.5}. Releases between 3.0 and 4.0
   * map to 3.0, later 4.x releases to 4.1: the nearest rules known, not the exact ones.
   */
  public static PatroniVersion forRelease(String release) {
    String[] parts = release.strip().split("\\.", -1);
    int major;
    int minor;
    try {
      major = Integer.parseInt(parts[0]);
      minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    } catch (NumberFormatException e) {
      throw new PatroniConfigException("not a Patroni release: '" + release + "' (expected e.g. 4.0.7)");
    }
    if (major < 4) {
      return V3_0;
    }
    return major == 4 && minor == 0 ? V4_0 : V4_1;
  }
}
