package dev.icssync.spi;

import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.Feed;
import dev.icssync.ical.ParsedEvent;
import java.time.LocalDate;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one channel's feed is read: which events are reservations, blocks or holds, and what summary
 * is safe to keep (no guest names, phone digits or reservation links). Hosts may register their own
 * with {@code IcsSync.builder().profile(...)}; the built-in ones are in {@code dev.icssync.ChannelProfiles}.
 *
 * <p>A minimal profile implements {@link #source()}, {@link #recognises} and
 * {@link #normalize(ParsedEvent)}. A profile that needs to know the feed or the date (for rules
 * whose dates roll forward every day) overrides {@link #normalize(ParsedEvent, Context)} instead.
 */
public interface ChannelProfile {

  /** Prefix of the synthetic UIDs given to availability rules (see {@link Normalized#asAvailabilityRule}). */
  String RULE_UID_PREFIX = "ics-sync-rule:";

  /** The source name this profile serves ({@code airbnb}, {@code booking}, ...). */
  String source();

  /** True when a feed of unknown source looks like this channel's (by PRODID or a UID). */
  boolean recognises(@Nullable String prodId, String sampleUid);

  /** The normalised event, or null to drop it (for example a duplicate "check-in" marker). */
  @Nullable Normalized normalize(ParsedEvent event);

  /**
   * The normalised event, knowing the feed and today's date; by default {@link #normalize(ParsedEvent)}.
   */
  default @Nullable Normalized normalize(ParsedEvent event, Context context) {
    return normalize(event);
  }

  /**
   * Version of this profile's reading. Bump it when the reading changes: feeds whose stored digest
   * was produced by another version are parsed again instead of being skipped as unchanged.
   */
  default int version() {
    return 1;
  }

  /**
   * What a profile may know while it reads one feed.
   *
   * @param feed the feed being read
   * @param today today's date in the property's time zone
   * @param horizon the latest all-day end date in the fetched feed (the end of the channel's
   *     calendar), or null when the feed holds no all-day event
   * @param prodId the feed's PRODID, or null
   */
  record Context(Feed feed, LocalDate today, @Nullable LocalDate horizon, @Nullable String prodId) {
    public Context {
      Objects.requireNonNull(feed, "feed");
      Objects.requireNonNull(today, "today");
    }
  }

  /**
   * The profile's reading of one event.
   *
   * @param kind reservation, block, tentative hold or event
   * @param status confirmed, tentative or cancelled
   * @param summary the sanitised summary to store
   * @param uid the identity to store the event under instead of the feed's UID, or null to keep
   *     the feed's UID (a rule whose UID changes every day gets a stable one this way)
   * @param range the range to store instead of the parsed one, or null to keep it
   */
  record Normalized(
      EventKind kind, EventStatus status, String summary, @Nullable String uid, @Nullable DateRange range) {
    public Normalized {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(summary, "summary");
      if (uid != null && uid.isBlank()) {
        throw new IllegalArgumentException("uid must not be blank");
      }
    }

    public Normalized(EventKind kind, EventStatus status, String summary) {
      this(kind, status, summary, null, null);
    }

    /** This reading stored under another range. */
    public Normalized withRange(DateRange newRange) {
      return new Normalized(kind, status, summary, uid, Objects.requireNonNull(newRange, "range"));
    }

    /**
     * This reading as a channel availability rule named {@code name} (a booking window, an advance
     * notice): stored under the stable UID {@code ics-sync-rule:<name>} so its rolling dates update
     * one event instead of cancelling and creating one each day, and left out of double-booking
     * detection (it closes dates, it is nobody's stay).
     *
     * <p>Only a {@link EventKind#BLOCK block} can be a rule: for any other kind this reading is
     * returned unchanged, so a reservation is never left out of conflict detection or exports. The
     * name must be unique within the feed: when two events of one feed get the same rule identity,
     * the engine stores each under its own UID instead (with a diagnostic).
     */
    public Normalized asAvailabilityRule(String name) {
      if (kind != EventKind.BLOCK) {
        return this;
      }
      return new Normalized(kind, status, summary, RULE_UID_PREFIX + name, range);
    }

    /** True when this reading is an availability rule. */
    public boolean isAvailabilityRule() {
      return uid != null && uid.startsWith(RULE_UID_PREFIX);
    }
  }
}
