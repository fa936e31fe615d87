package dev.patroni4j.runbooks;

import dev.patroni4j.client.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when the engine sleeps on it; sleeping also lets the scripted cluster progress. */
final class FakeTime extends Clock implements Sleeper {
  private Instant now = Instant.parse("2026-11-22T04:00:00Z");
  private final Runnable onSleep;

  FakeTime(Runnable onSleep) {
    this.onSleep = onSleep;
  }

  @Override
  public void sleep(Duration d) {
    now = now.plus(d);
    onSleep.run();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
