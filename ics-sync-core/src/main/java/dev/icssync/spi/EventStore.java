package dev.icssync.spi;

import dev.icssync.CalendarEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.HistoryRetention;
import dev.icssync.SyncRun;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Storage of events, conflicts and the change log. Implementations are thread-safe; failures are
 * thrown as {@code IcsSyncException.StorageException}.
 *
 * <p>{@link #events} and {@link #conflicts} may be served by a lagging copy (a read replica). Reads
 * whose result decides a write or is kept (conflict detection, read-modify-write of a conflict, an
 * export rendered into the export cache) use {@link #eventsForWrite} and {@link #conflictsForWrite},
 * which see every write committed before the call. A store that reads from one place keeps their
 * defaults; a store that wraps another extends {@link ForwardingStore}, which forwards them.
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

  /**
   * {@link #events} read so that every write committed before the call is visible (from the
   * primary, never a lagging replica). The default calls {@link #events}.
   */
  default List<CalendarEvent> eventsForWrite(EventQuery query) {
    return events(query);
  }

  /** Inserts or replaces conflicts (by id); all of one tenant. */
  void saveConflicts(String tenant, Collection<Conflict> conflicts);

  /**
   * Conflicts of a tenant, optionally of one property and one status, ordered by property, then
   * opened time, then id.
   */
  List<Conflict> conflicts(String tenant, @Nullable String property, @Nullable ConflictStatus status);

  /**
   * {@link #conflicts} read so that every write committed before the call is visible (from the
   * primary, never a lagging replica). The default calls {@link #conflicts}.
   */
  default List<Conflict> conflictsForWrite(String tenant, @Nullable String property,
      @Nullable ConflictStatus status) {
    return conflicts(tenant, property, status);
  }

  /** The newest {@code limit} runs of a feed, newest first. */
  List<SyncRun> runs(String tenant, String feedId, int limit);

  /**
   * Deletes the runs {@code retention} no longer keeps, across tenants: those that finished before
   * {@code retention.cutoff(now)} and are not among the newest {@code retention.keepRuns()} runs of
   * their feed; returns how many it deleted. Every {@link #apply} may append a run (and
   * {@code Store.saveStates} the runs of 304s, or tallies of them), so a store that keeps runs must implement this or its change log grows by one row per poll
   * without bound (the engine calls it every {@code SyncConfig.pruneEverySyncs()} syncs, and
   * {@code IcsSync.pruneHistory()} on demand).
   *
   * <p>It runs beside syncs, so it must not hold up {@link #apply}: delete in batches of at most
   * {@code retention.batchSize()} rows, each its own short transaction (or drop whole partitions),
   * never one statement over the whole table. It may be called by several workers at once; runs
   * appended meanwhile are never deleted by it. {@code StoreContract} in ics-sync-tck checks all of
   * this. The default deletes nothing: right only for a store that keeps no runs.
   */
  default long pruneRuns(HistoryRetention retention, Instant now) {
    return 0;
  }
}
