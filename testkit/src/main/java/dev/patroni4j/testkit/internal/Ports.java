package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.TestkitException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free TCP ports on 127.0.0.1. A port handed out once is not handed out again by this JVM, so
 * clusters started side by side cannot collide with each other between "found free" and "bound".
 */
public final class Ports {
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Ports() {}

  public static synchronized int free() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = s.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new TestkitException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
      }
    }
    throw new TestkitException("cannot find a free port on 127.0.0.1 after 50 attempts");
  }
}
