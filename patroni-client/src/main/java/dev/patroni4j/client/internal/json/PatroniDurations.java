package dev.patroni4j.client.internal.json;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Patroni's {@code parse_int(value, 's')}: a number of seconds, or a number with a unit. */
public final class PatroniDurations {
  private static final Pattern WITH_UNIT = Pattern.compile("^\\s*(\\d{1,12})\\s*(ms|s|min|h|d)?\\s*$");

  private PatroniDurations() {}

  public static Optional<Duration> parseSeconds(String text) {
    Matcher m = WITH_UNIT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return Optional.of(
        switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "min" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          default -> Duration.ofSeconds(n);
        });
  }
}
