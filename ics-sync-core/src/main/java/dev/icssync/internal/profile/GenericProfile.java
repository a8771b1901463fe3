package dev.icssync.internal.profile;

import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import org.jspecify.annotations.Nullable;

/**
 * Any other feed (PMSs, Expedia, Guesty, Smoobu...): the summary's words decide ("cleaning",
 * "housekeeping" = a plain event; "tentative", "hold" = tentative; "reserved", "booked" =
 * reservation, even beside a block's word: when in doubt, a stay; "blocked", "not available",
 * "closed" = block), else a plain {@code EVENT}. Labels only: the summary text is never stored.
 */
public final class GenericProfile implements ChannelProfile {
  private static final String[] TENTATIVE = {"tentative", "provisoire", "hold", "pending", "inquiry", "enquiry"};
  private static final String[] BLOCK = {"blocked", "block", "not available", "unavailable", "closed",
      "indisponible", "maintenance", "owner"};
  private static final String[] RESERVED = {"reserved", "reservation", "booked", "réserv"};
  /** Work at the property (iGMS and PMS cleaning calendars): plain events, whatever channel they name. */
  private static final String[] WORK = {"cleaning", "housekeeping", "turnover", "ménage", "linen"};

  @Override
  public String source() {
    return "generic";
  }

  @Override
  public int version() {
    return 2;
  }

  /** Never claims a feed: it is the fallback. */
  @Override
  public boolean recognises(@Nullable String prodId, String sampleUid) {
    return false;
  }

  @Override
  public @Nullable Normalized normalize(ParsedEvent event) {
    String s = Readings.summary(event);
    EventStatus status = Readings.status(event);
    EventKind kind;
    if (Readings.containsAny(s, WORK)) {
      kind = EventKind.EVENT;
    } else if (Readings.containsAny(s, TENTATIVE)) {
      kind = EventKind.TENTATIVE;
    } else if (Readings.containsAny(s, RESERVED)) {
      kind = EventKind.RESERVATION; // also with a block's word: when in doubt, a stay
    } else if (Readings.containsAny(s, BLOCK)) {
      kind = EventKind.BLOCK;
    } else {
      kind = EventKind.EVENT;
    }
    return Readings.of(kind, status);
  }

  @Override
  public String toString() {
    return "ChannelProfile[generic]";
  }
}
