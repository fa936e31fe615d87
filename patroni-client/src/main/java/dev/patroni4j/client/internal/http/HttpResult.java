package dev.patroni4j.client.internal.http;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What a member answered: the status, the body as text (up to the size cap), and the error that
 * cut the body short, if any (Patroni sends no Content-Length, so a reset is the only sign of
 * truncation).
 */
public record HttpResult(String target, int code, String body, @Nullable IOException readError) {

  /** True if the body was cut short: the connection ended or reset mid-body. */
  public boolean bodyIncomplete() {
    return readError != null;
  }

  /** Patroni's own HTML error page ({@code send_error}), as opposed to a proxy's. */
  public boolean isPatroniErrorPage() {
    return body.contains("<title>Error response</title>") && body.contains("Error code: " + code);
  }

  /**
   * The human message: Patroni's plain-text body, or the "Message:" line of its HTML error page,
   * or a short excerpt of anything else.
   */
  public String message() {
    if (isPatroniErrorPage()) {
      int start = body.indexOf("<p>Message: ");
      if (start >= 0) {
        int end = body.indexOf("</p>", start);
        if (end > start) {
          String m = body.substring(start + "<p>Message: ".length(), end);
          if (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1);
          }
          return unescapeHtml(m);
        }
      }
    }
    String trimmed = body.strip();
    if (trimmed.length() > 300) {
      trimmed = trimmed.substring(0, 300) + "...";
    }
    return trimmed;
  }

  /** The body cut to a size that fits in an exception. */
  public String excerpt() {
    return body.length() <= 2000 ? body : body.substring(0, 2000) + "...(" + body.length() + " chars)";
  }

  private static String unescapeHtml(String s) {
    return s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
