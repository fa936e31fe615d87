package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.TestkitException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Free TCP ports on 127.0.0.1 for the processes a test kit cluster starts.
 *
 * <p>Between "found free" and "bound by etcd, PostgreSQL or Patroni" a port can be taken by someone
 * else. Two things make that window safe: ports come from below the kernel's ephemeral range, so no
 * outgoing connection on the machine is ever given one as its local port; and each port is claimed
 * with an exclusive lock on a file in a directory every JVM shares ({@code patroni4j-ports} beside
 * the clusters' directory, which the orphan reaper leaves alone), held until this JVM exits (the
 * operating system drops the lock with the process), so test JVMs running side by side, such as
 * parallel surefire forks or builds, never hand out the same port.
 */
public final class Ports {
  private static final List<FileChannel> CLAIMS = new ArrayList<>();
  private static final Set<Integer> HELD = new HashSet<>();
  private static final int ATTEMPTS = 200;
  private static final Path CLAIMS_DIRECTORY = RunRegistry.ROOT.resolveSibling("patroni4j-ports");

  private Ports() {}

  /** A port no other JVM of this machine's test kits holds and nothing listens on right now. */
  public static int free() {
    int[] range = claimableRange();
    return freeIn(range[0], range[1]);
  }

  /** A free port in {@code [from, to)}. */
  static synchronized int freeIn(int from, int to) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = random.nextInt(from, to);
      if (claim(port) && bindable(port)) {
        return port;
      }
    }
    throw new TestkitException("cannot find a free port on 127.0.0.1 in " + from + "-" + (to - 1)
        + " after " + ATTEMPTS + " attempts (claims in " + CLAIMS_DIRECTORY + ")");
  }

  /**
   * Claims {@code port} for this JVM; false when another JVM, or this one, holds it already. A port this JVM holds is
   * answered from memory, never by opening its lock file again: closing any channel of a file drops every lock this
   * process holds on it (POSIX record locks), so a second look would hand the port to the next JVM that asks.
   */
  static synchronized boolean claim(int port) {
    if (HELD.contains(port)) {
      return false;
    }
    Path file = CLAIMS_DIRECTORY.resolve(port + ".lock");
    @Nullable FileChannel channel = null;
    try {
      Files.createDirectories(CLAIMS_DIRECTORY);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return false;
      }
      CLAIMS.add(channel); // held, with its lock, until the JVM exits
      HELD.add(port);
      return true;
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel); // this JVM holds it already
      return false;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new TestkitException("cannot claim a port with " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // a port in TIME_WAIT is fine: the servers we start set SO_REUSEADDR too
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Ports below the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}, 32768-60999 by
   * default) and above the registered well-known services, as {@code [from, to)}.
   */
  static int[] claimableRange() {
    int ephemeralFrom = 32768;
    int ephemeralTo = 60999;
    try {
      // Files.readString sizes its buffer from the file's size, which /proc reports as 0: it returned "3" here.
      String text;
      try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
        text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      }
      String[] fields = text.trim().split("\\s+", -1);
      int from = Integer.parseInt(fields[0]);
      int to = Integer.parseInt(fields[1]);
      ephemeralFrom = from;
      ephemeralTo = to;
    } catch (IOException | RuntimeException e) {
      // not Linux, or unreadable: the default range
    }
    if (ephemeralFrom - 20000 >= 2000) {
      return new int[] {20000, ephemeralFrom};
    }
    if (65535 - ephemeralTo >= 2000) {
      return new int[] {ephemeralTo + 1, 65536};
    }
    return new int[] {1024, 65536}; // an ephemeral range that covers nearly everything: nowhere safer
  }

  private static void closeQuietly(@Nullable FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to release
      }
    }
  }
}
