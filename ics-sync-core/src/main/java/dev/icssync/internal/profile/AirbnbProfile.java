package dev.icssync.internal.profile;

import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Airbnb: {@code Reserved} (UID prefix {@code 1418fb94e984-}) is a reservation, {@code Airbnb (Not
 * available)} (UID prefixes {@code 7f662ec65913-}, {@code 6fec1092d3fa-}) a block. The description
 * (reservation URL, phone digits) is never kept.
 *
 * <p>The word "reserved" (or "reservation") anywhere in the summary, or the reservation UID prefix,
 * makes a reservation: merged feeds of several listings write {@code <listing-id> Reserved} with
 * UIDs {@code <listing-id>-<hex>-<hex>@airbnb.com}. A block needs a block's mark (the block UID
 * prefixes, "not available", "unavailable", "blocked") and no reservation's; an event with neither
 * is read as a reservation: when in doubt it is a stay, which takes part in conflict detection.
 *
 * <p>Availability rules roll forward every day and are stored under stable rule UIDs (see
 * {@link Normalized#asAvailabilityRule}), so they update one event instead of churning, and never
 * count as double bookings. Only blocks can be rules:
 * <ul>
 *   <li>{@code advance-notice}: a block that starts today or yesterday (the zones of the channel and
 *       the property may differ by a day) and lasts at most {@value #MAX_NOTICE_DAYS} days;</li>
 *   <li>{@code booking-window}: a block of at least {@value #MIN_WINDOW_DAYS} days that starts after
 *       today and ends on the last date of the feed (the end of the bookable window).</li>
 * </ul>
 * In a merged feed the rule's name carries the listing ({@code advance-notice:48213377}), so each
 * listing keeps its own rule. When two events of a feed still read as the same rule, neither gets
 * the rule's identity (the engine keeps each under its own UID, see {@code Identities}).
 */
public final class AirbnbProfile implements ChannelProfile {
  static final int MAX_NOTICE_DAYS = 31;
  static final int MIN_WINDOW_DAYS = 28;
  private static final String[] RESERVATION_UIDS = {"1418fb94e984-"};
  private static final String[] BLOCK_UIDS = {"7f662ec65913-", "6fec1092d3fa-"};
  private static final String[] RESERVATION_WORDS = {"reserved", "reservation"};
  private static final String[] BLOCK_WORDS = {"not available", "unavailable", "blocked"};

  @Override
  public String source() {
    return "airbnb";
  }

  @Override
  public int version() {
    return 2;
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
      return n.asAvailabilityRule(qualified("advance-notice", event));
    }
    if (context.horizon() != null && d.end().equals(context.horizon()) && d.start().isAfter(context.today())
        && days >= MIN_WINDOW_DAYS) {
      return n.asAvailabilityRule(qualified("booking-window", event));
    }
    return n;
  }

  /**
   * The patterns of merged feeds, compiled when the first availability rule is named: most feeds have
   * none, and compiling a pattern at start-up costs a short command (check) a few milliseconds.
   */
  private static final class Merged {
    /** {@code <listing-id>-<hex>-<hex>@airbnb.com}, the UIDs of merged feeds. */
    static final Pattern UID = Pattern.compile("(\\d{3,20})-[0-9a-fA-F]+-[0-9a-fA-F]+@airbnb\\.com");
    /** {@code <listing-id> Reserved}, {@code <listing-id> Not available}. */
    static final Pattern SUMMARY = Pattern.compile("(\\d{3,20})\\s.*");
  }

  /** The rule's name, with the listing of a merged feed when the event names one. */
  private static String qualified(String rule, ParsedEvent e) {
    Matcher m = Merged.UID.matcher(e.uid());
    if (m.matches()) {
      return rule + ":" + m.group(1);
    }
    String s = e.summary();
    if (s != null && (m = Merged.SUMMARY.matcher(s.strip())).matches()) {
      return rule + ":" + m.group(1);
    }
    return rule;
  }

  static EventKind kind(ParsedEvent e) {
    String s = Readings.summary(e);
    if (Readings.startsWithAny(e.uid(), RESERVATION_UIDS) || Readings.containsAnyWord(s, RESERVATION_WORDS)) {
      return EventKind.RESERVATION;
    }
    if (Readings.startsWithAny(e.uid(), BLOCK_UIDS) || Readings.containsAny(s, BLOCK_WORDS)) {
      return EventKind.BLOCK;
    }
    return EventKind.RESERVATION; // no mark either way: a stay
  }

  @Override
  public String toString() {
    return "ChannelProfile[airbnb]";
  }
}
