package dev.patroni4j.examples.bench;

import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import jdk.net.ExtendedSocketOptions;

/**
 * Where the time of one TLS {@code GET /cluster} to a real Patroni goes, phase by phase, for each
 * combination of the three things that decide it: Nagle's algorithm on our socket ({@code
 * TCP_NODELAY}), delayed ACKs on our socket ({@code TCP_QUICKACK} before every read), and a full
 * handshake against a resumed session. Every variant is a bare {@code SSLSocket} (hostname and chain
 * verified) doing the same request; they run side by side in one run, in shuffled order.
 *
 * <p>Phases, from the call's start: TCP connect; handshake (our {@code startHandshake()} returns:
 * our last flight is written); request written; first response byte read; end of the answer (the
 * server closes: Patroni speaks HTTP/1.0 and answers one request per connection). Run it with:
 *
 * <pre>
 * mvn -B -q -pl examples -am -DskipTests package
 * java -cp "examples/target/classes:examples/target/lib/*" dev.patroni4j.examples.bench.TlsPhasesBenchmark \
 *     [rounds] [Patroni version, e.g. 3.0.2, or a patroni executable] [TLSv1.3|TLSv1.2]
 * </pre>
 *
 * <p>Not thread-safe; a program, not an API.
 */
public final class TlsPhasesBenchmark {
  private static final String[] PHASES = {"connect", "handshake", "request", "first byte", "end"};

  private TlsPhasesBenchmark() {}

  /** One way of making the call. */
  private record Variant(String name, boolean noDelay, boolean quickAck, boolean resume) {}

  /** Nanoseconds from the call's start to the end of each phase, and whether the session was resumed. */
  private record Phases(List<Long> at, boolean resumed) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    String protocol = args.length > 2 ? args[2] : "TLSv1.3";
    LocalPatroniCluster.Builder builder = LocalPatroniCluster.builder().members(3).restTls(true)
        .restClientCertificates(true).restBasicAuth("bench", "bench-secret");
    if (args.length > 1) {
      if (args[1].matches("\\d+\\.\\d+\\.\\d+")) {
        builder.patroniVersion(args[1]);
      } else {
        builder.patroniBinary(Path.of(args[1]));
      }
    }
    try (LocalPatroniCluster cluster = builder.start()) {
      System.out.printf(Locale.ROOT, "cluster %s, Patroni %s, %s, client certificate%n", cluster.scope(),
          cluster.leader().patroniVersion(), protocol);
      run(cluster.leader().restUrl(), cluster.tls().orElseThrow(), protocol, rounds);
    }
  }

  static void run(URI member, TlsFiles files, String protocol, int rounds) throws IOException, GeneralSecurityException {
    List<Variant> variants = new ArrayList<>();
    for (boolean resume : new boolean[] {false, true}) {
      variants.add(new Variant("Java defaults", false, false, resume));
      variants.add(new Variant("TCP_NODELAY", true, false, resume));
      variants.add(new Variant("TCP_QUICKACK", false, true, resume));
      variants.add(new Variant("TCP_NODELAY + TCP_QUICKACK", true, true, resume));
    }
    Map<String, Supplier<Object>> contenders = new LinkedHashMap<>();
    Map<String, List<Phases>> seen = new LinkedHashMap<>();
    for (Variant v : variants) {
      // One context per resuming variant, as one long-lived client has; a new one per call otherwise.
      SSLContext shared = RestCallBenchmark.sslContext(files, true);
      String name = (v.resume() ? "resumed  " : "full     ") + v.name();
      List<Phases> phases = new ArrayList<>();
      seen.put(name, phases);
      contenders.put(name, () -> {
        try {
          Phases p = call(member, v.resume() ? shared : RestCallBenchmark.sslContext(files, true), protocol, v);
          phases.add(p);
          return p;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      });
    }
    List<Object> warmUp = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      contenders.values().forEach(c -> warmUp.add(c.get()));
    }
    seen.values().forEach(List::clear);
    System.out.printf(Locale.ROOT, "warm-up: %d calls%n", warmUp.size());
    SideBySide.rounds(contenders, rounds);
    System.out.printf(Locale.ROOT, "rounds: %d; medians in ms from the call's start to the end of each phase%n", rounds);
    System.out.printf(Locale.ROOT, "  %-36s %9s %9s %9s %10s %9s  %s%n", "handshake / socket options", PHASES[0], PHASES[1],
        PHASES[2], PHASES[3], PHASES[4], "resumed");
    seen.forEach((name, phases) -> {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-36s", name));
      for (int i = 0; i < PHASES.length; i++) {
        int phase = i;
        List<Long> at = phases.stream().map(p -> p.at().get(phase)).toList();
        row.append(String.format(Locale.ROOT, " %9.2f", SideBySide.median(at) / 1e6));
        if (i == 3) {
          row.append(' ');
        }
      }
      long resumed = phases.stream().filter(Phases::resumed).count();
      row.append(String.format(Locale.ROOT, "  %d/%d", resumed, phases.size()));
      System.out.println(row);
    });
  }

  private static Phases call(URI member, SSLContext context, String protocol, Variant v) throws IOException {
    long startedMillis = System.currentTimeMillis();
    long t0 = System.nanoTime();
    long[] at = new long[PHASES.length];
    try (Socket tcp = new Socket()) {
      tcp.setTcpNoDelay(v.noDelay());
      tcp.connect(new InetSocketAddress(member.getHost(), member.getPort()));
      at[0] = System.nanoTime() - t0;
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, member.getHost(), member.getPort(), true)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(new String[] {protocol});
        tls.setSSLParameters(parameters);
        quickAck(tcp, v);
        tls.startHandshake();
        at[1] = System.nanoTime() - t0;
        OutputStream out = tls.getOutputStream();
        out.write(("GET /cluster HTTP/1.1\r\nHost: " + member.getHost() + ":" + member.getPort() + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        at[2] = System.nanoTime() - t0;
        InputStream in = tls.getInputStream();
        byte[] buffer = new byte[16384];
        long total = 0;
        String head = "";
        int n;
        quickAck(tcp, v);
        while ((n = in.read(buffer)) != -1) {
          if (total == 0) {
            at[3] = System.nanoTime() - t0;
            head = new String(buffer, 0, Math.min(n, 12), StandardCharsets.ISO_8859_1);
          }
          total += n;
          quickAck(tcp, v);
        }
        at[4] = System.nanoTime() - t0;
        if (!head.startsWith("HTTP/1.0 200")) {
          throw new IllegalStateException("GET /cluster: no 200 answer but '" + head + "'");
        }
        // A resumed session keeps the creation time of the handshake that made it, before this call.
        boolean resumed = tls.getSession().getCreationTime() < startedMillis;
        return new Phases(Arrays.stream(at).boxed().toList(), resumed);
      }
    }
  }

  private static void quickAck(Socket tcp, Variant v) throws IOException {
    if (v.quickAck()) {
      tcp.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
    }
  }
}
