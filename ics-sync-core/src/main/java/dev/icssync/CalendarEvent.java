package dev.icssync;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored event: one stay, block or hold of a property, as imported from one feed.
 *
 * @param key identity (tenant, feed, uid, recurrence id)
 * @param property the property the feed belongs to
 * @param source the feed's channel ({@code airbnb}, {@code booking}, ...)
 * @param range half-open date range
 * @param kind reservation, block, tentative hold or plain event
 * @param status confirmed, tentative or cancelled
 * @param summary sanitised summary (no personal data; the channel profile decides)
 * @param fingerprint hash of the fields that matter (range, kind, status, summary); volatile
 *     fields such as DTSTAMP are left out, so a changed fingerprint means the stay changed
 * @param firstSeen when the event first appeared
 * @param lastSeen when the event was last present in a fetched feed
 * @param lastChanged when the fingerprint or status last changed (export DTSTAMP)
 * @param sequence bumped on every change (export SEQUENCE)
 * @param cancelledAt when the event was cancelled, or null while active
 */
public record CalendarEvent(
    EventKey key,
    String property,
    String source,
    DateRange range,
    EventKind kind,
    EventStatus status,
    String summary,
    long fingerprint,
    Instant firstSeen,
    Instant lastSeen,
    Instant lastChanged,
    int sequence,
    @Nullable Instant cancelledAt) {

  public CalendarEvent {
    Objects.requireNonNull(key, "key");
    Checks.nonBlank(property, "property");
    Checks.nonBlank(source, "source");
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
    Objects.requireNonNull(lastChanged, "lastChanged");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative, was " + sequence);
    }
    if (status == EventStatus.CANCELLED && cancelledAt == null) {
      throw new IllegalArgumentException("a cancelled event needs cancelledAt");
    }
    if (status != EventStatus.CANCELLED && cancelledAt != null) {
      throw new IllegalArgumentException("an active event must not have cancelledAt");
    }
  }

  public String tenant() {
    return key.tenant();
  }

  public String feedId() {
    return key.feedId();
  }

  public boolean isCancelled() {
    return status == EventStatus.CANCELLED;
  }

  public boolean isActive() {
    return status != EventStatus.CANCELLED;
  }

  /** This event cancelled at {@code when} (sequence bumped, last changed = when). */
  public CalendarEvent cancel(Instant when) {
    return new CalendarEvent(key, property, source, range, kind, EventStatus.CANCELLED, summary,
        fingerprint, firstSeen, lastSeen, when, sequence + 1, when);
  }
}
