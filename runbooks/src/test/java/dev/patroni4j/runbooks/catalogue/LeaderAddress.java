package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.testkit.LocalPatroniCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for an address that follows the leader by itself (a virtual IP that vip-manager moves, a DNS name kept
 * on the leader): a TCP forwarder on 127.0.0.1 that connects every new connection to the PostgreSQL of the member
 * leading at that moment. Connections already forwarded stay where they are, as they do when a virtual IP moves.
 */
final class LeaderAddress implements AutoCloseable {
  private final LocalPatroniCluster cluster;
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private LeaderAddress(LocalPatroniCluster cluster) throws IOException {
    this.cluster = cluster;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "leader-address");
    this.acceptor.setDaemon(true);
  }

  static LeaderAddress start(LocalPatroniCluster cluster) throws IOException {
    LeaderAddress a = new LeaderAddress(cluster);
    a.acceptor.start();
    return a;
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(client);
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), cluster.leader().pgPort());
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException | RuntimeException e) {
        closeQuietly(client); // no leader now: the connection fails, as it would to an unassigned address
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "leader-address-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closeQuietly(server);
    open.forEach(LeaderAddress::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
