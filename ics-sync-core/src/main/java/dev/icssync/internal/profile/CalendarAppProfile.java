package dev.icssync.internal.profile;

import dev.icssync.EventKind;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import org.jspecify.annotations.Nullable;

/**
 * Google Calendar and Outlook / Office 365: plain events (an owner's stays, cleanings). Events shown
 * as free ({@code TRANSP:TRANSPARENT}) do not take the property and are dropped; the rest are
 * {@code EVENT}s labelled "Busy" (a personal calendar's summaries are private).
 */
public final class CalendarAppProfile implements ChannelProfile {
  private final String source;
  private final String[] prodIdMarkers;
  private final String[] uidMarkers;

  private CalendarAppProfile(String source, String[] prodIdMarkers, String[] uidMarkers) {
    this.source = source;
    this.prodIdMarkers = prodIdMarkers;
    this.uidMarkers = uidMarkers;
  }

  public static CalendarAppProfile google() {
    return new CalendarAppProfile("google", new String[] {"google"}, new String[] {"@google.com"});
  }

  public static CalendarAppProfile outlook() {
    return new CalendarAppProfile("outlook", new String[] {"microsoft", "outlook"},
        new String[] {"040000008200E00074C5B7101A82E008"});
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public boolean recognises(@Nullable String prodId, String sampleUid) {
    for (String m : prodIdMarkers) {
      if (Readings.containsIgnoreCase(prodId, m)) {
        return true;
      }
    }
    for (String m : uidMarkers) {
      if (sampleUid.contains(m)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public @Nullable Normalized normalize(ParsedEvent event) {
    if ("TRANSPARENT".equals(event.transp())) {
      return null;
    }
    return Readings.of(EventKind.EVENT, Readings.status(event));
  }

  @Override
  public String toString() {
    return "ChannelProfile[" + source + "]";
  }
}
