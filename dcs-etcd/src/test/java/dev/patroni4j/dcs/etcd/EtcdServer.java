package dev.patroni4j.dcs.etcd;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import dev.patroni4j.testkit.TlsFiles;
import org.jspecify.annotations.Nullable;

/**
 * A bare etcd process (Debian's etcd-server 3.4) on free loopback ports, for tests that need etcd without Patroni:
 * restart it, freeze it, turn on authentication.
 */
final class EtcdServer implements AutoCloseable {

  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private final @Nullable TlsFiles tls;
  private Process process;

  private EtcdServer(Path dataDir, @Nullable TlsFiles tls) throws IOException {
    this.dataDir = dataDir;
    this.clientPort = freePort();
    this.peerPort = freePort();
    this.tls = tls;
    this.process = launch();
  }

  static EtcdServer start() throws IOException {
    return new EtcdServer(Files.createTempDirectory("p4j-etcd"), null);
  }

  /** etcd serving clients over TLS only, requiring a client certificate signed by {@code tls}'s CA. */
  static EtcdServer startWithTls(TlsFiles tls) throws IOException {
    return new EtcdServer(Files.createTempDirectory("p4j-etcd"), tls);
  }

  URI endpoint() {
    return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort);
  }

  long pid() {
    return process.pid();
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing. */
  void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  /** Stops etcd (SIGTERM) and starts it again on the same ports and data. */
  void restart() throws IOException, InterruptedException {
    process.destroy();
    process.waitFor();
    process = launch();
  }

  private Process launch() throws IOException {
    String client = endpoint().toString();
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = new ArrayList<>(List.of("etcd", "--name", "t1", "--data-dir", dataDir.toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "t1=" + peer, "--log-level", "error"));
    if (tls != null) {
      command.addAll(List.of("--cert-file", tls.serverCert().toString(), "--key-file", tls.serverKey().toString(),
          "--trusted-ca-file", tls.caCert().toString(), "--client-cert-auth"));
    }
    Process started = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
        .start();
    try {
      awaitHealthy(started);
    } catch (IOException e) {
      started.destroyForcibly();
      throw new IOException(e.getMessage() + "; log: " + Files.readString(logFile()), e);
    }
    return started;
  }

  private void awaitHealthy(Process started) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!started.isAlive()) {
        throw new IOException("etcd exited with " + started.exitValue());
      }
      try {
        if (tls != null) {
          // Without a client certificate the health endpoint cannot be asked; an open port is enough here.
          new java.net.Socket(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), clientPort).close();
          return;
        }
        HttpURLConnection c = (HttpURLConnection) endpoint().resolve("/health").toURL().openConnection();
        c.setConnectTimeout(200);
        c.setReadTimeout(500);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException("etcd did not become healthy on " + endpoint());
  }

  private Path logFile() {
    return dataDir.resolveSibling(dataDir.getFileName() + ".log");
  }

  private void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.deleteIfExists(logFile());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
