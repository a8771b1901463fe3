package dev.icssync.internal.engine;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeCounts;
import dev.icssync.ChangeEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.DateRange;
import dev.icssync.Diagnostic;
import dev.icssync.EventKey;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException;
import dev.icssync.NextDue;
import dev.icssync.PropertySettings;
import dev.icssync.Quarantine;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.SyncRun;
import dev.icssync.SyncTimings;
import dev.icssync.ical.IcalParser;
import dev.icssync.ical.ParseOptions;
import dev.icssync.ical.ParseResult;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.internal.StorableText;
import dev.icssync.internal.conflict.ConflictDetector;
import dev.icssync.internal.conflict.ConflictLifecycle;
import dev.icssync.internal.profile.Identities;
import dev.icssync.internal.profile.ProfileRegistry;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FeedWithState;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.StateUpdate;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncListener;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the sync of one feed: limiter, per-feed lock, a read of the state, fetch with the stored
 * validators, semantic digest (a 304 or an unchanged digest ends here: its new state is the one
 * write, fenced by the state read and possibly batched), then {@code beginSync} from the generation
 * read (fencing), parse, channel profile, diff, one atomic apply,
 * conflict detection for the property, then listeners, export cache and purge hook. Never throws for
 * bad input: every failure is a {@link SyncReport}.
 */
public final class SyncEngine {
  /** MDC keys set around each sync (never the URL). */
  public static final String MDC_TENANT = "icssync.tenant";
  public static final String MDC_PROPERTY = "icssync.property";
  public static final String MDC_FEED = "icssync.feed";

  /**
   * Version of the engine's reading (the parser's included); part of the stored parser version. 2:
   * all-day overrides by UTC midnight, EXRULE, COUNT from DTSTART, display-name zones, rule identities.
   */
  static final int ENGINE_VERSION = 2;

