package dev.patroni4j.client.internal.json;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Patroni's timestamps: Python's {@code str(datetime)} ({@code 2024-08-28 19:39:26.352526+00:00}),
 * {@code isoformat()} ({@code 2026-11-22T03:27:51.934059+00:00}), and what users send ({@code
 * 2019-09-24T12:00+00}). A timestamp without an offset is read as UTC.
 */
public final class PatroniTime {
  // "12:00+00": an hours-only offset, which java.time does not read without minutes.
  private static final Pattern SHORT_OFFSET =
      Pattern.compile("^(.*T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?[+-]\\d{2})$");
  private static final DateTimeFormatter LENIENT =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .appendLiteral('T')
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
          .toFormatter();

  private PatroniTime() {}

  public static Optional<OffsetDateTime> parse(String text) {
    String t = text.trim();
    if (t.length() > 10 && t.charAt(10) == ' ') {
      t = t.substring(0, 10) + 'T' + t.substring(11);
    }
    if (SHORT_OFFSET.matcher(t).matches()) {
      t = t + ":00";
    }
    try {
      return Optional.of(OffsetDateTime.parse(t, LENIENT));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** ISO 8601 with offset, as Patroni requires for {@code scheduled_at} and {@code schedule}. */
  public static String format(OffsetDateTime time) {
    return time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
