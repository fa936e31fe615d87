package dev.patroni4j.examples.bench;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.TlsConfig;
import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import dev.patroni4j.testkit.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * One {@code GET /cluster} to the leader of a throwaway 3-node cluster, done five ways side by side
 * in one run, with medians and ratios:
 *
 * <ol>
 *   <li>the library: {@code MemberClient.cluster()}, the typed view;
 *   <li>raw OkHttp, default settings, the body read as a string;
 *   <li>a bare socket (an {@code SSLSocket} over TLS): one write, read to the end;
 *   <li>{@code curl} as a process;
 *   <li>{@code patronictl list -f json} as a process (it reads the DCS, not the REST API).
 * </ol>
 *
 * Every round runs each once, in a shuffled order, after a warm-up. The TLS variants use one
 * SSL context per client, so each may resume its sessions, as a long-lived client would. Run it
 * with:
 *
 * <pre>
 * mvn -B -q -pl examples -am -DskipTests package
 * java -cp "examples/target/classes:examples/target/lib/*" dev.patroni4j.examples.bench.RestCallBenchmark \
 *     [plain|tls|tls-no-client-cert] [rounds] [Patroni version, e.g. 4.1.5, or a patroni executable]
 * </pre>
 *
 * <p>Not thread-safe; a program, not an API.
 */
