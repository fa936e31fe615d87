package dev.patroni4j.examples.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Runs contenders side by side: every round runs each once, in a shuffled order (a fixed seed, so runs are
 * comparable), and keeps each one's times; with the medians and percentiles the benchmarks report.
 *
 * <pre>{@code
 * Map<String, List<Long>> times = SideBySide.rounds(Map.of("a", () -> a(), "b", () -> b()), 40);
 * double ratio = SideBySide.median(times.get("a")) / SideBySide.median(times.get("b"));
 * }</pre>
 *
 * <p>Stateless and thread-safe; a contender runs on the caller's thread.
 */
final class SideBySide {
  private SideBySide() {}

  /**
   * Nanoseconds per call of each contender, by name, in the contenders' order.
   *
   * @throws IllegalStateException if a contender returns null (a result proves the work was done)
   */
  static Map<String, List<Long>> rounds(Map<String, Supplier<Object>> contenders, int rounds) {
    Map<String, List<Long>> times = new LinkedHashMap<>();
    contenders.keySet().forEach(k -> times.put(k, new ArrayList<>()));
    List<String> order = new ArrayList<>(contenders.keySet());
    Random random = new Random(21);
    for (int r = 0; r < rounds; r++) {
      Collections.shuffle(order, random);
      for (String name : order) {
        long t0 = System.nanoTime();
        Object result = entry(contenders, name).get();
        long elapsed = System.nanoTime() - t0;
        if (result == null) {
          throw new IllegalStateException(name + ": no result");
        }
        entry(times, name).add(elapsed);
      }
    }
    return times;
  }

  /** The value of a key the caller put there itself. */
  static <V> V entry(Map<String, V> map, String key) {
    return Objects.requireNonNull(map.get(key), key);
  }

  /** {@code GET path} over a bare socket ({@code SSLSocket} if {@code tls} is given): one write, read to the end. */
  static byte[] bareGet(URI base, String path, @Nullable SSLContext tls) {
    try (Socket socket = tls != null
        ? tls.getSocketFactory().createSocket(base.getHost(), base.getPort())
        : new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
      socket.getInputStream().transferTo(buffer);
      return buffer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double median(List<Long> values) {
    return percentile(values, 50);
  }

  /** The {@code p}th percentile; the 50th of an even count is the mean of the two middle values. */
  static double percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    if (p == 50 && n % 2 == 0) {
      return (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
    return sorted.get(Math.min(n - 1, (int) Math.floor(p / 100.0 * n)));
  }
}
