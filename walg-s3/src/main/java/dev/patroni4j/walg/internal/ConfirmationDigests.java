package dev.patroni4j.walg.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Confirmation tokens of deletions: a short hash of what decides the deletion and of every key it removes, so a
 * confirmation given for one set of keys never confirms another.
 */
public final class ConfirmationDigests {
  private ConfirmationDigests() {}

  /** {@code prefix-<key count>-<16 hex digits of SHA-256(header, '\n'-separated keys)>}. */
  public static String token(String prefix, String header, List<String> keys) {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    d.update(header.getBytes(StandardCharsets.UTF_8));
    for (String k : keys) {
      d.update((byte) '\n');
      d.update(k.getBytes(StandardCharsets.UTF_8));
    }
    return prefix + "-" + keys.size() + "-" + HexFormat.of().formatHex(d.digest(), 0, 8);
  }
}