  private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);

  private final IcsSync.Settings settings;
  private final Store store;
  private final ProfileRegistry profiles;
  private final int readingVersion;
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final PendingStates pending;
  private final Object[] propertyLocks = new Object[64];

  /** @param batchWritten told after each batch of held states is written (from the writing thread) */
  public SyncEngine(IcsSync.Settings settings, Runnable batchWritten) {
    this.settings = settings;
    this.store = settings.store();
    this.profiles = new ProfileRegistry(settings.profiles());
    this.pending = new PendingStates(store, batchWritten);
    this.readingVersion = (ENGINE_VERSION * 1_000_003 + profiles.version()) & 0x7fffffff;
    for (int i = 0; i < propertyLocks.length; i++) {
      propertyLocks[i] = new Object();
    }
  }

  public ProfileRegistry profiles() {
    return profiles;
  }

  /** The version stored in {@link FeedState#parserVersion()} by this engine. */
  public int readingVersion() {
    return readingVersion;
  }

  /** Syncs one feed, whatever its next due time. Never throws for bad input or adapter failures. */
  public SyncReport sync(String tenant, String feedId, SyncMode mode) {
    return sync(tenant, feedId, mode, NextDue.IGNORE);
  }

  /**
   * Syncs one quarantined feed with the operator's confirmation: an unconditional fetch whose
   * result, when it is the one held back, is applied with its cancellations. {@code SKIPPED} when
   * the feed holds nothing back.
   */
  public SyncReport confirmQuarantine(String tenant, String feedId) {
    return sync(tenant, feedId, SyncMode.RELOAD, NextDue.IGNORE, true);
  }

  /**
   * Syncs one feed; with {@link NextDue#HONOUR} a feed not due yet is {@code SKIPPED} before anything
   * else (no limiter admission, no fetch, no write, no listener: it is no sync attempt). Never throws
   * for bad input or adapter failures.
   */
  public SyncReport sync(String tenant, String feedId, SyncMode mode, NextDue nextDue) {
    return sync(tenant, feedId, mode, nextDue, false, false);
  }

  /**
   * {@link #sync(String, String, SyncMode, NextDue)}, except that the state of a not-modified or
   * unchanged result is held to be written in a batch with other feeds' ({@link #flushStates}).
   */
  public SyncReport syncBatched(String tenant, String feedId, SyncMode mode, NextDue nextDue) {
    return sync(tenant, feedId, mode, nextDue, false, true);
  }

  /** Writes the held states of not-modified and unchanged syncs; returns how many were saved. */
  public int flushStates() {
    return pending.flush();
  }

  /**
   * {@link #syncBatched(String, String, SyncMode, NextDue)} of a feed read with its state just before
   * ({@link dev.icssync.spi.FeedStore#feedsWithStates}): no read at all before the fetch. The state
   * may be older than the stored one by now; the sync's writes are fenced by it, so it can only be
   * rejected ({@code STALE}, or its held state dropped), never overwrite a newer one.
   */
  public SyncReport syncBatched(FeedWithState read, NextDue nextDue) {
    return sync(read.feed().tenant(), read.feed().id(), read, SyncMode.NORMAL, nextDue, false, true);
  }

  private SyncReport sync(String tenant, String feedId, SyncMode mode, NextDue nextDue, boolean confirm) {
    return sync(tenant, feedId, mode, nextDue, confirm, false);
  }

  private SyncReport sync(String tenant, String feedId, SyncMode mode, NextDue nextDue, boolean confirm,
      boolean batched) {
    return sync(tenant, feedId, null, mode, nextDue, confirm, batched);
  }

  private SyncReport sync(String tenant, String feedId, @Nullable FeedWithState prefetched, SyncMode mode,
      NextDue nextDue, boolean confirm, boolean batched) {
    Instant startedAt = settings.clock().instant();
    long t0 = System.nanoTime();
    Optional<Feed> found;
    try {
      found = prefetched != null ? Optional.of(prefetched.feed()) : store.feed(tenant, feedId);
    } catch (RuntimeException e) {
      log.warn("sync of feed {} could not read the feed: {}", feedId, e.toString());
      return SyncReport.builder()
          .feedId(feedId)
          .tenant(tenant)
          .outcome(SyncOutcome.FAILED)
          .failure(FailureReason.STORAGE)
          .message("could not read the feed: " + e.getClass().getSimpleName())
          .startedAt(startedAt)
          .build();
    }
    if (found.isEmpty()) {
      return SyncReport.builder()
          .feedId(feedId)
          .tenant(tenant)
          .outcome(SyncOutcome.SKIPPED)
          .message("no such feed")
          .startedAt(startedAt)
          .build();
    }
    Feed feed = found.get();
    String oldTenant = MDC.get(MDC_TENANT);
    String oldProperty = MDC.get(MDC_PROPERTY);
    String oldFeed = MDC.get(MDC_FEED);
    MDC.put(MDC_TENANT, tenant);
    MDC.put(MDC_PROPERTY, feed.property());
    MDC.put(MDC_FEED, feedId);
    try {
      Attempt a = new Attempt(feed, mode, confirm, startedAt, t0);
      a.batched = batched;
      a.read = prefetched != null ? prefetched.state() : null;
      if (!feed.active()) {
        return finish(a, a.skipped("feed is inactive"));
      }
      if (nextDue == NextDue.HONOUR) {
        FeedState current;
        try {
          if (a.read == null) {
            // read once: the sync starts from this state too (its writes are fenced by it)
            a.read = store.state(tenant, feedId);
          }
          current = pending.overlay(a.read);
        } catch (RuntimeException e) {
          log.warn("sync of feed {} could not read the feed's state: {}", feedId, e.toString());
          return a.report(SyncOutcome.FAILED, FailureReason.STORAGE,
              "could not read the feed's state: " + e.getClass().getSimpleName(), ChangeCounts.NONE, List.of());
        }
        if (!current.isDue(startedAt)) {
          // not a sync attempt: no limiter admission, no write, no listener (a host polls often)
          log.debug("feed {} is not due until {}", feedId, current.nextDue());
          return a.skipped("not due until " + current.nextDue());
        }
      }
      boolean admitted;
      try {
        admitted = settings.limiter().tryAcquire(tenant);
      } catch (RuntimeException e) {
        log.warn("sync limiter failed; admitting the sync", e);
        admitted = true;
      }
      if (!admitted) {
        return finish(a, a.skipped("refused by the sync limiter"));
      }
      String lockKey = tenant + '\u0000' + feedId;
      if (!running.add(lockKey)) {
        return finish(a, a.skipped("a sync of this feed is already running"));
      }
      try {
        for (SyncListener l : settings.listeners()) {
          try {
            l.onSyncStarted(feed);
          } catch (RuntimeException e) {
            log.warn("sync listener {} failed in onSyncStarted", l.getClass().getName(), e);
          }
        }
        SyncReport report;
        try {
          report = runLocked(a);
        } catch (IcsSyncException.StaleGenerationException e) {
          report = a.report(SyncOutcome.STALE, null, "a newer sync of this feed started; this one was rejected",
              ChangeCounts.NONE, List.of());
        } catch (IcsSyncException.StorageException e) {
          log.warn("sync of feed {} failed in the store: {}", feedId, e.toString());
          report = failedMidway(a, FailureReason.STORAGE, "store failed: " + e.getClass().getSimpleName());
        } catch (RuntimeException e) {
          log.warn("sync of feed {} failed unexpectedly", feedId, e);
          report = failedMidway(a, FailureReason.INTERNAL, "unexpected " + e.getClass().getSimpleName());
        }
        return finish(a, report);
      } finally {
        running.remove(lockKey);
      }
    } finally {
      restore(MDC_TENANT, oldTenant);
      restore(MDC_PROPERTY, oldProperty);
      restore(MDC_FEED, oldFeed);
    }
  }

  private static void restore(String key, @Nullable String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  private SyncReport runLocked(Attempt a) {
    Feed feed = a.feed;
    boolean dryRun = a.mode == SyncMode.DRY_RUN;
    Instant now = a.startedAt;
    if (a.confirm && store.state(feed.tenant(), feed.id()).quarantine() == null) {
      return a.skipped("no cancellations are held back: nothing to confirm");
    }
    // No write before the fetch: most polls are a 304 or an unchanged body, whose only write is the
    // new state, fenced by what was read here (see StateUpdate). Anything else begins the sync (the
    // generation fence) after the fetch, and only if no other sync began or finished meanwhile.
    FeedState read = a.read != null ? a.read : store.state(feed.tenant(), feed.id());
    FeedState state = dryRun ? read : pending.overlay(read);
    a.stored = read;
    a.state = state;

    // Validators only when the stored data reflects the last body: never while quarantined (the same
    // suspicious body must be seen again to count as a confirmation), never on a reload or dry run
    // (FORCE is a reload).
    boolean conditional = a.mode == SyncMode.NORMAL && state.quarantine() == null && state.contentDigest() != null
        && state.parserVersion() == readingVersion;
    FetchRequest request = conditional
        ? new FetchRequest(feed, state.etag(), state.lastModified())
        : FetchRequest.unconditional(feed);
    long tf = System.nanoTime();
    FetchResult result;
    try {
      result = settings.fetcher().fetch(request);
    } catch (RuntimeException e) {
      log.warn("fetcher threw for feed {} ({}): {}", feed.id(), feed.redactedUrl(), e.getClass().getName());
      result = FetchResult.Failed.of(FailureReason.INTERNAL, "fetcher threw " + e.getClass().getSimpleName());
    }
    a.fetch = Duration.ofNanos(System.nanoTime() - tf);
    a.permanentRedirect = result.permanentRedirect();

    if (result instanceof FetchResult.Failed f) {
      a.retryAfter = f.retryAfter();
      begin(a);
      return fail(a, f.reason(), f.message(), f.retryAfter());
    }
    if (result instanceof FetchResult.NotModified nm) {
      if (dryRun) {
        return a.report(SyncOutcome.DRY_RUN, null, "not modified", ChangeCounts.NONE, List.of());
      }
      FeedState next = success(a, state, nm.etag() != null ? nm.etag() : state.etag(),
          nm.lastModified() != null ? nm.lastModified() : state.lastModified(), state.contentDigest(),
          state.parserVersion(), state.quarantine(), now);
      return stateOnly(a, next, SyncOutcome.NOT_MODIFIED, "not modified (304)");
    }
    FetchResult.Fetched fetched = (FetchResult.Fetched) result;
    a.bytes = fetched.bodyLength();
    // No calendar at all is a failure whatever the fetcher: an empty answer is what a channel's
    // glitch looks like. Checked before the digest, which an older version may have stored for it.
    if (fetched.isBlank()) {
      begin(a);
      return fail(a, FailureReason.EMPTY_BODY, "the body is " + (a.bytes == 0 ? "empty" : "blank")
          + ", not a calendar (a calendar without events has BEGIN:VCALENDAR and END:VCALENDAR)", null);
    }
    byte[] body = fetched.body(); // the one copy this sync takes; the result itself stays immutable
    String digest = SemanticDigest.of(body);
    if (a.mode == SyncMode.NORMAL && state.quarantine() == null && digest.equals(state.contentDigest())
        && state.parserVersion() == readingVersion) {
      FeedState next = success(a, state, fetched.etag(), fetched.lastModified(), digest, readingVersion, null, now);
      return stateOnly(a, next, SyncOutcome.UNCHANGED, "unchanged (same content digest)");
    }

    if (!dryRun) {
      state = begin(a);
    }

    // Parse and read with the channel profile.
    long tp = System.nanoTime();
    PropertySettings property = propertySettings(feed.tenant(), feed.property());
    ZoneId zone = property.zone();
    Instant windowStart = now.minus(settings.config().windowBack());
    Instant windowEnd = now.plus(settings.config().windowAhead());
    ParseResult parsed;
    try {
      ParseOptions options = ParseOptions.builder().window(windowStart, windowEnd).defaultZone(zone)
          .charset(fetched.charset()).build();
      parsed = IcalParser.create(options).parse(body);
    } catch (IcsSyncException.ParseException e) {
      a.parse = Duration.ofNanos(System.nanoTime() - tp);
      FailureReason reason = switch (e.failure()) {
        case NOT_A_CALENDAR -> FailureReason.NOT_A_CALENDAR;
        case TOO_LARGE -> FailureReason.TOO_LARGE;
        default -> FailureReason.PARSE_ERROR;
      };
      return fail(a, reason, e.failure() + ": " + e.getMessage(), null);
    } catch (RuntimeException e) {
      a.parse = Duration.ofNanos(System.nanoTime() - tp);
      log.warn("parser failed unexpectedly on feed {}", feed.id(), e);
      return fail(a, FailureReason.PARSE_ERROR, "unexpected parser error: " + e.getClass().getSimpleName(), null);
    }
    a.diagnostics = parsed.diagnostics();
    if (parsed.empty()) {
      a.parse = Duration.ofNanos(System.nanoTime() - tp);
      return fail(a, FailureReason.EMPTY_BODY, "the body holds no calendar (no content line)", null);
    }
    if (parsed.truncated()) {
      // events after the cut would read as cancelled ones
      a.parse = Duration.ofNanos(System.nanoTime() - tp);
      return fail(a, FailureReason.PARSE_ERROR,
          "truncated: the body ends inside a component (no END:VCALENDAR); nothing applied", null);
    }
    ChannelProfile profile = profiles.resolve(feed.source(), parsed.prodId(), sampleUids(parsed.events()));
    List<Diagnostic> readNotes = new ArrayList<>();
    List<Incoming> incoming = read(feed, profile, parsed, LocalDate.ofInstant(now, zone), readNotes);
    if (!readNotes.isEmpty()) {
      readNotes.addAll(0, a.diagnostics);
      a.diagnostics = readNotes;
    }
    a.parse = Duration.ofNanos(System.nanoTime() - tp);

    // Diff against the store.
    long td = System.nanoTime();
    List<CalendarEvent> stored = store.eventsOfFeed(feed.tenant(), feed.id());
    FeedDiff.Result diff = FeedDiff.compute(new FeedDiff.Params(feed, now, zone, windowEnd,
        settings.config().massCancelShare(), settings.config().quarantineConfirmations(),
        settings.config().quarantineMinSpan(), a.confirm, state.quarantine()), stored, incoming);
    a.diff = Duration.ofNanos(System.nanoTime() - td);

    if (dryRun) {
      return a.report(SyncOutcome.DRY_RUN, null, "dry run: " + describe(diff.counts(), diff.heldBack()),
          diff.counts(), diff.changes());
    }

    SyncOutcome outcome = diff.heldBack() ? SyncOutcome.QUARANTINED : SyncOutcome.APPLIED;
    String message = describe(diff.counts(), diff.heldBack())
        + (diff.quarantine() != null ? " (" + diff.quarantine().reason() + ")" : "")
        + (a.confirm && diff.heldBack() ? "; nothing confirmed: the feed no longer returns the result that was"
            + " held back, this new one is held back in its place" : "");
    // While quarantined the digest is not stored: the same suspicious body must be parsed again.
    FeedState next = success(a, state, fetched.etag(), fetched.lastModified(), diff.heldBack() ? null : digest,
        readingVersion, diff.quarantine(), now);
    List<ChangeEvent> changes = new ArrayList<>(diff.changes());
    if (!diff.heldBack()) {
      addRecovered(a, changes);
    }
    long ta = System.nanoTime();
    SyncRun run = run(a, next.generation(), outcome, null, diff.counts(), message);
    store.apply(new FeedApply(feed.tenant(), feed.id(), diff.rekeys(), diff.upserts(), next, run));
    a.apply = Duration.ofNanos(System.nanoTime() - ta);

    ChangeCounts counts = diff.counts();
    List<FeedApply.Rekey> rekeys = diff.rekeys();
    boolean eventsChanged = !diff.upserts().isEmpty() || !rekeys.isEmpty();
    // Conflict detection reads the property's events again: what it does not need goes first (the
    // body, the parse, the stored snapshot and the diff's lists; the report keeps only the changes),
    // or a first sync of a large feed holds all of them twice at its peak.
    result = null;
    fetched = null;
    parsed = null;
    incoming = null;
    stored = null;
    diff = null;
    if (eventsChanged) {
      long tc = System.nanoTime();
      try {
        Map<EventKey, EventKey> renamed = new HashMap<>();
        for (FeedApply.Rekey rk : rekeys) {
          renamed.put(rk.from(), rk.to());
        }
        ConflictLifecycle.Result c = detect(feed.tenant(), feed.property(), now, renamed, property);
        changes.addAll(c.changes());
        a.conflictsOpened = c.opened();
        a.conflictsResolved = c.resolved();
      } catch (RuntimeException e) {
        log.warn("conflict detection failed for property {} after a committed sync", feed.property(), e);
        message += "; conflict detection failed: " + e.getClass().getSimpleName();
      }
      a.detect = Duration.ofNanos(System.nanoTime() - tc);
      afterCommit(feed.tenant(), feed.property());
    }
    return a.report(outcome, null, message, counts, changes);
  }

  /**
   * Reads parsed events through the profile into what the diff compares; the identities the profile
   * gives are checked over the whole feed ({@link Identities}), with diagnostics added to {@code notes}.
   */
  List<Incoming> read(Feed feed, ChannelProfile profile, ParseResult parsed, LocalDate today, List<Diagnostic> notes) {
    LocalDate horizon = null;
    for (ParsedEvent e : parsed.events()) {
      if (e.range() instanceof DateRange.AllDay d && (horizon == null || d.end().isAfter(horizon))) {
        horizon = d.end();
      }
    }
    ChannelProfile.Context context = new ChannelProfile.Context(feed, today, horizon, parsed.prodId());
    List<ChannelProfile.@Nullable Normalized> readings = new ArrayList<>(parsed.events().size());
    for (ParsedEvent e : parsed.events()) {
      readings.add(profile.normalize(e, context));
    }
    @Nullable String[] uids = Identities.of(parsed.events(), readings, notes);
    List<Incoming> out = new ArrayList<>(parsed.events().size());
    for (int i = 0; i < uids.length; i++) {
      ChannelProfile.Normalized n = readings.get(i);
      String uid = uids[i];
      if (n == null || uid == null) {
        continue;
      }
      ParsedEvent e = parsed.events().get(i);
      DateRange range = n.range() != null ? n.range() : e.range();
      // what a database cannot hold (NUL, lone surrogates, over-long keys) is made storable here, for
      // every store, before the diff: stored and incoming keys are compared in the same form
      out.add(Incoming.of(new EventKey(feed.tenant(), feed.id(), StorableText.key(uid),
          StorableText.key(e.recurrenceId())), range, n.kind(), n.status(), StorableText.text(n.summary())));
    }
    return out;
  }

  private static List<String> sampleUids(List<ParsedEvent> events) {
    List<String> out = new ArrayList<>(3);
    for (int i = 0; i < events.size() && i < 3; i++) {
      out.add(events.get(i).uid());
    }
    return out;
  }

  private PropertySettings propertySettings(String tenant, String property) {
    return store.property(tenant, property).orElseGet(() -> new PropertySettings(tenant, property,
        settings.config().defaultZone(), PropertySettings.DEFAULT_CHECK_IN, PropertySettings.DEFAULT_CHECK_OUT));
  }

  /**
   * Detects double bookings of one property and saves the conflicts' new states. Serialised per
   * property within this JVM so two feeds of one property do not race on the lifecycle.
   */
  public ConflictLifecycle.Result detect(String tenant, String property, Instant now) {
    return detect(tenant, property, now, Map.of(), null);
  }

  /** {@code known}: the property's settings as this sync already read them (one read per sync), or null. */
  private ConflictLifecycle.Result detect(String tenant, String property, Instant now,
      Map<EventKey, EventKey> renamed, @Nullable PropertySettings known) {
    synchronized (propertyLocks[Math.floorMod((tenant + '\u0000' + property).hashCode(), propertyLocks.length)]) {
      PropertySettings ps = known != null ? known : propertySettings(tenant, property);
      LocalDate from = LocalDate.ofInstant(now.minus(settings.config().windowBack()), ps.zone());
      Instant coveredFrom = from.atStartOfDay(ps.zone()).toInstant();
      // both reads decide what is saved: never from a lagging replica (the sync's own apply, or a
      // conflict just opened elsewhere, would be missing and open conflicts resolved wrongly)
      List<CalendarEvent> events = store.eventsForWrite(new EventQuery(tenant, property, from, null, false));
      List<ConflictDetector.Overlap> found = ConflictDetector.detect(events, ps, settings.config()::blocksDates);
      List<Conflict> existing = new ArrayList<>();
      for (Conflict c : store.conflictsForWrite(tenant, property, null)) {
        if (c.overlap().end().isAfter(coveredFrom)) {
          existing.add(c);
        }
      }
      ConflictLifecycle.Result r =
          ConflictLifecycle.reconcile(tenant, property, found, existing, settings.conflictPolicy(), now, renamed);
      if (!r.toSave().isEmpty()) {
        store.saveConflicts(tenant, r.toSave());
      }
      return r;
    }
  }

  /** Marks a conflict ignored; it stays ignored while the overlap lasts. */
  public Optional<Conflict> ignore(String tenant, String conflictId) {
    for (Conflict c : store.conflictsForWrite(tenant, null, null)) {
      if (c.id().equals(conflictId)) {
        if (c.status() == ConflictStatus.IGNORED) {
          return Optional.of(c);
        }
        Conflict ignored = new Conflict(c.id(), c.tenant(), c.property(), c.first(), c.second(), c.overlap(),
            ConflictStatus.IGNORED, c.winner(), c.openedAt(), null);
        store.saveConflicts(tenant, List.of(ignored));
        return Optional.of(ignored);
      }
    }
    return Optional.empty();
  }

  public Optional<Conflict> unignore(String tenant, String conflictId) {
    for (Conflict c : store.conflictsForWrite(tenant, null, null)) {
      if (c.id().equals(conflictId)) {
        if (c.status() != ConflictStatus.IGNORED) {
          return Optional.of(c);
        }
        Conflict open = new Conflict(c.id(), c.tenant(), c.property(), c.first(), c.second(), c.overlap(),
            ConflictStatus.OPEN, c.winner(), c.openedAt(), null);
        store.saveConflicts(tenant, List.of(open));
        return Optional.of(open);
      }
    }
    return Optional.empty();
  }

  /**
   * Saves a property's settings. When they differ from the stored ones, the property's cached
   * exports are dropped and the purge hook told (the zone decides where each export's day starts),
   * then double-booking detection runs again (the zone and check-in/check-out times decide
   * overlaps). Returns the conflicts opened and resolved.
   */
  public List<ChangeEvent> saveProperty(PropertySettings ps) {
    Optional<PropertySettings> before = store.property(ps.tenant(), ps.property());
    store.saveProperty(ps);
    if (before.isPresent() && before.get().equals(ps)) {
      return List.of();
    }
    afterCommit(ps.tenant(), ps.property());
    return detect(ps.tenant(), ps.property(), settings.clock().instant(), Map.of(), ps).changes();
  }

  /**
   * Deactivates a feed and cancels its active events in one apply under a fresh generation (a sync
   * of it still running is fenced off), then re-runs detection for its property; empty when there
   * is no such feed, else the number of events cancelled.
   */
  public java.util.OptionalInt removeFeed(String tenant, String feedId) {
    Optional<Feed> found = store.feed(tenant, feedId);
    if (found.isEmpty()) {
      return java.util.OptionalInt.empty();
    }
    Feed feed = found.get();
    store.saveFeed(feed.withActive(false));
    Instant now = settings.clock().instant();
    FeedState begun = store.beginSync(tenant, feedId, now);
    List<CalendarEvent> cancelled = store.eventsOfFeed(tenant, feedId).stream()
        .filter(CalendarEvent::isActive).map(e -> e.cancel(now)).toList();
    store.apply(new FeedApply(tenant, feedId, List.of(), cancelled, begun, null));
    afterCommit(tenant, feed.property());
    detect(tenant, feed.property(), now);
    return java.util.OptionalInt.of(cancelled.size());
  }

  private void afterCommit(String tenant, String property) {
    try {
      settings.exportCache().invalidate(tenant, property);
    } catch (RuntimeException e) {
      log.warn("export cache invalidation failed", e);
    }
    try {
      settings.purgeHook().purge(dev.icssync.ExportView.surrogateKeys(tenant, property));
    } catch (RuntimeException e) {
      log.warn("purge hook failed", e);
    }
  }

  /**
   * A not-modified or unchanged sync: its one write is the new state, fenced by the state read before
   * the fetch (no generation bump), held for a batch when the sync is batched, else written now.
   */
  private SyncReport stateOnly(Attempt a, FeedState next, SyncOutcome outcome, String message) {
    List<ChangeEvent> changes = new ArrayList<>();
    addRecovered(a, changes);
    long ta = System.nanoTime();
    FeedState read = Objects.requireNonNull(a.stored);
    if (read.equals(FeedState.initial(read.tenant(), read.feedId()))) {
      // no stored state to fence by (a fetcher that answers 304 to a first fetch): begin and apply
      FeedState begun = begin(a);
      FeedState first = next.toBuilder().lastAttempt(begun.lastAttempt()).generation(begun.generation()).build();
      store.apply(FeedApply.stateOnly(first, run(a, first.generation(), outcome, null, ChangeCounts.NONE, message)));
      a.apply = Duration.ofNanos(System.nanoTime() - ta);
      return a.report(outcome, null, message, ChangeCounts.NONE, changes);
    }
    StateUpdate update = new StateUpdate(read, next,
        run(a, next.generation(), outcome, null, ChangeCounts.NONE, message));
    if (a.batched) {
      pending.add(update);
    } else if (store.saveStates(List.of(update)) == 0) {
      a.apply = Duration.ofNanos(System.nanoTime() - ta);
      return a.report(SyncOutcome.STALE, null, "a newer sync of this feed started; this one was rejected",
          ChangeCounts.NONE, List.of());
    }
    a.apply = Duration.ofNanos(System.nanoTime() - ta);
    return a.report(outcome, null, message, ChangeCounts.NONE, changes);
  }

  /**
   * Begins a sync that will write more than a state (the generation fence): bumps the generation and
   * checks that nothing happened since the state was read before the fetch (no other sync began,
   * applied or failed meanwhile), else the sync is stale. A held state of this feed is superseded.
   */
  private FeedState begin(Attempt a) {
    if (a.mode == SyncMode.DRY_RUN) {
      return Objects.requireNonNull(a.state);
    }
    FeedState read = Objects.requireNonNull(a.stored);
    FeedState begun = store.beginSync(a.feed.tenant(), a.feed.id(), a.startedAt, read.generation()).orElse(null);
    if (begun == null
        || !new StateUpdate(read, read, null).stillCurrent(begun.withGeneration(read.generation()))) {
      throw new IcsSyncException.StaleGenerationException("feed " + a.feed.id() + ": another sync began or finished"
          + " after this one read generation " + read.generation());
    }
    a.state = begun;
    return begun;
  }

  /**
   * A sync that threw after it began (the apply failed in the store, say): the apply rolled back, so
   * the failure is recorded in the feed's state like a failed fetch (failure count, last error,
   * backoff) and the change log, or the feed would look healthy while none of its changes reach
   * the store. When even that write fails (the store is down) the report alone says it.
   */
  private SyncReport failedMidway(Attempt a, FailureReason reason, String message) {
    if (a.state != null && a.mode != SyncMode.DRY_RUN) {
      try {
        return recordFailure(a, reason, message, null);
      } catch (IcsSyncException.StaleGenerationException e) {
        return a.report(SyncOutcome.STALE, null, "a newer sync of this feed started; this one was rejected",
            ChangeCounts.NONE, List.of());
      } catch (RuntimeException e) {
        log.warn("could not record the failed sync of feed {} in its state: {}", a.feed.id(), e.toString());
      }
    }
    return a.report(SyncOutcome.FAILED, reason, message, ChangeCounts.NONE, List.of());
  }

  private SyncReport fail(Attempt a, FailureReason reason, String detail, @Nullable Duration retryAfter) {
    String message = reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + detail;
    return recordFailure(a, reason, message, retryAfter);
  }

  private SyncReport recordFailure(Attempt a, FailureReason reason, String detail, @Nullable Duration retryAfter) {
    // a failure is recorded only after the state was read (runLocked reads it first)
    FeedState s = java.util.Objects.requireNonNull(a.state, "state");
    // the message may quote the feed (a parser's complaint): it is stored, so it must be storable
    String message = StorableText.text(detail);
    if (a.mode == SyncMode.DRY_RUN) {
      return a.report(SyncOutcome.FAILED, reason, message, ChangeCounts.NONE, List.of());
    }
    int failures = s.consecutiveFailures() + 1;
    Instant now = a.startedAt;
    // An empty body is no reason to poll less often: Booking.com sends one for as long as a listing
    // has no bookings, and the first booking must be read at the usual interval.
    Instant due = reason == FailureReason.EMPTY_BODY ? Backoff.afterSuccess(now, a.feed.pollInterval())
        : Backoff.afterFailure(now, a.feed.pollInterval(), failures, retryAfter);
    // A held-back result stays held, but a failure interrupts its run of confirmations.
    FeedState next = s.toBuilder()
        .consecutiveFailures(failures)
        .lastError(message)
        .nextDue(due)
        .quarantine(s.quarantine() == null ? null : s.quarantine().interrupted())
        .build();
    long ta = System.nanoTime();
    store.apply(FeedApply.stateOnly(next, run(a, next.generation(), SyncOutcome.FAILED, reason, ChangeCounts.NONE,
        message)));
    a.apply = Duration.ofNanos(System.nanoTime() - ta);
    return a.report(SyncOutcome.FAILED, reason, message, ChangeCounts.NONE,
        List.of(new ChangeEvent.FeedFailed(a.feed, reason, message, failures)));
  }

  private void addRecovered(Attempt a, List<ChangeEvent> changes) {
    FeedState s = a.state;
    if (s != null && (s.consecutiveFailures() > 0 || s.quarantine() != null)) {
      changes.add(new ChangeEvent.FeedRecovered(a.feed, s.lastSuccess()));
    }
  }

  private FeedState success(Attempt a, FeedState s, @Nullable String etag, @Nullable String lastModified,
      @Nullable String digest, int version, @Nullable Quarantine quarantine, Instant now) {
    // validators are sent back as they were received: one that cannot be stored is dropped, not altered
    return FeedState.builder()
        .tenant(s.tenant())
        .feedId(s.feedId())
        .etag(storableOrNull(etag))
        .lastModified(storableOrNull(lastModified))
        .contentDigest(digest)
        .parserVersion(version)
        .lastAttempt(s.lastAttempt())
        .lastSuccess(now)
        .nextDue(Backoff.afterSuccess(now, a.feed.pollInterval()))
        .quarantine(quarantine)
        .generation(s.generation())
        .build();
  }

  private static @Nullable String storableOrNull(@Nullable String validator) {
    return validator == null || StorableText.isStorable(validator) ? validator : null;
  }

  private SyncRun run(Attempt a, long generation, SyncOutcome outcome, @Nullable FailureReason failure,
      ChangeCounts counts, String message) {
    return new SyncRun(runId(), a.feed.tenant(), a.feed.id(), generation, a.startedAt,
        settings.clock().instant(), outcome, failure, counts, StorableText.text(message), a.bytes);
  }

  /**
   * A random (version 4) UUID for a run. Run ids only need to be unique, not unguessable:
   * {@code UUID.randomUUID()} reads the shared SecureRandom, which serialises every sync thread on
   * one lock and costs a measurable share of a 304 sync.
   */
  static String runId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  private SyncReport finish(Attempt a, SyncReport report) {
    if (report.outcome() == SyncOutcome.FAILED) {
      log.info("sync of feed {} failed: {}", a.feed.id(), report.message());
    } else {
      log.debug("sync of feed {}: {} ({})", a.feed.id(), report.outcome(), report.message());
    }
    for (SyncListener l : settings.listeners()) {
      for (ChangeEvent c : report.changes()) {
        if (report.outcome() == SyncOutcome.DRY_RUN) {
          break;
        }
        try {
          l.onChange(c);
        } catch (RuntimeException e) {
          log.warn("sync listener {} failed in onChange", l.getClass().getName(), e);
        }
      }
      try {
        l.onSyncFinished(a.feed, report);
      } catch (RuntimeException e) {
        log.warn("sync listener {} failed in onSyncFinished", l.getClass().getName(), e);
      }
    }
    return report;
  }


  static String describe(ChangeCounts c, boolean heldBack) {
    StringBuilder sb = new StringBuilder();
    sb.append(c.seen()).append(" seen, ").append(c.created()).append(" created, ").append(c.updated())
        .append(" updated, ").append(c.cancelled()).append(" cancelled, ").append(c.reinstated())
        .append(" reinstated");
    if (c.uidReissued() > 0) {
      sb.append(", ").append(c.uidReissued()).append(" UID reissued");
    }
    if (heldBack) {
      sb.append(", ").append(c.heldBack()).append(" cancellations held back");
    }
    return sb.toString();
  }

  /** The mutable bookkeeping of one sync, turned into a report at the end. */
  private final class Attempt {
    final Feed feed;
    final SyncMode mode;
    final boolean confirm;
    final Instant startedAt;
    final long t0;
    /** The state read before the sync began (with the feed, or for its due time), or null to read it. */
    @Nullable FeedState read;
    /** The state as stored when the sync read it (the fence of a state-only write). */
    @Nullable FeedState stored;
    /** The state the sync works from: the stored one, a held one of this node, or the begun one. */
    @Nullable FeedState state;
    boolean batched;
    Duration fetch = Duration.ZERO;
    Duration parse = Duration.ZERO;
    Duration diff = Duration.ZERO;
    Duration apply = Duration.ZERO;
    Duration detect = Duration.ZERO;
    long bytes;
    List<Diagnostic> diagnostics = List.of();
    @Nullable Duration retryAfter;
    @Nullable String permanentRedirect;
    int conflictsOpened;
    int conflictsResolved;

    Attempt(Feed feed, SyncMode mode, boolean confirm, Instant startedAt, long t0) {
      this.feed = feed;
      this.mode = mode;
      this.confirm = confirm;
      this.startedAt = startedAt;
      this.t0 = t0;
    }

    SyncReport skipped(String message) {
      return report(SyncOutcome.SKIPPED, null, message, ChangeCounts.NONE, List.of());
    }

    SyncReport report(SyncOutcome outcome, @Nullable FailureReason failure, String message, ChangeCounts counts,
        List<ChangeEvent> changes) {
      SyncTimings timings = new SyncTimings(fetch, parse, diff, apply, detect,
          Duration.ofNanos(System.nanoTime() - t0));
      return SyncReport.builder()
          .feedId(feed.id())
          .tenant(feed.tenant())
          .property(feed.property())
          .source(feed.source())
          .outcome(outcome)
          .failure(failure)
          .message(message)
          .counts(counts)
          .conflictsOpened(conflictsOpened)
          .conflictsResolved(conflictsResolved)
          .timings(timings)
          .bytes(bytes)
          .diagnostics(diagnostics)
          .changes(changes)
          .retryAfter(retryAfter)
          .permanentRedirect(permanentRedirect)
          .startedAt(startedAt)
          .build();
    }

  }
}
