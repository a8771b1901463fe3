package dev.icssync.internal.profile;

import dev.icssync.EventKind;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import org.jspecify.annotations.Nullable;

/**
 * TripAdvisor / FlipKey / Holiday Lettings: {@code Tripadvisor ...: <guest>} is a reservation (the
 * name is dropped); explicit "blocked"/"unavailable" summaries are blocks.
 */
public final class TripAdvisorProfile implements ChannelProfile {

  @Override
  public String source() {
    return "tripadvisor";
  }

  @Override
  public boolean recognises(@Nullable String prodId, String sampleUid) {
    return Readings.containsIgnoreCase(prodId, "tripadvisor") || Readings.containsIgnoreCase(prodId, "flipkey")
        || Readings.containsIgnoreCase(prodId, "holidaylettings")
        || Readings.containsIgnoreCase(sampleUid, "tripadvisor") || Readings.containsIgnoreCase(sampleUid, "flipkey");
  }

  @Override
  public @Nullable Normalized normalize(ParsedEvent event) {
    String s = Readings.summary(event);
    EventKind kind = Readings.containsAny(s, "blocked", "unavailable", "not available", "closed")
        ? EventKind.BLOCK : EventKind.RESERVATION;
    return Readings.of(kind, Readings.status(event));
  }

  @Override
  public String toString() {
    return "ChannelProfile[tripadvisor]";
  }
}
