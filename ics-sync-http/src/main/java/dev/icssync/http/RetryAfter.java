package dev.icssync.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Parses Retry-After (delta seconds or HTTP date) into a duration capped at a maximum. */
final class RetryAfter {
  private RetryAfter() {}

  // the weekday is stripped before parsing: a wrong weekday must not void a usable date
  private static final List<DateTimeFormatter> DATE_FORMATS =
      List.of(
          new DateTimeFormatterBuilder().parseCaseInsensitive()
              .appendPattern("d MMM yyyy HH:mm:ss ").appendZoneText(TextStyle.SHORT)
              .toFormatter(Locale.US), // IMF-fixdate / RFC 1123
          new DateTimeFormatterBuilder().parseCaseInsensitive()
              .appendPattern("dd-MMM-").appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
              .appendPattern(" HH:mm:ss ").appendZoneText(TextStyle.SHORT)
              .toFormatter(Locale.US), // RFC 850
          new DateTimeFormatterBuilder().parseCaseInsensitive()
              .appendPattern("MMM ppd HH:mm:ss yyyy").toFormatter(Locale.US)
              .withZone(ZoneOffset.UTC)); // asctime

  /**
   * @return the wait, between zero and {@code cap}; null when the header is absent or unreadable
   */
  static @Nullable Duration parse(@Nullable String value, Instant now, Duration cap) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return null;
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 12) {
        return cap;
      }
      return min(Duration.ofSeconds(Long.parseLong(v)), cap);
    }
    String date = v.replaceFirst("^[A-Za-z]+,?\\s+", "");
    for (DateTimeFormatter f : DATE_FORMATS) {
      try {
        Instant at = ZonedDateTime.parse(date, f).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : min(d, cap);
      } catch (DateTimeParseException e) {
        // try the next format
      }
    }
    return null;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
