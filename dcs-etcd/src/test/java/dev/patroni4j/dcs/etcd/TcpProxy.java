package dev.patroni4j.dcs.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of etcd that a test can cut (every connection dropped, new ones refused) and
 * restore, to take a client off etcd while etcd itself keeps running and changing.
 */
final class TcpProxy implements AutoCloseable {

  private final URI target;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  TcpProxy(URI target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    this.port = server.getLocalPort();
    acceptOn(server);
  }

  URI endpoint() {
    return URI.create(target.getScheme() + "://127.0.0.1:" + port);
  }

  /** Drops every connection and refuses new ones until {@link #restore()}. */
  synchronized void cut() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
  }

  /** Accepts connections again, on the same port. */
  synchronized void restore() throws IOException {
    ServerSocket reopened = new ServerSocket();
    reopened.setReuseAddress(true);
    reopened.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
    server = reopened;
    acceptOn(reopened);
  }

  private void acceptOn(ServerSocket listening) {
    Thread acceptor = new Thread(() -> {
      while (!listening.isClosed()) {
        try {
          Socket client = listening.accept();
          Socket upstream = new Socket(target.getHost(), target.getPort());
          sockets.add(client);
          sockets.add(upstream);
          pipe(client, upstream);
          pipe(upstream, client);
        } catch (IOException closed) {
          return;
        }
      }
    }, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException dropped) {
        // cut or closed
      } finally {
        try {
          to.close();
          from.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "tcp-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
