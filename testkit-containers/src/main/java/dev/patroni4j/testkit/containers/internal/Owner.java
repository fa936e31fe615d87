package dev.patroni4j.testkit.containers.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which JVM a Docker object belongs to, as a label value {@code <boot id>/<pid>/<start millis>}: the boot id tells
 * this machine's objects from those of another host on the same daemon, the start time tells a dead JVM from a
 * newer process that got its pid.
 *
 * @param bootId the kernel's boot id, or {@code "unknown"} where /proc does not say
 * @param pid the JVM's process id
 * @param startMillis when the JVM started, in epoch milliseconds
 */
public record Owner(String bootId, long pid, long startMillis) {
  private static final Owner CURRENT = of(ProcessHandle.current());

  /** This JVM. */
  public static Owner current() {
    return CURRENT;
  }

  static Owner of(ProcessHandle process) {
    long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return new Owner(readBootId(), process.pid(), start);
  }

  /** Parses a label value; empty when it is not one of ours (never throws on outside input). */
  public static Optional<Owner> parse(String label) {
    List<String> parts = List.of(label.split("/", 4));
    if (parts.size() != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Owner(parts.get(0), Long.parseLong(parts.get(1)), Long.parseLong(parts.get(2))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  public String label() {
    return bootId + "/" + pid + "/" + startMillis;
  }

  /**
   * True when this owner certainly is gone: it ran on this machine since its last boot and no process with its pid
   * and start time runs now. An owner of another machine is never judged dead here.
   */
  public boolean isDeadHere() {
    if (!bootId.equals(CURRENT.bootId) || bootId.equals("unknown")) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    long start = process.get().info().startInstant().map(Instant::toEpochMilli).orElse(startMillis);
    // Start times read twice can differ by a clock tick; a reused pid starts much later.
    return Math.abs(start - startMillis) > 1000;
  }

  private static String readBootId() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
