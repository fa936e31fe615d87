package dev.patroni4j.client.internal;

import java.time.Duration;

/**
 * Default deadlines per kind of call. Reads are quick; an immediate switchover is answered only
 * after Patroni polled the DCS for up to {@code 2*max(10, loop_wait)} s; an immediate restart
 * blocks until PostgreSQL is up (up to {@code primary_start_timeout}, 300 s by default).
 */
public record Timeouts(Duration read, Duration switchover, Duration restart) {
  public static Timeouts defaults() {
    return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(65), Duration.ofSeconds(330));
  }

  public Timeouts withAll(Duration d) {
    return new Timeouts(d, d, d);
  }
}