public final class RestCallBenchmark {
  private RestCallBenchmark() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "tls";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    boolean tls = mode.startsWith("tls");
    boolean clientCert = mode.equals("tls");
    if (!tls && !mode.equals("plain")) {
      throw new IllegalArgumentException("mode is plain, tls or tls-no-client-cert, was " + mode);
    }
    LocalPatroniCluster.Builder builder = LocalPatroniCluster.builder().members(3).restTls(tls).restClientCertificates(clientCert);
    if (tls) {
      builder.restBasicAuth("bench", "bench-secret");
    }
    if (args.length > 2) {
      if (args[2].matches("\\d+\\.\\d+\\.\\d+")) {
        builder.patroniVersion(args[2]);
      } else {
        builder.patroniBinary(Path.of(args[2]));
      }
    }
    try (LocalPatroniCluster cluster = builder.start()) {
      run(cluster, mode, rounds, clientCert);
    }
  }

  private static void run(LocalPatroniCluster cluster, String mode, int rounds, boolean clientCert) throws Exception {
    URI leader = cluster.leader().restUrl();
    @Nullable TlsFiles files = cluster.tls().orElse(null);
    PatroniClient library = libraryClient(cluster, files, clientCert);
    OkHttpClient.Builder okBuilder = new OkHttpClient.Builder();
    @Nullable SSLContext bareTls = null;
    if (files != null) {
      SSLContext okTls = sslContext(files, clientCert);
      okBuilder.sslSocketFactory(okTls.getSocketFactory(), trustManager(files));
      bareTls = sslContext(files, clientCert);
    }
    OkHttpClient okHttp = okBuilder.build();
    SSLContext bareContext = bareTls;

    Map<String, Supplier<Object>> contenders = new LinkedHashMap<>();
    contenders.put("library MemberClient.cluster()", () -> library.memberAt(leader).cluster());
    contenders.put("raw OkHttp, body as a string", () -> okHttpGet(okHttp, leader));
    contenders.put("bare " + (files != null ? "SSLSocket" : "socket") + ", one write", () -> SideBySide.bareGet(leader, "/cluster", bareContext));
    contenders.put("curl", () -> curl(leader, files, clientCert));
    contenders.put("patronictl list -f json", () -> patronictl(cluster));
    List<String> processes = List.of("curl", "patronictl list -f json");

    System.out.printf(Locale.ROOT, "cluster %s, %s, Patroni %s%n", cluster.scope(), mode,
        library.memberAt(leader).status().findPatroniVersion().map(Object::toString).orElse("?"));
    // Warm-up: the results are only kept so that the JIT cannot drop the calls.
    List<Object> warmUp = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      contenders.forEach((name, call) -> {
        if (!processes.contains(name)) {
          warmUp.add(call.get());
        }
      });
    }
    processes.forEach(p -> warmUp.add(SideBySide.entry(contenders, p).get()));
    System.out.printf(Locale.ROOT, "warm-up: %d calls%n", warmUp.size());

    Map<String, List<Long>> times = SideBySide.rounds(contenders, rounds);
    String lib = "library MemberClient.cluster()";
    double libMedian = SideBySide.median(SideBySide.entry(times, lib));
    System.out.printf(Locale.ROOT, "rounds: %d, medians (p10 .. p90), ratio to the library%n", rounds);
    times.forEach((name, t) -> System.out.printf(Locale.ROOT, "  %-40s %8.3f ms  (%7.3f .. %8.3f)  x%.2f%n",
        name, SideBySide.median(t) / 1e6, SideBySide.percentile(t, 10) / 1e6, SideBySide.percentile(t, 90) / 1e6, SideBySide.median(t) / libMedian));
    String bare = times.keySet().stream().filter(n -> n.startsWith("bare")).findFirst().orElseThrow();
    System.out.printf(Locale.ROOT, "library / bare = %.2f   library / raw OkHttp = %.2f   curl / library = %.1f%n",
        libMedian / SideBySide.median(SideBySide.entry(times, bare)), libMedian / SideBySide.median(SideBySide.entry(times, "raw OkHttp, body as a string")),
        SideBySide.median(SideBySide.entry(times, "curl")) / libMedian);
  }

  private static PatroniClient libraryClient(LocalPatroniCluster cluster, @Nullable TlsFiles files, boolean clientCert) {
    PatroniClient.Builder b = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList());
    if (files != null) {
      TlsConfig.Builder t = TlsConfig.builder().caFile(files.caCert());
      if (clientCert) {
        t.clientCertificate(files.clientCert(), files.clientKey());
      }
      b.tls(t.build());
    }
    cluster.restAuth().ifPresent(c -> b.basicAuth(c.username(), c.password()));
    return b.build();
  }

  private static String okHttpGet(OkHttpClient client, URI base) {
    Request request = new Request.Builder().url(base.resolve("/cluster").toString()).build();
    try (Response response = client.newCall(request).execute()) {
      ResponseBody body = response.body();
      if (response.code() != 200 || body == null) {
        throw new IllegalStateException("GET /cluster answered " + response.code());
      }
      return body.string();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String curl(URI base, @Nullable TlsFiles files, boolean clientCert) {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail"));
    if (files != null) {
      command.addAll(List.of("--cacert", files.caCert().toString()));
      if (clientCert) {
        command.addAll(List.of("--cert", files.clientCert().toString(), "--key", files.clientKey().toString()));
      }
    }
    command.add(base.resolve("/cluster").toString());
    try {
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("curl failed: " + String.join(" ", command));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String patronictl(LocalPatroniCluster cluster) {
    CommandResult r = cluster.patronictl("list", "-f", "json");
    if (r.exitCode() != 0) {
      throw new IllegalStateException("patronictl failed: " + r.stderr());
    }
    return r.stdout();
  }

  static SSLContext sslContext(TlsFiles files, boolean clientCert) throws IOException, GeneralSecurityException {
    KeyManagerFactory kmf = null;
    if (clientCert) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(files.clientKeyStore())) {
        keys.load(in, files.keyStorePassword().toCharArray());
      }
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, files.keyStorePassword().toCharArray());
    }
    TrustManagerFactory tmf = trustManagers(files);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  static X509TrustManager trustManager(TlsFiles files) throws IOException, GeneralSecurityException {
    return (X509TrustManager) trustManagers(files).getTrustManagers()[0];
  }

  private static TrustManagerFactory trustManagers(TlsFiles files) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(files.caCert())) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }
}
