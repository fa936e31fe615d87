package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.Credentials;
import dev.patroni4j.testkit.TestkitException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A single-member etcd started as a child process on free loopback ports. */
public final class EtcdServer implements DcsServer {
  private final Process process;
  private final URI endpoint;
  private final Optional<Credentials> auth;
  private final Path log;

  private EtcdServer(Process process, URI endpoint, Optional<Credentials> auth, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.auth = auth;
    this.log = log;
  }

  public static EtcdServer start(Path etcdBinary, Path dir, List<String> commandPrefix, Optional<Credentials> auth,
      Duration timeout) {
    int clientPort = Ports.free();
    int peerPort = Ports.free();
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    Path log = dir.resolve("etcd.log");
    List<String> command = new ArrayList<>(commandPrefix);
    command.addAll(List.of(etcdBinary.toString(),
        "--name", "etcd1",
        "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "etcd1=" + peer,
        "--initial-cluster-state", "new"));
    Process process = Processes.start(command, Map.of(), dir, log);
    EtcdServer server = new EtcdServer(process, URI.create(client), auth, log);
    server.awaitReady(timeout);
    auth.ifPresent(server::enableAuth);
    return server;
  }

  private void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new TestkitException("etcd exited with " + process.exitValue() + " while starting; its log:\n"
            + Processes.tail(log, 30));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("true")) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TestkitException("interrupted while waiting for etcd", e);
      }
      Processes.awaitExit(process, Duration.ofMillis(100));
    }
    throw new TestkitException("etcd did not become healthy within " + timeout.toSeconds() + " s (last: " + last
        + "); its log:\n" + Processes.tail(log, 30));
  }

  /** Root user with the root role, then auth on: what {@code etcdctl user add root; auth enable} does. */
  private void enableAuth(Credentials root) {
    if (!"root".equals(root.username())) {
      throw new IllegalArgumentException("etcdAuth: the test kit creates etcd's 'root' user; use username \"root\","
          + " was \"" + root.username() + "\"");
    }
    gateway("/v3/auth/role/add", Map.of("name", "root"));
    gateway("/v3/auth/user/add", Map.of("name", "root", "password", root.password()));
    gateway("/v3/auth/user/grant", Map.of("user", "root", "role", "root"));
    gateway("/v3/auth/enable", Map.of());
  }

  private void gateway(String path, Map<String, Object> body) {
    try {
      HttpClient http = HttpClient.newHttpClient();
      byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(body);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve(path))
          .timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new TestkitException("etcd " + path + " answered " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new TestkitException("etcd " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted", e);
    }
  }

  /** {@code GET /version}'s {@code etcdserver}, e.g. {@code 3.5.16}. */
  public String reportedVersion() {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/version"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      String version = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("etcdserver").asText("");
      if (r.statusCode() != 200 || version.isEmpty()) {
        throw new TestkitException("etcd /version answered " + r.statusCode() + ": " + r.body());
      }
      return version;
    } catch (IOException e) {
      throw new TestkitException("etcd /version failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted", e);
    }
  }

  @Override
  public String patroniSectionName() {
    return "etcd3";
  }

  @Override
  public Map<String, Object> patroniSection() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("hosts", List.of(endpoint.getHost() + ":" + endpoint.getPort()));
    auth.ifPresent(c -> {
      section.put("username", c.username());
      section.put("password", c.password());
    });
    return section;
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  public Optional<Credentials> auth() {
    return auth;
  }

  public Path logFile() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void freeze() {
    Processes.signal(process.pid(), "STOP");
  }

  @Override
  public void thaw() {
    Processes.signal(process.pid(), "CONT");
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      Processes.signal(process.pid(), "CONT");
      process.destroyForcibly();
      Processes.awaitExit(process.pid(), Duration.ofSeconds(10));
    }
  }
}
