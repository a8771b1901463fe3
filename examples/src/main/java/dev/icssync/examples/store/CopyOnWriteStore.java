package dev.icssync.examples.store;

import dev.icssync.CalendarEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.ExportToken;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.HistoryRetention;
import dev.icssync.IcsSyncException.StaleGenerationException;
import dev.icssync.PropertySettings;
import dev.icssync.SyncRun;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.Store;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jspecify.annotations.Nullable;

/**
 * A store written against the public SPI only: each feed's data is one immutable snapshot (its
 * state, events and runs) swapped atomically, so readers never lock and never see half an apply,
 * and writers of different feeds never wait for each other. A real adapter would put the snapshots
 * in a key-value store with compare-and-set; the shape stays the same.
 *
 * <p>It passes {@code dev.icssync.tck.StoreContract}, which is the point of the example: write the
 * adapter, extend the kit, and the engine can rely on it.
 */
public final class CopyOnWriteStore implements Store {
  private static final Comparator<CalendarEvent> BY_START =
      Comparator.comparing((CalendarEvent e) -> start(e.range())).thenComparing(CalendarEvent::key);

  /** Everything of one feed, replaced whole on every write. */
  private record Snapshot(FeedState state, TreeMap<EventKey, CalendarEvent> events, List<SyncRun> runs) {}

  private record FeedKey(String tenant, String feedId) {}

  private record PropertyKey(String tenant, String property) {}

  private final ConcurrentSkipListMap<String, Feed> feeds = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<FeedKey, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<PropertyKey, PropertySettings> properties = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ExportToken> tokens = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Conflict>> conflicts = new ConcurrentHashMap<>();

  /** Feeds sort by tenant, then id: one sorted map keyed by both. */
  private static String feedKey(String tenant, String feedId) {
    return tenant + '\u0000' + feedId;
  }

  private Snapshot snapshot(String tenant, String feedId) {
    Snapshot s = snapshots.get(new FeedKey(tenant, feedId));
    return s != null ? s : new Snapshot(FeedState.initial(tenant, feedId), new TreeMap<>(), List.of());
  }

  @Override
  public void saveFeed(Feed feed) {
    Feed before = feeds.put(feedKey(feed.tenant(), feed.id()), feed);
    if (before != null && !before.active() && feed.active()) {
      // re-activated: forget the validators and digest so the next sync reads the whole body
      snapshots.computeIfPresent(new FeedKey(feed.tenant(), feed.id()),
          (k, old) -> new Snapshot(old.state().withoutValidators(), old.events(), old.runs()));
    }
  }

  @Override
  public Optional<Feed> feed(String tenant, String feedId) {
    return Optional.ofNullable(feeds.get(feedKey(tenant, feedId)));
  }

  @Override
  public List<Feed> feeds(String tenant) {
    return List.copyOf(feeds.subMap(tenant + '\u0000', tenant + '\u0001').values());
  }

  @Override
  public List<Feed> allFeeds() {
    return List.copyOf(feeds.values());
  }

  @Override
  public FeedState state(String tenant, String feedId) {
    return snapshot(tenant, feedId).state();
  }

  @Override
  public FeedState beginSync(String tenant, String feedId, Instant now) {
    Snapshot next = snapshots.compute(new FeedKey(tenant, feedId), (k, old) -> {
      Snapshot s = old != null ? old : snapshot(tenant, feedId);
      FeedState st = s.state();
      FeedState bumped = st.toBuilder()
          .tenant(tenant)
          .feedId(feedId)
          .lastAttempt(now)
          .generation(st.generation() + 1)
          .build();
      return new Snapshot(bumped, s.events(), s.runs());
    });
    return next.state();
  }

  @Override
  public ApplyResult apply(FeedApply apply) {
    int[] counts = new int[2];
    snapshots.compute(new FeedKey(apply.tenant(), apply.feedId()), (k, old) -> {
      Snapshot s = old != null ? old : snapshot(apply.tenant(), apply.feedId());
      if (s.state().generation() != apply.state().generation()) {
        // thrown inside compute: the mapping is left exactly as it was
        throw new StaleGenerationException("feed " + apply.feedId() + ": apply holds generation "
            + apply.state().generation() + " but the store has " + s.state().generation());
      }
      TreeMap<EventKey, CalendarEvent> events = new TreeMap<>(s.events());
      for (FeedApply.Rekey r : apply.rekeys()) {
        CalendarEvent e = events.remove(r.from());
        if (e != null) {
          events.put(r.to(), e.toBuilder()
              .key(r.to())
              .build());
          counts[1]++;
        }
      }
      for (CalendarEvent e : apply.upserts()) {
        if (!e.equals(events.put(e.key(), e))) {
          counts[0]++;
        }
      }
      List<SyncRun> runs = s.runs();
      if (apply.run() != null) {
        runs = new ArrayList<>(runs.size() + 1);
        runs.add(apply.run());
        runs.addAll(s.runs());
        runs = List.copyOf(runs);
      }
      return new Snapshot(apply.state(), events, runs);
    });
    return new ApplyResult(counts[0], counts[1]);
  }

