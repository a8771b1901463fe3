package dev.icssync;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A typed change, delivered to {@link dev.icssync.spi.SyncListener#onChange} after the apply
 * committed.
 */
public sealed interface ChangeEvent {

  /** The tenant the change belongs to. */
  String tenant();

  /** A new event. */
  record Created(CalendarEvent event) implements ChangeEvent {
    @Override
    public String tenant() {
      return event.tenant();
    }
  }

  /** An event's dates changed (same UID, or a reissued UID). */
  record DatesChanged(CalendarEvent event, DateRange before, DateRange after) implements ChangeEvent {
    @Override
    public String tenant() {
      return event.tenant();
    }
  }

  /** Something other than the dates changed (kind, status, summary). */
  record Updated(CalendarEvent before, CalendarEvent after) implements ChangeEvent {
    @Override
    public String tenant() {
      return after.tenant();
    }
  }

  /** An event vanished from its feed and was cancelled. */
  record Cancelled(CalendarEvent event) implements ChangeEvent {
    @Override
    public String tenant() {
      return event.tenant();
    }
  }

  /** A cancelled event came back. */
  record Reinstated(CalendarEvent event) implements ChangeEvent {
    @Override
    public String tenant() {
      return event.tenant();
    }
  }

  /** The channel issued a new UID for the same stay; the stored event moved to the new key. */
  record UidReissued(EventKey oldKey, CalendarEvent event) implements ChangeEvent {
    @Override
    public String tenant() {
      return event.tenant();
    }
  }

  /** A double booking was detected. */
  record ConflictOpened(Conflict conflict) implements ChangeEvent {
    @Override
    public String tenant() {
      return conflict.tenant();
    }
  }

  /** A double booking went away. */
  record ConflictResolved(Conflict conflict) implements ChangeEvent {
    @Override
    public String tenant() {
      return conflict.tenant();
    }
  }

  /** The mass-cancel guard held back cancellations. */
  record FeedQuarantined(Feed feed, Quarantine quarantine) implements ChangeEvent {
    @Override
    public String tenant() {
      return feed.tenant();
    }
  }

  /** A sync of the feed failed. */
  record FeedFailed(Feed feed, FailureReason reason, String message, int consecutiveFailures)
      implements ChangeEvent {
    @Override
    public String tenant() {
      return feed.tenant();
    }
  }

  /** A feed that was failing or quarantined synced cleanly again. */
  record FeedRecovered(Feed feed, @Nullable Instant failingSince) implements ChangeEvent {
    @Override
    public String tenant() {
      return feed.tenant();
    }
  }
}
