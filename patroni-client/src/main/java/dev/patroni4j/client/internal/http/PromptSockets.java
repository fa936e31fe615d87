package dev.patroni4j.client.internal.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;
import jdk.net.ExtendedSocketOptions;
import org.jspecify.annotations.Nullable;

/**
 * Sockets for Patroni's REST server, which answers one request per connection in several small
 * writes (over TLS 1.3: a NewSessionTicket, then the headers, then the body) with Nagle's
 * algorithm on. Each small write after the first waits until the client has acknowledged the one
 * before; a client that delays its ACKs (as Linux does once the connection looks interactive, which
 * a TLS handshake makes it) stalls every such call by its delayed-ACK timer, about 40 ms.
 *
 * <p>So these sockets send without Nagle's algorithm ({@code TCP_NODELAY}: the TLS records of our
 * own flights, e.g. ChangeCipherSpec then Finished then the request, go out at once instead of
 * waiting for the server's delayed ACK), and, where the platform has it (Linux), switch to quick
 * ACKs ({@code TCP_QUICKACK}) before every read: the kernel leaves quick-ACK mode on its own, so it
 * is set again each time. Thread-safe; the sockets themselves are used by one call at a time.
 */
public final class PromptSockets extends SocketFactory {
  private static final PromptSockets INSTANCE = new PromptSockets();
  private static final boolean QUICK_ACK = quickAckSupported();

  private PromptSockets() {}

  /** The shared factory. */
  public static PromptSockets factory() {
    return INSTANCE;
  }

  /** Whether sockets on this platform switch to quick ACKs before reading. */
  public static boolean quickAcks() {
    return QUICK_ACK;
  }

  @Override
  public Socket createSocket() throws SocketException {
    PromptSocket socket = new PromptSocket();
    socket.setTcpNoDelay(true);
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(createSocket(), new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected(createSocket(), new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(createSocket(), new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return connected(createSocket(), new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  private static Socket connected(Socket socket, InetSocketAddress remote, @Nullable InetSocketAddress local) throws IOException {
    try {
      if (local != null) {
        socket.bind(local);
      }
      socket.connect(remote);
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static boolean quickAckSupported() {
    try (Socket probe = new Socket()) {
      return probe.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** A socket whose input stream asks for quick ACKs before each read. */
  private static final class PromptSocket extends Socket {
    private @Nullable InputStream in;

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      InputStream plain = super.getInputStream();
      if (!QUICK_ACK) {
        return plain;
      }
      if (in == null) {
        in = new QuickAckInput(plain, this);
      }
      return in;
    }

    void quickAck() {
      try {
        setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
      } catch (IOException | RuntimeException e) {
        // Closed or shut down: the read that follows reports it.
      }
    }
  }

  private static final class QuickAckInput extends FilterInputStream {
    private final PromptSocket socket;

    QuickAckInput(InputStream in, PromptSocket socket) {
      super(in);
      this.socket = socket;
    }

    @Override
    public int read() throws IOException {
      socket.quickAck();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      socket.quickAck();
      return in.read(b, off, len);
    }
  }
}
