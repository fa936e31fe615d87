package dev.patroni4j.client.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading one HTTP/1.x answer from a connection that carries only it, as Patroni's REST server sends them. */
class Http1ResponseTest {
  /** What Patroni 4.1.5's BaseHTTP server sends for GET /cluster: HTTP/1.0, no length, the body to the close. */
  private static final String PATRONI = "HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\n"
      + "Date: Fri, 04 Dec 2026 03:00:00 GMT\r\nContent-Type: application/json\r\n\r\n"
      + "{\"members\": [{\"name\": \"pg1\", \"role\": \"leader\", \"state\": \"running\"}], \"scope\": \"demo\"}";

  private static Http1Response of(String wire) {
    return new Http1Response(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static Http1Response.Body read(String wire, long max) throws IOException {
    Http1Response r = of(wire);
    r.readHead();
    return r.readBody(false, max);
  }

  @Test
  void patronisHttp10AnswerIsReadToTheEndOfTheConnection() throws IOException {
    Http1Response r = of(PATRONI);
    assertThat(r.readHead()).isEqualTo(200);
    Http1Response.Body body = r.readBody(false, 1 << 20);
    assertThat(body.text()).startsWith("{\"members\"").endsWith("\"scope\": \"demo\"}");
    assertThat(body.tooLarge()).isFalse();
    assertThat(body.readError()).isNull();
  }

  @Test
  void aBodyIsDelimitedByContentLengthOrByChunksWhicheverTheServerSent() throws IOException {
    assertThat(read("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nhelloEXTRA", 100).text())
        .isEqualTo("hello");
    assertThat(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n"
        + "4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\nignored", 100).text())
        .isEqualTo("{\"a\":1}");
    assertThat(read("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 100).text()).as("bare LF line ends").isEqualTo("ok");
    assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", 100).text())
        .isEqualTo("ok");
    assertThat(read("HTTP/1.0 200\r\n\r\nshort status line", 100).text()).isEqualTo("short status line");
  }

  @Test
  void interimAnswersAreSkippedAndStatusOnlyAnswersHaveNoBody() throws IOException {
    Http1Response r = of("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 204 No Content\r\n"
        + "\r\nleftover");
    assertThat(r.readHead()).isEqualTo(204);
    assertThat(r.readBody(false, 100).text()).isEmpty();
    Http1Response head = of("HTTP/1.0 200 OK\r\nContent-Length: 20\r\n\r\n");
    assertThat(head.readHead()).isEqualTo(200);
    assertThat(head.readBody(true, 100)).isEqualTo(new Http1Response.Body("", false, null));
  }

  @Test
  void aBodyOverTheCapIsReportedAsTooLargeWhateverDelimitsIt() throws IOException {
    String big = "x".repeat(100);
    assertThat(read("HTTP/1.0 200 OK\r\n\r\n" + big, 99).tooLarge()).isTrue();
    assertThat(read("HTTP/1.0 200 OK\r\n\r\n" + big, 100).tooLarge()).isFalse();
    assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + big, 99).tooLarge()).isTrue();
    assertThat(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + big + "\r\n0\r\n\r\n", 99)
        .tooLarge()).isTrue();
    assertThat(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + big.substring(50) + "\r\n32\r\n"
        + big.substring(50) + "\r\n0\r\n\r\n", 100).text()).isEqualTo(big);
  }

  @Test
  void aBodyCutShortIsReturnedWithWhatCameAndTheErrorNotThrown() throws IOException {
    Http1Response.Body byLength = read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100);
    assertThat(byLength.text()).isEqualTo("abc");
    assertThat(byLength.readError()).isInstanceOf(EOFException.class).hasMessageContaining("7 of 10");
    Http1Response.Body byChunks = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n9\r\nfg", 100);
    assertThat(byChunks.text()).isEqualTo("abcdefg");
    assertThat(byChunks.readError()).isInstanceOf(EOFException.class);
    assertThat(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc", 100).readError())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("chunk size");
    assertThat(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 100).readError())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("CRLF");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "H", "HTTP/1.1 200 OK", "garbage\r\n\r\n", "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
      "HTTP/1.1 099 Low\r\n\r\n", "http/1.1 200 OK\r\n\r\n", " HTTP/1.1 200 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "HTTP/1.1 200 OK\r\n: no name\r\n\r\n",
      "HTTP/1.1 200 OK\r\nA: b\r\n folded: line\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "HTTP/1.1 200 OK\r\nServer: x\r\n",
      "HTTP/1.1 100 Continue\r\n\r\n"})
  void aMalformedOrIncompleteHeadIsAProtocolOrEndOfStreamError(String wire) {
    assertThatThrownBy(() -> of(wire).readHead()).isInstanceOfAny(ProtocolException.class, EOFException.class);
  }

  @Test
  void anEndlessHeadIsRefusedAtItsBound() {
    assertThatThrownBy(() -> of("HTTP/1.1 200 OK\r\nX: " + "a".repeat(Http1Response.MAX_LINE) + "\r\n\r\n").readHead())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("longer than");
    assertThatThrownBy(() -> of("HTTP/1.1 200 OK\r\n" + "X: y\r\n".repeat(Http1Response.MAX_HEAD / 6 + 1) + "\r\n")
        .readHead()).isInstanceOf(ProtocolException.class).hasMessageContaining("larger than");
    assertThatThrownBy(() -> of("HTTP/1.1 100 Continue\r\n\r\n".repeat(30) + "HTTP/1.1 200 OK\r\n\r\n").readHead())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("interim");
  }

  @Test
  void mutatedAnswersFailOnlyWithAnIoExceptionAndNeverReadPastTheCap() {
    String[] valid = {PATRONI, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 503 Service Unavailable\r\n\r\n"};
    String alphabet = "HTTP/1.0 2345\r\n:;-abcdefxContent-LengthTransfer-Encodingchunked\t\u00ff\u0000";
    Random random = new Random(20261204L);
    int answered = 0;
    for (int round = 0; round < 20_000; round++) {
      StringBuilder wire = new StringBuilder(valid[round % valid.length]);
      int edits = 1 + random.nextInt(4);
      for (int i = 0; i < edits && wire.length() > 0; i++) {
        int at = random.nextInt(wire.length());
        switch (random.nextInt(3)) {
          case 0 -> wire.deleteCharAt(at);
          case 1 -> wire.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> wire.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      Http1Response r = of(wire.toString());
      int code;
      try {
        code = r.readHead();
      } catch (IOException refused) {
        continue;
      }
      assertThat(code).isBetween(100, 999);
      Http1Response.Body body = r.readBody(false, 64);
      assertThat(body.tooLarge() ? "" : body.text()).hasSizeLessThanOrEqualTo(64);
      answered++;
    }
    assertThat(answered).as("some mutations still read as answers").isGreaterThan(1000);
  }
}
