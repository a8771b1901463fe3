package dev.icssync.spi;

import dev.icssync.CalendarEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.SyncRun;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Storage of events, conflicts and the change log. Implementations are thread-safe; failures are
 * thrown as {@code IcsSyncException.StorageException}.
 */
public interface EventStore {

  /**
   * Applies one sync atomically (see {@link FeedApply}). Throws {@code StaleGenerationException}
   * and writes nothing when the stored generation differs from the apply's.
   */
  ApplyResult apply(FeedApply apply);

  /** Every event of a feed, cancelled ones included, in key order. */
  List<CalendarEvent> eventsOfFeed(String tenant, String feedId);

  /** Events of a property matching the query, ordered by start then key. */
  List<CalendarEvent> events(EventQuery query);

  /** Inserts or replaces conflicts (by id); all of one tenant. */
  void saveConflicts(String tenant, Collection<Conflict> conflicts);

  /**
   * Conflicts of a tenant, optionally of one property and one status, ordered by property, then
   * opened time, then id.
   */
  List<Conflict> conflicts(String tenant, @Nullable String property, @Nullable ConflictStatus status);

  /** The newest {@code limit} runs of a feed, newest first. */
  List<SyncRun> runs(String tenant, String feedId, int limit);
}
