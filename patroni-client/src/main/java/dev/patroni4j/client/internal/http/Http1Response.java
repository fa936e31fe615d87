package dev.patroni4j.client.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads one HTTP/1.x response from a connection that carries only it, defensively: the status line and headers
 * are bounded in size and must be well formed (else a {@link ProtocolException}, like OkHttp's), the body is
 * delimited by {@code Content-Length}, by chunked transfer coding, or (as Patroni's HTTP/1.0 answers are) by the
 * end of the connection, and is read up to a cap. Interim {@code 1xx} answers are skipped. Not thread-safe; one
 * instance per response.
 */
final class Http1Response {
  /** Longest status line or header line accepted. */
  static final int MAX_LINE = 16 * 1024;
  /** Most header bytes accepted in all, as OkHttp's 256 KiB. */
  static final int MAX_HEAD = 256 * 1024;
  private static final int MAX_INTERIM = 20;

  private final InputStream in;
  private int headBytes;
  private int code;
  private long contentLength = -1;
  private boolean chunked;

  Http1Response(InputStream in) {
    this.in = in;
  }

  /**
   * The body as read: as text (UTF-8, as OkHttp's {@code readString(UTF_8)}; empty when over the cap), whether it
   * exceeded the cap, what cut it short.
   */
  record Body(String text, boolean tooLarge, @Nullable IOException readError) {}

  /** Reads the status line and headers, skipping interim answers; returns the status code. */
  int readHead() throws IOException {
    for (int interim = 0; interim <= MAX_INTERIM; interim++) {
      code = statusLine(line());
      contentLength = -1;
      chunked = false;
      boolean sawLength = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        header(header, sawLength);
        sawLength |= contentLength >= 0;
      }
      if (code >= 200 || code == 101) {
        return code;
      }
    }
    throw new ProtocolException("more than " + MAX_INTERIM + " interim (1xx) answers");
  }

  /**
   * Reads the body after {@link #readHead()}: none for HEAD and for 1xx, 204 and 304 answers. A connection that
   * ends or fails mid-body is not thrown but returned as the body's {@code readError}, with what was read.
   */
  Body readBody(boolean head, long maxBytes) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(contentLength > 0 && contentLength <= maxBytes
        ? (int) contentLength : 512);
    if (head || code < 200 || code == 204 || code == 304 || (!chunked && contentLength == 0)) {
      return new Body("", false, null);
    }
    try {
      if (chunked) {
        readChunked(body, maxBytes);
      } else {
        copy(body, contentLength, maxBytes);
      }
    } catch (IOException e) {
      return new Body(body.toString(StandardCharsets.UTF_8), false, e);
    }
    boolean tooLarge = body.size() > maxBytes;
    return new Body(tooLarge ? "" : body.toString(StandardCharsets.UTF_8), tooLarge, null);
  }

  private void readChunked(ByteArrayOutputStream body, long maxBytes) throws IOException {
    while (true) {
      String sizeLine = line();
      int ext = sizeLine.indexOf(';');
      String hex = (ext >= 0 ? sizeLine.substring(0, ext) : sizeLine).strip();
      long size;
      try {
        if (hex.isEmpty() || hex.length() > 15 || hex.startsWith("+") || hex.startsWith("-")) {
          throw new NumberFormatException(hex);
        }
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new ProtocolException("malformed chunk size \"" + abbreviate(sizeLine) + "\"");
      }
      if (size == 0) {
        // Trailer fields, then the empty line; ignored as OkHttp ignores them for a body.
        String trailer = line();
        while (!trailer.isEmpty()) {
          trailer = line();
        }
        return;
      }
      if (copy(body, size, maxBytes)) {
        return;
      }
      String end = line();
      if (!end.isEmpty()) {
        throw new ProtocolException("chunk not followed by CRLF");
      }
    }
  }

  /**
   * Copies {@code length} bytes (or to the end of the stream when {@code length < 0}) into {@code body}, stopping
   * once it holds more than {@code maxBytes}; true if it stopped for the cap.
   */
  private boolean copy(ByteArrayOutputStream body, long length, long maxBytes) throws IOException {
    byte[] buffer = new byte[8192];
    long left = length;
    while (length < 0 || left > 0) {
      if (body.size() > maxBytes) {
        return true;
      }
      int want = (int) Math.min(buffer.length, length < 0 ? buffer.length : left);
      int n = in.read(buffer, 0, want);
      if (n < 0) {
        if (length < 0) {
          return false;
        }
        throw new EOFException("unexpected end of stream: " + left + " of " + length + " body bytes missing");
      }
      body.write(buffer, 0, n);
      left -= n;
    }
    return body.size() > maxBytes;
  }

  private static int statusLine(String line) throws ProtocolException {
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (line.length() < 12 || !line.startsWith("HTTP/1.") || (line.charAt(7) != '0' && line.charAt(7) != '1')
        || line.charAt(8) != ' ' || (line.length() > 12 && line.charAt(12) != ' ')) {
      throw new ProtocolException("Unexpected status line: " + abbreviate(line));
    }
    int code = 0;
    for (int i = 9; i < 12; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        throw new ProtocolException("Unexpected status line: " + abbreviate(line));
      }
      code = code * 10 + (c - '0');
    }
    if (code < 100) {
      throw new ProtocolException("Unexpected status line: " + abbreviate(line));
    }
    return code;
  }

  private void header(String line, boolean sawLength) throws ProtocolException {
    int colon = line.indexOf(':');
    if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
      // No name, or an obsolete folded continuation line: neither is a header we can trust.
      throw new ProtocolException("malformed header line \"" + abbreviate(line) + "\"");
    }
    String name = line.substring(0, colon);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new ProtocolException("malformed header name \"" + abbreviate(name) + "\"");
      }
    }
    String value = line.substring(colon + 1).strip();
    if (name.equalsIgnoreCase("Content-Length")) {
      long length = parseLength(value);
      if (sawLength && length != contentLength) {
        throw new ProtocolException("two different Content-Length headers");
      }
      contentLength = length;
    } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
      // Only chunked, as the last coding, delimits the body; any other leaves it to the end of the connection.
      String last = value.substring(value.lastIndexOf(',') + 1);
      chunked = last.strip().toLowerCase(Locale.ROOT).equals("chunked");
    }
    if (chunked) {
      contentLength = -1;
    }
  }

  private static long parseLength(String value) throws ProtocolException {
    if (value.isEmpty() || value.length() > 18) {
      throw new ProtocolException("malformed Content-Length \"" + abbreviate(value) + "\"");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new ProtocolException("malformed Content-Length \"" + abbreviate(value) + "\"");
      }
    }
    return Long.parseLong(value);
  }

  /** One line of the head, without its CRLF (or bare LF); the end of the stream before it is an EOFException. */
  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException(line.length() == 0 && headBytes == 0
            ? "the server closed the connection without answering" : "unexpected end of stream in the head");
      }
      if (++headBytes > MAX_HEAD) {
        throw new ProtocolException("response head larger than " + MAX_HEAD + " bytes");
      }
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new ProtocolException("response line longer than " + MAX_LINE + " bytes");
      }
      // ISO-8859-1, as HTTP's head is bytes: never a decoding error.
      line.append((char) b);
    }
  }

  private static String abbreviate(String s) {
    String shown = s.length() <= 80 ? s : s.substring(0, 80) + "...";
    StringBuilder clean = new StringBuilder(shown.length());
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      clean.append(c < ' ' || c >= 0x7f ? '?' : c);
    }
    return clean.toString();
  }
}
