package dev.icssync;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Per-property settings used to compare all-day and timed events: the property's time zone and
 * its check-in and check-out times.
 *
 * <p>Still a record: a property's zone and check-in/check-out times. Its constructor is public, so a
 * new component will come with the old constructor kept as an overload (Java 17 has no record
 * patterns to break).
 */
public record PropertySettings(
    String tenant, String property, ZoneId zone, LocalTime checkIn, LocalTime checkOut) {

  public static final LocalTime DEFAULT_CHECK_IN = LocalTime.of(15, 0);
  public static final LocalTime DEFAULT_CHECK_OUT = LocalTime.of(11, 0);

  public PropertySettings {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(property, "property");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(checkIn, "checkIn");
    Objects.requireNonNull(checkOut, "checkOut");
  }

  /** UTC, check-in 15:00, check-out 11:00. */
  public static PropertySettings defaults(String tenant, String property) {
    return new PropertySettings(tenant, property, ZoneOffset.UTC, DEFAULT_CHECK_IN, DEFAULT_CHECK_OUT);
  }
}
