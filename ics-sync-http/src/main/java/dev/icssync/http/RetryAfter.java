package dev.icssync.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Parses Retry-After (delta seconds or HTTP date) into a duration capped at a maximum. */
final class RetryAfter {
  private RetryAfter() {}

  private static final List<DateTimeFormatter> DATE_FORMATS =
      List.of(
          DateTimeFormatter.RFC_1123_DATE_TIME,
          DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US), // RFC 850
          DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(
              java.time.ZoneOffset.UTC)); // asctime

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
    for (DateTimeFormatter f : DATE_FORMATS) {
      try {
        Instant at = ZonedDateTime.parse(v, f).toInstant();
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
