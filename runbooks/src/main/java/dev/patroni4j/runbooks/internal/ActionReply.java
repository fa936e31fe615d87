package dev.patroni4j.runbooks.internal;

/**
 * How a mutating REST call ended: {@code DONE} (2xx immediate), {@code SCHEDULED} (202 for a scheduled action),
 * {@code REFUSED} (Patroni did nothing and said why), {@code FAILED} (it tried and it did not work) or {@code UNKNOWN}
 * (503 "status unknown", a timeout or a reset after the request was sent: resolve by observation).
 */
public record ActionReply(Kind kind, int status, String message) {
  public enum Kind { DONE, SCHEDULED, REFUSED, FAILED, UNKNOWN }

  /** Classifies an answer from Patroni. */
  public static ActionReply of(int status, String body) {
    String text = body.strip();
    Kind kind;
    if (status == 202 && text.toLowerCase(java.util.Locale.ROOT).contains("scheduled")) {
      kind = Kind.SCHEDULED;
    } else if (status >= 200 && status < 300) {
      kind = Kind.DONE;
    } else if (status == 503 && text.toLowerCase(java.util.Locale.ROOT).contains("status unknown")) {
      kind = Kind.UNKNOWN;
    } else if (status == 503 && text.toLowerCase(java.util.Locale.ROOT).endsWith("failed")) {
      kind = Kind.FAILED;
    } else if (status >= 500 && status != 503 && status != 500) {
      kind = Kind.UNKNOWN; // a proxy's 502/504: nobody can tell from here
    } else {
      kind = Kind.REFUSED;
    }
    return new ActionReply(kind, status, text.length() > 500 ? text.substring(0, 500) : text);
  }

  public static ActionReply unknown(String why) {
    return new ActionReply(Kind.UNKNOWN, -1, why);
  }

  @Override
  public String toString() {
    return kind + (status > 0 ? " " + status : "") + ": " + message;
  }
}
