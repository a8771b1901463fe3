package dev.icssync;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored event: one stay, block or hold of a property, as imported from one feed.
 *
 * <p>A final class rather than a record: what the library keeps of an event grows (the store adapters
 * read and write it), and a record's canonical constructor would break every adapter with each new
 * component. Built with {@link #builder()} or changed with {@link #toBuilder()}; accessors keep the
 * record style.
 */
public final class CalendarEvent {
  private final EventKey key;
  private final String property;
  private final String source;
  private final DateRange range;
  private final EventKind kind;
  private final EventStatus status;
  private final String summary;
  private final long fingerprint;
  private final Instant firstSeen;
  private final Instant lastSeen;
  private final Instant lastChanged;
  private final int sequence;
  private final @Nullable Instant cancelledAt;

  private CalendarEvent(EventKey key, String property, String source, DateRange range,
      EventKind kind, EventStatus status, String summary, long fingerprint, Instant firstSeen,
      Instant lastSeen, Instant lastChanged, int sequence, @Nullable Instant cancelledAt) {
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
    this.key = key;
    this.property = property;
    this.source = source;
    this.range = range;
    this.kind = kind;
    this.status = status;
    this.summary = summary;
    this.fingerprint = fingerprint;
    this.firstSeen = firstSeen;
    this.lastSeen = lastSeen;
    this.lastChanged = lastChanged;
    this.sequence = sequence;
    this.cancelledAt = cancelledAt;
  }

  /** A builder with nothing set but the defaults; {@link Builder#build()} validates. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link CalendarEvent}; components not set keep their defaults. */
  public static final class Builder {
    private @Nullable EventKey key;
    private @Nullable String property;
    private @Nullable String source;
    private @Nullable DateRange range;
    private @Nullable EventKind kind;
    private EventStatus status = EventStatus.CONFIRMED;
    private String summary = "";
    private long fingerprint;
    private @Nullable Instant firstSeen;
    private @Nullable Instant lastSeen;
    private @Nullable Instant lastChanged;
    private int sequence;
    private @Nullable Instant cancelledAt;

    private Builder() {}

    private Builder(CalendarEvent from) {
      this.key = from.key;
      this.property = from.property;
      this.source = from.source;
      this.range = from.range;
      this.kind = from.kind;
      this.status = from.status;
      this.summary = from.summary;
      this.fingerprint = from.fingerprint;
      this.firstSeen = from.firstSeen;
      this.lastSeen = from.lastSeen;
      this.lastChanged = from.lastChanged;
      this.sequence = from.sequence;
      this.cancelledAt = from.cancelledAt;
    }

    /** See {@link CalendarEvent#key()}. */
    public Builder key(EventKey value) {
      this.key = value;
      return this;
    }

    /** See {@link CalendarEvent#property()}. */
    public Builder property(String value) {
      this.property = value;
      return this;
    }

    /** See {@link CalendarEvent#source()}. */
    public Builder source(String value) {
      this.source = value;
      return this;
    }

    /** See {@link CalendarEvent#range()}. */
    public Builder range(DateRange value) {
      this.range = value;
      return this;
    }

    /** See {@link CalendarEvent#kind()}. */
    public Builder kind(EventKind value) {
      this.kind = value;
      return this;
    }

    /** See {@link CalendarEvent#status()}. */
    public Builder status(EventStatus value) {
      this.status = value;
      return this;
    }

    /** See {@link CalendarEvent#summary()}. */
    public Builder summary(String value) {
      this.summary = value;
      return this;
    }

    /** See {@link CalendarEvent#fingerprint()}. */
    public Builder fingerprint(long value) {
      this.fingerprint = value;
      return this;
    }

    /** See {@link CalendarEvent#firstSeen()}. */
    public Builder firstSeen(Instant value) {
      this.firstSeen = value;
      return this;
    }

    /** See {@link CalendarEvent#lastSeen()}. */
    public Builder lastSeen(Instant value) {
      this.lastSeen = value;
      return this;
    }

    /** See {@link CalendarEvent#lastChanged()}. */
    public Builder lastChanged(Instant value) {
      this.lastChanged = value;
      return this;
    }

    /** See {@link CalendarEvent#sequence()}. */
    public Builder sequence(int value) {
      this.sequence = value;
      return this;
    }

    /** See {@link CalendarEvent#cancelledAt()}. */
    public Builder cancelledAt(@Nullable Instant value) {
      this.cancelledAt = value;
      return this;
    }

    /** Validates and builds. */
    @SuppressWarnings("NullAway")
    public CalendarEvent build() {
      return new CalendarEvent(key, property, source, range, kind, status, summary, fingerprint,
          firstSeen, lastSeen, lastChanged, sequence, cancelledAt);
    }
  }

  /** Identity (tenant, feed, uid, recurrence id). */
  public EventKey key() {
    return key;
  }

  /** The property the feed belongs to. */
  public String property() {
    return property;
  }

  /** The feed's channel ({@code airbnb}, {@code booking}, ...). */
  public String source() {
    return source;
  }

  /** Half-open date range. */
  public DateRange range() {
    return range;
  }

  /** Reservation, block, tentative hold or plain event. */
  public EventKind kind() {
    return kind;
  }

  /** Confirmed, tentative or cancelled. */
  public EventStatus status() {
    return status;
  }

  /** Sanitised summary (no personal data; the channel profile decides). */
  public String summary() {
    return summary;
  }

  /** Hash of the fields that matter (range, kind, status, summary); volatile fields such as DTSTAMP are left out, so a changed fingerprint means the stay changed. */
  public long fingerprint() {
    return fingerprint;
  }

  /** When the event first appeared. */
  public Instant firstSeen() {
    return firstSeen;
  }

  /** When the event was last present in a fetched feed. */
  public Instant lastSeen() {
    return lastSeen;
  }

  /** When the fingerprint or status last changed (export DTSTAMP). */
  public Instant lastChanged() {
    return lastChanged;
  }

  /** Bumped on every change (export SEQUENCE). */
  public int sequence() {
    return sequence;
  }

  /** When the event was cancelled, or null while active. */
  public @Nullable Instant cancelledAt() {
    return cancelledAt;
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

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof CalendarEvent o
        && Objects.equals(key, o.key)
        && Objects.equals(property, o.property)
        && Objects.equals(source, o.source)
        && Objects.equals(range, o.range)
        && Objects.equals(kind, o.kind)
        && Objects.equals(status, o.status)
        && Objects.equals(summary, o.summary)
        && fingerprint == o.fingerprint
        && Objects.equals(firstSeen, o.firstSeen)
        && Objects.equals(lastSeen, o.lastSeen)
        && Objects.equals(lastChanged, o.lastChanged)
        && sequence == o.sequence
        && Objects.equals(cancelledAt, o.cancelledAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, property, source, range, kind, status, summary, fingerprint,
        firstSeen, lastSeen, lastChanged, sequence, cancelledAt);
  }

  @Override
  public String toString() {
    return "CalendarEvent[key=" + key + ", property=" + property + ", source=" + source
        + ", range=" + range + ", kind=" + kind + ", status=" + status + ", summary=" + summary
        + ", fingerprint=" + fingerprint + ", firstSeen=" + firstSeen + ", lastSeen=" + lastSeen
        + ", lastChanged=" + lastChanged + ", sequence=" + sequence
        + ", cancelledAt=" + cancelledAt + "]";
  }
}
