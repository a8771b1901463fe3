package dev.icssync.internal.profile;

import dev.icssync.EventKind;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import org.jspecify.annotations.Nullable;

/**
 * Booking.com: {@code CLOSED - Not available} for reservations and closed dates alike, so those are
 * read as blocks; older feeds' {@code CLOSED - <guest name>} is a reservation (the name is dropped).
 * A summary with no block's mark ("closed", "not available", "unavailable", "blocked") is a
 * reservation: when in doubt it is a stay.
 */
public final class BookingProfile implements ChannelProfile {
  private static final String[] BLOCKED = {"not available", "unavailable", "closed", "blocked"};

  @Override
  public String source() {
    return "booking";
  }

  @Override
  public int version() {
    return 2;
  }

  @Override
  public boolean recognises(@Nullable String prodId, String sampleUid) {
    return Readings.containsIgnoreCase(prodId, "booking.com") || sampleUid.endsWith("@booking.com");
  }

  @Override
  public @Nullable Normalized normalize(ParsedEvent event) {
    String s = Readings.summary(event);
    EventKind kind;
    if (s.startsWith("closed")) {
      String rest = s.substring("closed".length()).replaceFirst("^\\s*-\\s*", "").strip();
      kind = !rest.isEmpty() && !Readings.containsAny(rest, BLOCKED) ? EventKind.RESERVATION : EventKind.BLOCK;
    } else {
      kind = Readings.containsAny(s, BLOCKED) ? EventKind.BLOCK : EventKind.RESERVATION;
    }
    return Readings.of(kind, Readings.status(event));
  }

  @Override
  public String toString() {
    return "ChannelProfile[booking]";
  }
}
