package dev.patroni4j.testkit;

import java.security.SecureRandom;

/**
 * The random passwords of one cluster's PostgreSQL roles. Never printed: {@link #toString()}
 * names the roles only.
 */
record Passwords(String superuser, String replication, String rewind) {
  private static final SecureRandom RANDOM = new SecureRandom();

  static Passwords random() {
    return new Passwords(randomToken(16), randomToken(16), randomToken(16));
  }

  /** {@code bytes} random bytes as lower-case hex. */
  static String randomToken(int bytes) {
    StringBuilder sb = new StringBuilder();
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    for (byte x : b) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Passwords[superuser=***, replication=***, rewind=***]";
  }
}
