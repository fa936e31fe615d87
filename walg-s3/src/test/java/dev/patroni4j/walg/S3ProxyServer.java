package dev.patroni4j.walg;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server for tests: S3Proxy (Maven Central {@code org.gaul:s3proxy},
 * jar-with-dependencies copied into {@code target/s3proxy} by the build) run as a child process
 * with its in-memory {@code transient} backend. One server per test JVM, started on first use,
 * stopped when the JVM exits.
 */
public final class S3ProxyServer {
  public static final String ACCESS_KEY = "walg-test-access";
  public static final String SECRET_KEY = "walg-test-secret-never-logged";
  private static @Nullable S3ProxyServer shared;

  private final Process process;
  private final URI endpoint;

  private S3ProxyServer(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  public static synchronized S3ProxyServer shared() {
    if (shared == null) {
      shared = start(Paths.get("target"));
    }
    return shared;
  }

  public static S3ProxyServer start(Path targetDir) {
    return start(targetDir, "768m", true);
  }

  /** Starts a new server with the given maximum heap (the transient store keeps objects in memory). */
  public static S3ProxyServer start(Path targetDir, String maxHeap, boolean quickStart) {
    Path jar = targetDir.resolve("s3proxy/s3proxy.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the build (mvn -pl walg-s3 verify) so"
          + " maven-dependency-plugin copies S3Proxy's jar-with-dependencies there");
    }
    try {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path conf = Files.createTempFile(targetDir, "s3proxy", ".conf");
      Files.writeString(conf, String.join("\n", List.of(
          "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS_KEY,
          "s3proxy.credential=" + SECRET_KEY,
          "jclouds.provider=transient",
          "jclouds.identity=" + ACCESS_KEY,
          "jclouds.credential=" + SECRET_KEY)));
      Path log = targetDir.resolve("s3proxy-" + port + ".log");
      List<String> command = new java.util.ArrayList<>(List.of(
          Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + maxHeap));
      if (quickStart) {
        // tests: start fast on 2 cores, the request volume is small
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      }
      command.addAll(List.of("-jar", jar.toString(), "--properties", conf.toString()));
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().put("LOG_LEVEL", "warn");
      Process p = pb.start();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (true) {
        if (!p.isAlive()) {
          throw new IllegalStateException("S3Proxy exited with " + p.exitValue() + "; see " + log.toAbsolutePath());
        }
        try {
          HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
          c.setConnectTimeout(500);
          c.getResponseCode(); // any HTTP answer (403 without credentials) means it is serving
          c.disconnect();
          break;
        } catch (IOException notYet) {
          if (Instant.now().isAfter(deadline)) {
            p.destroyForcibly();
            throw new IllegalStateException("S3Proxy did not answer within 60 s; see " + log.toAbsolutePath());
          }
          Thread.sleep(50);
        }
      }
      S3ProxyServer server = new S3ProxyServer(p, endpoint);
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start S3Proxy: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  public void stop() {
    process.destroy();
  }

  /** A path-style client with the test credentials. */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        // plain PUT bodies (no aws-chunked CRC trailer): much cheaper for filling thousands of objects
        .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
        .build();
  }

  /** Settings for {@code s3://bucket/root} on this server, built as from WAL-G's own config keys. */
  public WalgS3Settings settings(String bucket, String root) {
    return WalgS3Settings.fromWalgConfig(java.util.Map.of(
        "WALG_S3_PREFIX", "s3://" + bucket + "/" + root,
        "AWS_ENDPOINT", endpoint.toString(),
        "AWS_S3_FORCE_PATH_STYLE", "true",
        "AWS_ACCESS_KEY_ID", ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", SECRET_KEY));
  }
}
