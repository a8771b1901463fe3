package dev.icssync.internal.profile;

import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * Airbnb: {@code Reserved} (UID prefix {@code 1418fb94e984-}) is a reservation, {@code Airbnb (Not
 * available)} (UID prefixes {@code 7f662ec65913-}, {@code 6fec1092d3fa-}) a block. The description
 * (reservation URL, phone digits) is never kept.
 *
 * <p>Availability rules roll forward every day and are stored under stable rule UIDs (see
 * {@link Normalized#asAvailabilityRule}), so they update one event instead of churning, and never
 * count as double bookings:
 * <ul>
 *   <li>{@code advance-notice}: a block that starts today or yesterday (the zones of the channel and
 *       the property may differ by a day) and lasts at most {@value #MAX_NOTICE_DAYS} days;</li>
 *   <li>{@code booking-window}: a block of at least {@value #MIN_WINDOW_DAYS} days that starts after
 *       today and ends on the last date of the feed (the end of the bookable window).</li>
 * </ul>
 */
public final class AirbnbProfile implements ChannelProfile {
  static final int MAX_NOTICE_DAYS = 31;
  static final int MIN_WINDOW_DAYS = 28;
  private static final String[] RESERVATION_UIDS = {"1418fb94e984-"};
  private static final String[] BLOCK_UIDS = {"7f662ec65913-", "6fec1092d3fa-"};

  @Override
  public String source() {
    return "airbnb";
  }

  @Override
  public boolean recognises(@Nullable String prodId, String sampleUid) {
    return Readings.containsIgnoreCase(prodId, "airbnb inc") || sampleUid.endsWith("@airbnb.com");
  }

  @Override
  public @Nullable Normalized normalize(ParsedEvent event) {
    return Readings.of(kind(event), Readings.status(event));
  }

  @Override
  public @Nullable Normalized normalize(ParsedEvent event, Context context) {
    Normalized n = normalize(event);
    if (n == null || n.kind() != EventKind.BLOCK || n.status() == EventStatus.CANCELLED
        || !(event.range() instanceof DateRange.AllDay d)) {
      return n;
    }
    long days = ChronoUnit.DAYS.between(d.start(), d.end());
    boolean startsNow = d.start().equals(context.today()) || d.start().equals(context.today().minusDays(1));
    if (startsNow && days >= 1 && days <= MAX_NOTICE_DAYS) {
      return n.asAvailabilityRule("advance-notice");
    }
    if (context.horizon() != null && d.end().equals(context.horizon()) && d.start().isAfter(context.today())
        && days >= MIN_WINDOW_DAYS) {
      return n.asAvailabilityRule("booking-window");
    }
    return n;
  }

  static EventKind kind(ParsedEvent e) {
    if (Readings.startsWithAny(e.uid(), RESERVATION_UIDS)) {
      return EventKind.RESERVATION;
    }
    if (Readings.startsWithAny(e.uid(), BLOCK_UIDS)) {
      return EventKind.BLOCK;
    }
    String s = Readings.summary(e);
    if (s.startsWith("reserved")) {
      return EventKind.RESERVATION;
    }
    return EventKind.BLOCK;
  }

  @Override
  public String toString() {
    return "ChannelProfile[airbnb]";
  }
}
