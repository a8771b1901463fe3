package dev.icssync.internal.profile;

import dev.icssync.EventKind;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import org.jspecify.annotations.Nullable;

/**
 * Booking.com: {@code CLOSED - Not available} for reservations and closed dates alike, so those are
 * read as blocks; older feeds' {@code CLOSED - <guest name>} is a reservation (the name is dropped).
 */
public final class BookingProfile implements ChannelProfile {

  @Override
  public String source() {
    return "booking";
  }

  @Override
  public boolean recognises(@Nullable String prodId, String sampleUid) {
    return Readings.containsIgnoreCase(prodId, "booking.com") || sampleUid.endsWith("@booking.com");
  }

  @Override
  public @Nullable Normalized normalize(ParsedEvent event) {
    String s = Readings.summary(event);
    EventKind kind = EventKind.BLOCK;
    if (s.startsWith("closed")) {
      String rest = s.substring("closed".length()).replaceFirst("^\\s*-\\s*", "").strip();
      if (!rest.isEmpty() && !Readings.containsAny(rest, "not available", "unavailable", "closed")) {
        kind = EventKind.RESERVATION;
      }
    }
    return Readings.of(kind, Readings.status(event));
  }

  @Override
  public String toString() {
    return "ChannelProfile[booking]";
  }
}