  @Override
  public List<CalendarEvent> eventsOfFeed(String tenant, String feedId) {
    return List.copyOf(snapshot(tenant, feedId).events().values());
  }

  @Override
  public List<CalendarEvent> events(EventQuery q) {
    List<CalendarEvent> out = new ArrayList<>();
    for (Map.Entry<FeedKey, Snapshot> entry : snapshots.entrySet()) {
      if (!entry.getKey().tenant().equals(q.tenant())) {
        continue;
      }
      for (CalendarEvent e : entry.getValue().events().values()) {
        if (e.property().equals(q.property()) && (q.includeCancelled() || e.isActive())
            && inWindow(e.range(), q.from(), q.to())) {
          out.add(e);
        }
      }
    }
    out.sort(BY_START);
    return out;
  }

  /** {@link EventQuery}'s window: dates overlap, or timed ranges overlap the window widened by a day. */
  private static boolean inWindow(DateRange range, @Nullable LocalDate from, @Nullable LocalDate to) {
    if (range instanceof DateRange.AllDay d) {
      return (to == null || d.start().isBefore(to)) && (from == null || d.end().isAfter(from));
    }
    DateRange.Timed t = (DateRange.Timed) range;
    return (to == null || t.start().isBefore(to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()))
        && (from == null || t.end().isAfter(from.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
  }

  private static Instant start(DateRange r) {
    return r instanceof DateRange.AllDay d ? d.start().atStartOfDay(ZoneOffset.UTC).toInstant()
        : ((DateRange.Timed) r).start();
  }

  @Override
  public void saveConflicts(String tenant, Collection<Conflict> list) {
    ConcurrentHashMap<String, Conflict> m = conflicts.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
    for (Conflict c : list) {
      if (!c.tenant().equals(tenant)) {
        throw new IllegalArgumentException("conflict " + c.id() + " belongs to another tenant");
      }
      m.put(c.id(), c);
    }
  }

  @Override
  public List<Conflict> conflicts(String tenant, @Nullable String property, @Nullable ConflictStatus status) {
    return conflicts.getOrDefault(tenant, new ConcurrentHashMap<>()).values().stream()
        .filter(c -> property == null || c.property().equals(property))
        .filter(c -> status == null || c.status() == status)
        .sorted(Comparator.comparing(Conflict::property).thenComparing(Conflict::openedAt).thenComparing(Conflict::id))
        .toList();
  }

  @Override
  public List<SyncRun> runs(String tenant, String feedId, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    List<SyncRun> runs = snapshot(tenant, feedId).runs();
    return List.copyOf(runs.subList(0, Math.min(limit, runs.size())));
  }

  /**
   * Trims each feed's run list: a run goes when it finished before the cutoff and is not among the
   * newest {@code keepRuns}; at most {@code batchSize} per feed and swap, so an apply never waits long.
   */
  @Override
  public long pruneRuns(HistoryRetention retention, Instant now) {
    Instant cutoff = retention.cutoff(now);
    long deleted = 0;
    for (FeedKey key : List.copyOf(snapshots.keySet())) {
      int[] removed = new int[1];
      do {
        removed[0] = 0;
        snapshots.computeIfPresent(key, (k, s) -> {
          List<SyncRun> runs = s.runs();
          int keep = runs.size();
          while (keep > retention.keepRuns() && runs.size() - keep < retention.batchSize()
              && runs.get(keep - 1).finishedAt().isBefore(cutoff)) {
            keep--;
          }
          removed[0] = runs.size() - keep;
          return removed[0] == 0 ? s : new Snapshot(s.state(), s.events(), List.copyOf(runs.subList(0, keep)));
        });
        deleted += removed[0];
      } while (removed[0] == retention.batchSize());
    }
    return deleted;
  }

  @Override
  public void saveProperty(PropertySettings settings) {
    properties.put(new PropertyKey(settings.tenant(), settings.property()), settings);
  }

  @Override
  public Optional<PropertySettings> property(String tenant, String property) {
    return Optional.ofNullable(properties.get(new PropertyKey(tenant, property)));
  }

  @Override
  public void saveToken(ExportToken token) {
    tokens.put(token.hash(), Objects.requireNonNull(token));
  }

  @Override
  public Optional<ExportToken> tokenByHash(String hash) {
    return Optional.ofNullable(tokens.get(hash));
  }

  @Override
  public List<ExportToken> tokens(String tenant, String property) {
    return tokens.values().stream()
        .filter(t -> t.tenant().equals(tenant) && t.property().equals(property))
        .sorted(Comparator.comparing(ExportToken::createdAt).reversed().thenComparing(ExportToken::hash))
        .toList();
  }
}
