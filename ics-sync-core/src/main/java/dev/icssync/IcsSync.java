package dev.icssync;

import dev.icssync.internal.TenantBandwidth;
import dev.icssync.internal.engine.FeedPrefetch;
import dev.icssync.internal.engine.ParallelSync;
import dev.icssync.internal.engine.SyncEngine;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.ConflictPolicy;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FeedWithState;
import dev.icssync.spi.PurgeHook;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncLimiter;
import dev.icssync.spi.SyncListener;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: syncs feeds into a store, detects double bookings, and exports merged feeds.
 * Thread-safe; build one per store and share it.
 *
 * <pre>{@code
 * IcsSync sync = IcsSync.builder()
 *     .store(Store.inMemory())
 *     .fetcher(HttpFeedFetcher.create())
 *     .conflictPolicy(ConflictPolicy.sourcePriority("direct", "airbnb", "booking"))
 *     .build();
 * SyncReport report = sync.syncFeed("tenant-1", "feed-42");
 * }</pre>
 *
 * <p>What one sync does, and what it guarantees:
 * <ul>
 *   <li>A 304, or a body whose digest (DTSTAMP, LAST-MODIFIED, SEQUENCE and per-download X- lines
 *       left out) equals the last applied one, writes no event and does not read the stored ones.</li>
 *   <li>Otherwise the body is parsed, read by the feed's {@link ChannelProfiles channel profile} and
 *       diffed by key; only events whose fingerprint changed are written, in one atomic apply that
 *       carries the feed's generation (a stale worker's apply is rejected: {@code STALE}).</li>
 *   <li>Vanished events are cancelled (never deleted) when they end after now; past stays the
 *       channel trimmed stay as they were. A new UID on exactly the dates of a vanished event of the
 *       same feed is the same stay (UID reissue). A cancelled event that comes back is reinstated.</li>
 *   <li>The mass-cancel guard holds back every cancellation when a feed with future events comes
 *       back empty or would lose more than {@code SyncConfig.massCancelShare} of them: the feed is
 *       {@code QUARANTINED} until the same result is seen {@code quarantineConfirmations} times in
 *       a row (no failed sync in between) over at least {@code quarantineMinSpan}, or an operator
 *       confirms it with {@link #confirmQuarantine}. Upserts proceed meanwhile.</li>
 *   <li>An empty or blank body (or a 204) is a failure ({@code EMPTY_BODY}), and so is a body cut off
 *       inside a component, whatever the fetcher: only a calendar without events is an empty result.</li>
 *   <li>A failed fetch or a body that is not a calendar changes only the feed state (failure count,
 *       error, next due with exponential backoff capped at a day, or the server's Retry-After); so
 *       does a sync whose apply failed in the store.</li>
 *   <li>Text no database can store (NUL, lone surrogates, over-long UIDs) is made storable before
 *       any store sees it, keeping every UID's identity, so one such event never blocks its feed.</li>
 *   <li>After a change, double bookings of the property are detected among the events that block
 *       dates ({@link SyncConfig#blocksDates}, the rule exports follow too; availability rules and
 *       pairs of blocks left out), conflicts opened, carried over or resolved, and listeners, the
 *       export cache and the purge hook told.</li>
 * </ul>
 */
public final class IcsSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IcsSync.class);

  private final Settings settings;
  private final SyncEngine engine;
  private final ParallelSync parallel;
  private final Object poolLock = new Object();
  private @Nullable ExecutorService ownPool;
  private volatile boolean closed;
  // syncs since this instance last asked for a prune of the change log, whether a prune was asked
  // for and not started yet, and whether the prune thread is at work
  private final AtomicLong syncsSincePrune = new AtomicLong();
  private final AtomicBoolean prunePending = new AtomicBoolean();
  private final AtomicBoolean pruning = new AtomicBoolean();
  /** One exporter: it remembers the cache keys of the views it was asked for (bounded). */
  private final dev.icssync.internal.export.Exporter exporter;
  private @Nullable ExecutorService pruneExecutor;

  private IcsSync(Settings settings) {
    this.settings = settings;
    this.exporter = new dev.icssync.internal.export.Exporter(settings.store(), settings.clock(),
        settings.exportCache(), settings.config()::blocksDates);
    this.engine = new SyncEngine(settings, this::countWrittenBatch);
    this.parallel = new ParallelSync(settings.config().parallelism(), settings.config().perHostParallelism(),
        settings.clock());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The wiring this instance was built with. */
  public Settings settings() {
    return settings;
  }

  /**
   * The store this instance writes to: the raw SPI, for adapters and tests. Prefer the domain
   * operations of this class ({@link #saveFeed}, {@link #removeFeed}, {@link #reactivateFeed},
   * {@link #saveProperty}, {@link #exportTokens()}, {@link #resetFeedValidators}): writing through the
   * store directly skips what they do besides the write (export cache invalidation, CDN purge,
   * double-booking detection, cancelling a removed feed's events, the generation fence).
   */
  public Store store() {
    return settings.store();
  }

  /** Syncs one feed (conditional fetch, mass-cancel guard on). Never throws for bad input. */
  public SyncReport syncFeed(String tenant, String feedId) {
    return syncFeed(tenant, feedId, SyncMode.NORMAL);
  }

  /**
   * Syncs one feed. {@link SyncMode#RELOAD} fetches unconditionally (and confirms nothing, like the
   * deprecated {@link SyncMode#FORCE}); {@link SyncMode#DRY_RUN} returns the changes without writing
   * anything. A second
   * sync of a feed already syncing in this instance is {@code SKIPPED}. The MDC keys
   * {@code icssync.tenant}, {@code icssync.property} and {@code icssync.feed} are set meanwhile.
   */
  public SyncReport syncFeed(String tenant, String feedId, SyncMode mode) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedId, "feedId");
    Objects.requireNonNull(mode, "mode");
    return syncOne(tenant, feedId, mode, NextDue.IGNORE);
  }

  private SyncReport syncOne(String tenant, String feedId, SyncMode mode, NextDue nextDue) {
    return counted(engine.sync(tenant, feedId, mode, nextDue));
  }

  /**
   * {@link #syncFeed(String, String)} for hosts and schedulers that sync many feeds one call at a
   * time: the state write of a not-modified (304) or unchanged result, the only write such a sync
   * makes, is held and written together with other feeds' in one batch (one transaction on
   * {@code JdbcStore}) by {@link #flushStates()}, when 500 are held, when the oldest is a second old
   * (at the next sync of this instance), at the end of {@link #syncTenant}/{@link #syncAll} and on
   * {@link #close()}. This instance's own syncs see a held state at once. A crash before the flush
   * loses only those feeds' last-checked times: they are polled again. Every other result is
   * written before this returns, as by {@code syncFeed}.
   */
  public SyncReport syncFeedBatched(String tenant, String feedId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedId, "feedId");
    return countedBatched(engine.syncBatched(tenant, feedId, SyncMode.NORMAL, NextDue.IGNORE));
  }

  /**
   * Writes the held states of {@link #syncFeedBatched} now, in batches; returns how many were saved
   * (a state superseded by a newer sync of its feed is not). Never throws: a failed write is logged,
   * and its feeds are polled again.
   */
  public int flushStates() {
    return engine.flushStates();
  }

  /**
   * Counts a sync toward the next prune of the change log; when the count is reached, asks the
   * prune thread for one and returns at once: a sync never waits for a prune.
   */
  private SyncReport counted(SyncReport report) {
    countTowardPrune();
    return report;
  }

  /**
   * {@link #counted} for a sync whose state may be held for a batch: a not-modified or unchanged
   * one appends no run of its own (its batch appends one tally row per tenant, source and outcome,
   * counted by {@link #countWrittenBatch}). Counted one by one, an all-304 round of a fleet asked
   * for a prune every {@code pruneEverySyncs} syncs while the log hardly grew.
   */
  private SyncReport countedBatched(SyncReport report) {
    if (report.outcome() != SyncOutcome.NOT_MODIFIED && report.outcome() != SyncOutcome.UNCHANGED) {
      countTowardPrune();
    }
    return report;
  }

  /** A batch of held states was written: its tally rows count as one run toward the next prune. */
  private void countWrittenBatch() {
    countTowardPrune();
  }

  private void countTowardPrune() {
    int every = settings.config().pruneEverySyncs();
    if (every > 0 && syncsSincePrune.incrementAndGet() >= every) {
      syncsSincePrune.addAndGet(-every);
      prunePending.set(true);
      startPruning();
    }
  }

  /**
   * Starts the prune thread unless it is running: one prune at a time per instance, on a thread of
   * its own, in the store's small batches (each a short transaction, so syncs go on meanwhile).
   * Requests that come while it runs are folded into one more prune after it, so the last request
   * is always served.
   */
  private void startPruning() {
    if (!pruning.compareAndSet(false, true)) {
      return;
    }
    ExecutorService executor;
    synchronized (poolLock) {
      if (closed) {
        pruning.set(false);
        return;
      }
      if (pruneExecutor == null) {
        ThreadPoolExecutor single = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "ics-sync-prune");
              t.setDaemon(true);
              return t;
            });
        single.allowCoreThreadTimeOut(true);
        pruneExecutor = single;
      }
      executor = pruneExecutor;
    }
    try {
      executor.execute(this::pruneWhileRequested);
    } catch (RejectedExecutionException e) {
      pruning.set(false); // closed meanwhile
    }
  }

  private void pruneWhileRequested() {
    try {
      while (prunePending.getAndSet(false) && !closed) {
        try {
          long deleted = pruneHistoryNow();
          log.debug("pruned {} sync runs", deleted);
        } catch (RuntimeException e) {
          log.warn("pruning the sync history failed; the next prune tries again: {}", e.toString());
        }
      }
    } finally {
      pruning.set(false);
    }
    // a request that came between the last check and the reset above
    if (prunePending.get() && !closed) {
      startPruning();
    }
  }

  /**
   * Deletes the change log's runs that {@link SyncConfig#historyRetention()} no longer keeps, of
   * every tenant, in batches; returns how many. The engine also does this by itself every
   * {@link SyncConfig#pruneEverySyncs()} syncs; call it from the host's own schedule when that is 0,
   * or when syncs are rare.
   *
   * @throws IcsSyncException.StorageException when the store fails (what was deleted stays deleted)
   */
  public long pruneHistory() {
    return pruneHistoryNow();
  }

  private long pruneHistoryNow() {
    return settings.store().pruneRuns(settings.config().historyRetention(), settings.clock().instant());
  }

  /**
   * Confirms the cancellations the mass-cancel guard holds back for one feed, an operator's explicit
   * act (there is no tenant-wide or global form). The feed is fetched now, unconditionally; when it
   * still returns the result that is held back (the same set of cancellations), that result is
   * applied at once and the quarantine lifted: the report is {@code APPLIED} and its
   * {@link SyncReport#changes() changes} hold one {@link ChangeEvent.Cancelled} per cancelled event
   * (counted in {@code counts().cancelled()}). When the feed returns something else, nothing is
   * confirmed: a result that is no longer suspicious is applied as usual, a different suspicious one
   * is held back in its place ({@code QUARANTINED}, count one); a failed fetch is a failed report.
   * {@code SKIPPED} when the feed holds nothing back, is inactive or unknown. Never throws for bad
   * input.
   *
   * <pre>{@code
   * SyncReport r = sync.confirmQuarantine("tenant-1", "feed-42");
   * r.changes().stream().filter(c -> c instanceof ChangeEvent.Cancelled).forEach(System.out::println);
   * }</pre>
   */
  public SyncReport confirmQuarantine(String tenant, String feedId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedId, "feedId");
    return counted(engine.confirmQuarantine(tenant, feedId));
  }

  /**
   * Syncs one feed if it is due ({@link NextDue#HONOUR}), else reports it {@code SKIPPED} with
   * {@code not due until <instant>} without fetching; with {@link NextDue#IGNORE}, the same as
   * {@link #syncFeed(String, String, SyncMode)}.
   */
  public SyncReport syncFeed(String tenant, String feedId, SyncMode mode, NextDue nextDue) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedId, "feedId");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(nextDue, "nextDue");
    return syncOne(tenant, feedId, mode, nextDue);
  }

  /**
   * Syncs the active feeds of a tenant that are due ({@link NextDue#HONOUR}), in parallel (bounded);
   * one report per active feed, in feed-id order, those not due {@code SKIPPED}.
   */
  public List<SyncReport> syncTenant(String tenant) {
    return syncTenant(tenant, NextDue.HONOUR);
  }

  /**
   * Syncs the active feeds of a tenant in parallel (bounded): only those that are due, or every one
   * with {@link NextDue#IGNORE}. One report per active feed, in feed-id order.
   */
  public List<SyncReport> syncTenant(String tenant, NextDue nextDue) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(nextDue, "nextDue");
    return syncFeeds(settings.store().feeds(tenant), nextDue);
  }

  /**
   * Syncs the active feeds of every tenant that are due ({@link NextDue#HONOUR}), in parallel
   * (bounded); one report per active feed, in tenant, feed-id order, those not due {@code SKIPPED}.
   */
  public List<SyncReport> syncAll() {
    return syncAll(NextDue.HONOUR);
  }

  /** {@link #syncAll()}, or every active feed whatever its next due time with {@link NextDue#IGNORE}. */
  public List<SyncReport> syncAll(NextDue nextDue) {
    Objects.requireNonNull(nextDue, "nextDue");
    return syncFeeds(settings.store().allFeeds(), nextDue);
  }

  /**
   * Syncs the given feeds in parallel (bounded), as {@link #syncAll(NextDue)} syncs every feed: for
   * hosts and schedulers that already hold the list of feeds to sync (a page of a larger fleet, the
   * feeds of one shard). The feeds are read again with their states a few hundred at a time, just
   * before they sync ({@link dev.icssync.spi.FeedStore#feedsWithStates}, one statement per chunk
   * and tenant on {@code JdbcStore}), so a not-modified (304) sync makes no read of its own, and its
   * state is written in a batch with its neighbours' before this returns. A feed removed or
   * deactivated since the list was read is reported {@code SKIPPED}; a state changed since its
   * chunk was read (another node synced the feed) wins: this sync is then {@code STALE} or its
   * state is dropped, never written over the newer one. One report per active feed of the list, in
   * its order; inactive ones are left out.
   *
   * <pre>{@code
   * List<Feed> page = sync.store().feeds("tenant-1").subList(0, 1_000);
   * List<SyncReport> reports = sync.syncFeeds(page, NextDue.HONOUR);
   * }</pre>
   */
  public List<SyncReport> syncFeeds(List<Feed> feeds, NextDue nextDue) {
    Objects.requireNonNull(feeds, "feeds");
    Objects.requireNonNull(nextDue, "nextDue");
    List<Feed> active = feeds.stream().filter(Feed::active).toList();
    if (active.isEmpty()) {
      return List.of();
    }
    FeedPrefetch prefetch = new FeedPrefetch(settings.store(), active, FeedPrefetch.CHUNK);
    try {
      return parallel.run(active, executor(), (i, f) -> {
        FeedWithState read = prefetch.take(i);
        return countedBatched(read != null ? engine.syncBatched(read, nextDue)
            : engine.syncBatched(f.tenant(), f.id(), SyncMode.NORMAL, nextDue));
      });
    } finally {
      engine.flushStates();
    }
  }

  private ExecutorService executor() {
    ExecutorService host = settings.executor();
    if (host != null) {
      return host;
    }
    synchronized (poolLock) {
      if (closed) {
        throw new IllegalStateException("this IcsSync is closed");
      }
      if (ownPool == null) {
        int n = settings.config().parallelism();
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "ics-sync-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
        pool.allowCoreThreadTimeOut(true);
        ownPool = pool;
      }
      return ownPool;
    }
  }

  /**
   * Forgets a feed's HTTP validators (ETag, Last-Modified) and the digest of its last applied body,
   * so its next sync fetches unconditionally and applies the full body: for a store whose events
   * were wiped or restored while the feed state was kept, which would otherwise stay on "not
   * modified" or "unchanged digest". Quarantine, failure count and the generation are kept (held-back
   * cancellations still need confirmation or {@link #confirmQuarantine}). A sync of the feed running
   * meanwhile may store validators again; reset before syncing, not during. Unlike a one-off
   * {@link SyncMode#RELOAD}, the reset is stored, so whichever sync comes next (a scheduler's
   * {@link #syncAll()}, another node) reads the full body.
   *
   * @return the feed's state after the reset, or empty when the tenant has no feed of that id
   */
  public Optional<FeedState> resetFeedValidators(String tenant, String feedId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedId, "feedId");
    Store store = settings.store();
    if (store.feed(tenant, feedId).isEmpty()) {
      return Optional.empty();
    }
    for (int attempt = 1; ; attempt++) {
      FeedState current = store.state(tenant, feedId);
      FeedState reset = current.withoutValidators();
      if (reset.equals(current)) {
        return Optional.of(current);
      }
      try {
        // Same generation as stored: the store's fence rejects this only if a sync began meanwhile.
        store.apply(FeedApply.stateOnly(reset, null));
        return Optional.of(reset);
      } catch (IcsSyncException.StaleGenerationException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** Conflicts of a tenant's property (any status), ordered by opened time. */
  public List<Conflict> conflicts(String tenant, String property) {
    return settings.store().conflicts(tenant, property, null);
  }

  /** Open (not resolved, not ignored) conflicts of a tenant, every property. */
  public List<Conflict> openConflicts(String tenant) {
    return settings.store().conflicts(tenant, null, ConflictStatus.OPEN);
  }

  /**
   * Marks a conflict ignored by an operator: it stays ignored while the overlap lasts, and is
   * resolved when it goes away. Empty when the tenant has no conflict of that id.
   */
  public Optional<Conflict> ignoreConflict(String tenant, String conflictId) {
    return engine.ignore(tenant, conflictId);
  }

  /**
   * Takes back {@link #ignoreConflict}: an ignored conflict is open again (alerts and
   * {@link #openConflicts} count it), with its first detection time. A conflict that is not ignored
   * is returned as it is. Empty when the tenant has no conflict of that id.
   */
  public Optional<Conflict> unignoreConflict(String tenant, String conflictId) {
    return engine.unignore(tenant, conflictId);
  }

  /**
   * Runs double-booking detection for one property now (for example after its time zone or
   * check-in/check-out times changed) and returns the conflicts opened and resolved.
   */
  public List<ChangeEvent> detectConflicts(String tenant, String property) {
    return engine.detect(tenant, property, settings.clock().instant()).changes();
  }

  /**
   * Adds a feed, or updates the one with its tenant and id (URL, interval, priority, active). A
   * property the tenant has no settings for yet gets {@link PropertySettings#defaults} (UTC, 15:00
   * and 11:00), so the feed can be synced at once.
   */
  public void saveFeed(Feed feed) {
    Objects.requireNonNull(feed, "feed");
    Store store = settings.store();
    store.saveFeed(feed);
    if (store.property(feed.tenant(), feed.property()).isEmpty()) {
      store.saveProperty(PropertySettings.defaults(feed.tenant(), feed.property()));
    }
  }

  /** The tenant's feed of that id, active or not. */
  public Optional<Feed> feed(String tenant, String feedId) {
    return settings.store().feed(Objects.requireNonNull(tenant, "tenant"), Objects.requireNonNull(feedId, "feedId"));
  }

  /** The tenant's feeds, active or not. */
  public List<Feed> feeds(String tenant) {
    return settings.store().feeds(Objects.requireNonNull(tenant, "tenant"));
  }

  /** What the library remembers of the feed between syncs ({@link FeedState#initial} before the first). */
  public FeedState feedState(String tenant, String feedId) {
    return settings.store().state(Objects.requireNonNull(tenant, "tenant"), Objects.requireNonNull(feedId, "feedId"));
  }

  /**
   * Removes a feed: it is deactivated (never fetched again) and its active events are cancelled in
   * one apply under a new generation (a sync of it still running is rejected as stale), so they
   * leave exports and conflicts; the property's exports are invalidated and detection runs again.
   * Rows are kept as history, never deleted; {@link #reactivateFeed} brings the feed back.
   *
   * @return the number of events cancelled, or empty when the tenant has no feed of that id
   */
  public java.util.OptionalInt removeFeed(String tenant, String feedId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedId, "feedId");
    return engine.removeFeed(tenant, feedId);
  }

  /**
   * Reactivates a removed (or paused) feed and {@linkplain #resetFeedValidators resets its
   * validators}, so its next sync reads the full body and reinstates the events still in it.
   *
   * @return the feed as saved, or empty when the tenant has no feed of that id
   */
  public Optional<Feed> reactivateFeed(String tenant, String feedId) {
    Optional<Feed> found = feed(tenant, feedId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Feed active = found.get().withActive(true);
    settings.store().saveFeed(active);
    resetFeedValidators(tenant, feedId);
    return Optional.of(active);
  }

  /** A property's time zone and check-in/check-out times, when saved. */
  public Optional<PropertySettings> property(String tenant, String property) {
    return settings.store().property(Objects.requireNonNull(tenant, "tenant"),
        Objects.requireNonNull(property, "property"));
  }

  /**
   * Saves a property's time zone and check-in/check-out times. When they differ from the stored
   * ones, the property's cached exports are dropped, the {@link Settings#purgeHook() purge hook} is
   * told its surrogate keys, and double-booking detection runs again with the new settings.
   * Prefer this to {@code store().saveProperty(...)}, which does none of that.
   *
   * @return the conflicts opened and resolved by the new settings
   */
  public List<ChangeEvent> saveProperty(PropertySettings propertySettings) {
    Objects.requireNonNull(propertySettings, "propertySettings");
    return engine.saveProperty(propertySettings);
  }

  /**
   * Renders the export of a view: deterministic RFC 5545 bytes (same stored events and day, same
   * bytes), cached in {@link Settings#exportCache()} until a sync or {@link #saveProperty} changes
   * the property. Only events that block dates ({@link SyncConfig#blocksDates}, the rule double-booking
   * detection follows too) are exported.
   */
  public ExportedCalendar export(ExportView view) {
    return exporter.export(view);
  }

  /**
   * The export of {@code view} from memory alone, or empty when it needs more (a store read or a
   * render): then call {@link #export}. Present only with a store that tells its
   * {@link dev.icssync.spi.FeedStore#tokenRevision()} (an in-memory one), when the revision has not
   * moved since {@link #export} last read the property, and when the export cache holds today's
   * render; so never older than {@link #export} would answer. Reads no store beyond its revision;
   * the export cache is asked (a remote cache over the network). For a server thread that must not
   * block, see {@code ExportHttpServer}.
   */
  public Optional<ExportedCalendar> exportIfCached(ExportView view) {
    return exporter.cached(view);
  }

  /** Create, rotate, revoke and resolve the secret tokens of export URLs. */
  public ExportTokens exportTokens() {
    return ExportTokens.create(settings.store(), settings.clock(), settings.purgeHook());
  }

  /**
   * Writes the held states ({@link #flushStates()}) and stops the executors this instance created,
   * the sync pool and the prune thread (a host-supplied executor is left alone). A prune under way
   * runs to its end on its own (daemon) thread; no new one starts.
   */
  @Override
  public void close() {
    engine.flushStates();
    ExecutorService pool;
    ExecutorService prune;
    synchronized (poolLock) {
      closed = true;
      pool = ownPool;
      ownPool = null;
      prune = pruneExecutor;
      pruneExecutor = null;
    }
    if (pool != null) {
      pool.shutdown();
    }
    if (prune != null) {
      prune.shutdown();
    }
  }

  /**
   * The wiring of an {@link IcsSync}: read-only, made only by {@link Builder#build()}.
   *
   * <p>A final class rather than a record: the wiring gains settings over time, and a record's
   * canonical constructor would break every host that called it. Its accessors keep the record
   * style ({@code store()}, {@code config()}, ...).
   */
  public static final class Settings {
    private final Store store;
    private final FeedFetcher fetcher;
    private final ConflictPolicy conflictPolicy;
    private final List<SyncListener> listeners;
    private final List<ChannelProfile> profiles;
    private final Clock clock;
    private final @Nullable ExecutorService executor;
    private final SyncConfig config;
    private final ExportCache exportCache;
    private final PurgeHook purgeHook;
    private final SyncLimiter limiter;

    private Settings(Builder b, Store store, FeedFetcher fetcher) {
      this.store = store;
      this.fetcher = fetcher;
      this.conflictPolicy = b.conflictPolicy;
      this.listeners = List.copyOf(b.listeners);
      this.profiles = List.copyOf(b.profiles);
      this.clock = b.clock;
      this.executor = b.executor;
      this.config = b.config;
      this.exportCache = b.exportCache;
      this.purgeHook = b.purgeHook;
      this.limiter = b.limiter;
    }

    /** Storage. */
    public Store store() {
      return store;
    }

    /** Feed fetcher. */
    public FeedFetcher fetcher() {
      return fetcher;
    }

    /** Marks conflict winners. */
    public ConflictPolicy conflictPolicy() {
      return conflictPolicy;
    }

    /** Told about syncs and changes after commit, in the order added. */
    public List<SyncListener> listeners() {
      return listeners;
    }

    /** Channel profiles (the host's; they take precedence over built-in ones). */
    public List<ChannelProfile> profiles() {
      return profiles;
    }

    /** Time source. */
    public Clock clock() {
      return clock;
    }

    /** Host-supplied executor for parallel syncs, or null for our own bounded pool. */
    public @Nullable ExecutorService executor() {
      return executor;
    }

    /** Engine settings. */
    public SyncConfig config() {
      return config;
    }

    /** Cache of rendered exports. */
    public ExportCache exportCache() {
      return exportCache;
    }

    /** Told surrogate keys after a sync changes a property. */
    public PurgeHook purgeHook() {
      return purgeHook;
    }

    /** Per-tenant sync admission. */
    public SyncLimiter limiter() {
      return limiter;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Settings s
          && store.equals(s.store) && fetcher.equals(s.fetcher) && conflictPolicy.equals(s.conflictPolicy)
          && listeners.equals(s.listeners) && profiles.equals(s.profiles) && clock.equals(s.clock)
          && Objects.equals(executor, s.executor) && config.equals(s.config)
          && exportCache.equals(s.exportCache) && purgeHook.equals(s.purgeHook) && limiter.equals(s.limiter);
    }

    @Override
    public int hashCode() {
      return Objects.hash(store, fetcher, conflictPolicy, listeners, profiles, clock, executor, config,
          exportCache, purgeHook, limiter);
    }

    @Override
    public String toString() {
      return "Settings[store=" + store + ", fetcher=" + fetcher + ", conflictPolicy=" + conflictPolicy
          + ", listeners=" + listeners + ", profiles=" + profiles + ", clock=" + clock
          + ", executor=" + executor + ", config=" + config + ", exportCache=" + exportCache
          + ", purgeHook=" + purgeHook + ", limiter=" + limiter + "]";
    }
  }

  /** Explicit wiring. Only {@link #store} and {@link #fetcher} are required. */
  public static final class Builder {
    private @Nullable Store store;
    private @Nullable FeedFetcher fetcher;
    private ConflictPolicy conflictPolicy = ConflictPolicy.firstSeenWins();
    private final List<SyncListener> listeners = new ArrayList<>();
    private final List<ChannelProfile> profiles = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private @Nullable ExecutorService executor;
    private SyncConfig config = SyncConfig.defaults();
    private ExportCache exportCache = ExportCache.none();
    private PurgeHook purgeHook = PurgeHook.none();
    private SyncLimiter limiter = SyncLimiter.unlimited();
    private long tenantBandwidth;

    private Builder() {}

    public Builder store(Store value) {
      this.store = Objects.requireNonNull(value, "store");
      return this;
    }

    public Builder fetcher(FeedFetcher value) {
      this.fetcher = Objects.requireNonNull(value, "fetcher");
      return this;
    }

    public Builder conflictPolicy(ConflictPolicy value) {
      this.conflictPolicy = Objects.requireNonNull(value, "conflictPolicy");
      return this;
    }

    /** Adds a listener; listeners are called in the order added. */
    public Builder listener(SyncListener value) {
      this.listeners.add(Objects.requireNonNull(value, "listener"));
      return this;
    }

    /** Adds a channel profile; it takes precedence over a built-in one of the same source. */
    public Builder profile(ChannelProfile value) {
      this.profiles.add(Objects.requireNonNull(value, "profile"));
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Runs parallel syncs on the host's executor (for example virtual threads on Java 21+). */
    public Builder executor(ExecutorService value) {
      this.executor = Objects.requireNonNull(value, "executor");
      return this;
    }

    public Builder config(SyncConfig value) {
      this.config = Objects.requireNonNull(value, "config");
      return this;
    }

    public Builder exportCache(ExportCache value) {
      this.exportCache = Objects.requireNonNull(value, "exportCache");
      return this;
    }

    public Builder purgeHook(PurgeHook value) {
      this.purgeHook = Objects.requireNonNull(value, "purgeHook");
      return this;
    }

    public Builder limiter(SyncLimiter value) {
      this.limiter = Objects.requireNonNull(value, "limiter");
      return this;
    }

    /**
     * Keeps each tenant's feed bytes under {@code bytesPerSecond}, shared by every thread of this
     * instance (a token bucket per tenant that saves nothing up: no burst after an idle spell): a
     * tenant's fetches wait for the bytes it already fetched to be paid for at that rate, so they slow
     * down and never fail for it. In any stretch of time a tenant fetches at most the rate's bytes plus
     * the bodies already under way, one per fetching thread. Bodies count as the fetcher returns
     * them; a 304 costs nothing. 0, the default, is no limit. The limit holds within this instance:
     * for one limit across several processes, leave this at 0 and wrap the fetcher with
     * {@code RedisCaches.tenantBandwidth} (module ics-sync-cache).
     *
     * <pre>{@code
     * IcsSync.builder().store(store).fetcher(fetcher).tenantBandwidth(10_000_000).build(); // 10 MB/s a tenant
     * }</pre>
     */
    public Builder tenantBandwidth(long bytesPerSecond) {
      this.tenantBandwidth = bytesPerSecond;
      return this;
    }

    public IcsSync build() {
      if (store == null) {
        throw new IcsSyncException.ConfigurationException("store must be set");
      }
      if (fetcher == null) {
        throw new IcsSyncException.ConfigurationException("fetcher must be set");
      }
      if (tenantBandwidth < 0) {
        throw new IcsSyncException.ConfigurationException("tenantBandwidth must not be negative, was "
            + tenantBandwidth);
      }
      FeedFetcher f = tenantBandwidth == 0 ? fetcher : new TenantBandwidth(fetcher, tenantBandwidth);
      return new IcsSync(new Settings(this, store, f));
    }
  }
}
