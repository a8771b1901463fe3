package dev.icssync.spi;

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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory store: a complete, thread-safe {@link Store}. Reads share a lock, writes take it
 * exclusively, so an apply is atomic to every reader. Obtain it with {@link Store#inMemory()}.
 */
final class InMemoryStore implements Store {
  private static final Comparator<CalendarEvent> BY_START = Comparator
      .comparing((CalendarEvent e) -> startKey(e.range()))
      .thenComparing(CalendarEvent::key);

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<FeedKey, Feed> feeds = new TreeMap<>();
  private final Map<FeedKey, FeedState> states = new HashMap<>();
  private final Map<FeedKey, TreeMap<EventKey, CalendarEvent>> events = new HashMap<>();
  private final Map<TenantProperty, PropertySettings> properties = new HashMap<>();
  private final Map<String, ExportToken> tokens = new HashMap<>();
  private final Map<String, Map<String, Conflict>> conflicts = new HashMap<>();
  private final Map<FeedKey, Deque<SyncRun>> runs = new HashMap<>();
  /** Bumped after every write that can change what a token opens (see {@link #tokenRevision()}). */
  private final java.util.concurrent.atomic.AtomicLong tokenRevision = new java.util.concurrent.atomic.AtomicLong();

  private record FeedKey(String tenant, String feedId) implements Comparable<FeedKey> {
    @Override
    public int compareTo(FeedKey o) {
      int c = tenant.compareTo(o.tenant);
      return c != 0 ? c : feedId.compareTo(o.feedId);
    }
  }

  private record TenantProperty(String tenant, String property) {}

  @Override
  public void saveFeed(Feed feed) {
    write(() -> {
      FeedKey key = new FeedKey(feed.tenant(), feed.id());
      Feed before = feeds.put(key, feed);
      FeedState state = states.get(key);
      if (before != null && !before.active() && feed.active() && state != null) {
        states.put(key, state.withoutValidators()); // re-activated: the next fetch is a full one
      }
      return tokenRevision.incrementAndGet(); // a feed may name a property a token opens
    });
  }

  @Override
  public Optional<Feed> feed(String tenant, String feedId) {
    return read(() -> Optional.ofNullable(feeds.get(new FeedKey(tenant, feedId))));
  }

  @Override
  public List<Feed> feeds(String tenant) {
    return read(() -> feeds.values().stream().filter(f -> f.tenant().equals(tenant)).toList());
  }

  @Override
  public List<Feed> allFeeds() {
    return read(() -> List.copyOf(feeds.values()));
  }

  @Override
  public FeedState state(String tenant, String feedId) {
    return read(() -> states.getOrDefault(new FeedKey(tenant, feedId), FeedState.initial(tenant, feedId)));
  }

  /** Every feed and its state read under one lock: a consistent snapshot. */
  @Override
  public List<FeedWithState> feedsWithStates(String tenant, List<String> feedIds) {
    return read(() -> {
      List<FeedWithState> out = new ArrayList<>(feedIds.size());
      for (String id : feedIds) {
        FeedKey k = new FeedKey(tenant, id);
        Feed f = feeds.get(k);
        if (f != null) {
          out.add(new FeedWithState(f, states.getOrDefault(k, FeedState.initial(tenant, id))));
        }
      }
      return out;
    });
  }

  @Override
  public FeedState beginSync(String tenant, String feedId, Instant now) {
    return write(() -> {
      FeedKey k = new FeedKey(tenant, feedId);
      FeedState s = states.getOrDefault(k, FeedState.initial(tenant, feedId));
      FeedState next = s.toBuilder()
          .tenant(tenant)
          .feedId(feedId)
          .lastAttempt(now)
          .generation(s.generation() + 1)
          .build();
      states.put(k, next);
      return next;
    });
  }

  @Override
  public Optional<FeedState> beginSync(String tenant, String feedId, Instant now, long generation) {
    return write(() -> {
      FeedState s = states.getOrDefault(new FeedKey(tenant, feedId), FeedState.initial(tenant, feedId));
      return s.generation() == generation ? Optional.of(beginSync(tenant, feedId, now)) : Optional.empty();
    });
  }

  @Override
  public void saveProperty(PropertySettings settings) {
    write(() -> {
      properties.put(new TenantProperty(settings.tenant(), settings.property()), settings);
      return tokenRevision.incrementAndGet();
    });
  }

  @Override
  public Optional<PropertySettings> property(String tenant, String property) {
    return read(() -> Optional.ofNullable(properties.get(new TenantProperty(tenant, property))));
  }

  @Override
  public void saveToken(ExportToken token) {
    write(() -> {
      tokens.put(token.hash(), token);
      return tokenRevision.incrementAndGet();
    });
  }

  @Override
  public Optional<ExportToken> tokenByHash(String hash) {
    return read(() -> Optional.ofNullable(tokens.get(hash)));
  }

  @Override
  public List<ExportToken> tokens(String tenant, String property) {
    return read(() -> tokens.values().stream()
        .filter(t -> t.tenant().equals(tenant) && t.property().equals(property))
        .sorted(Comparator.comparing(ExportToken::createdAt).reversed().thenComparing(ExportToken::hash))
        .toList());
  }

  @Override
  public ApplyResult apply(FeedApply apply) {
    return write(() -> {
      FeedKey k = new FeedKey(apply.tenant(), apply.feedId());
      long stored = states.getOrDefault(k, FeedState.initial(apply.tenant(), apply.feedId())).generation();
      if (stored != apply.state().generation()) {
        throw new StaleGenerationException("feed " + apply.feedId() + ": apply holds generation "
            + apply.state().generation() + " but the store has " + stored);
      }
      TreeMap<EventKey, CalendarEvent> feedEvents = events.computeIfAbsent(k, x -> new TreeMap<>());
      // Validate everything before touching anything: all or nothing.
      for (FeedApply.Rekey r : apply.rekeys()) {
        if (!feedEvents.containsKey(r.from())) {
          throw new IllegalArgumentException("rekey of unknown event " + r.from());
        }
      }
      int rekeyed = 0;
      for (FeedApply.Rekey r : apply.rekeys()) {
        // validated above: every rekeyed event exists
        CalendarEvent e = java.util.Objects.requireNonNull(feedEvents.remove(r.from()), "rekeyed event");
        feedEvents.put(r.to(), withKey(e, r.to()));
        rekeyed++;
      }
      int written = 0;
      for (CalendarEvent e : apply.upserts()) {
        CalendarEvent old = feedEvents.put(e.key(), e);
        if (!e.equals(old)) {
          written++;
        }
      }
      states.put(k, apply.state());
      if (apply.run() != null) {
        runs.computeIfAbsent(k, x -> new ArrayDeque<>()).addFirst(apply.run());
      }
      return new ApplyResult(written, rekeyed);
    });
  }

  /** All or each: under one hold of the write lock, each update saved only while still current. */
  @Override
  public int saveStates(List<StateUpdate> updates) {
    return write(() -> {
      int saved = 0;
      for (StateUpdate u : updates) {
        FeedKey k = new FeedKey(u.state().tenant(), u.state().feedId());
        FeedState stored = states.get(k);
        if (stored == null || !u.stillCurrent(stored)) {
          continue;
        }
        states.put(k, u.state());
        if (u.run() != null) {
          runs.computeIfAbsent(k, x -> new ArrayDeque<>()).addFirst(u.run());
        }
        saved++;
      }
      return saved;
    });
  }

  private static CalendarEvent withKey(CalendarEvent e, EventKey key) {
    return e.toBuilder()
        .key(key)
        .build();
  }

  @Override
  public List<CalendarEvent> eventsOfFeed(String tenant, String feedId) {
    return read(() -> {
      TreeMap<EventKey, CalendarEvent> m = events.get(new FeedKey(tenant, feedId));
      return m == null ? List.of() : List.copyOf(m.values());
    });
  }

  @Override
  public List<CalendarEvent> events(EventQuery q) {
    return read(() -> {
      List<CalendarEvent> out = new ArrayList<>();
      for (Map.Entry<FeedKey, TreeMap<EventKey, CalendarEvent>> entry : events.entrySet()) {
        if (!entry.getKey().tenant().equals(q.tenant())) {
          continue;
        }
        for (CalendarEvent e : entry.getValue().values()) {
          if (e.property().equals(q.property()) && (q.includeCancelled() || e.isActive())
              && matches(e.range(), q.from(), q.to())) {
            out.add(e);
          }
        }
      }
      out.sort(BY_START);
      return out;
    });
  }

  /** The window rule of {@link EventQuery}. */
  static boolean matches(DateRange range, @Nullable LocalDate from, @Nullable LocalDate to) {
    if (range instanceof DateRange.AllDay d) {
      return (to == null || d.start().isBefore(to)) && (from == null || d.end().isAfter(from));
    }
    DateRange.Timed t = (DateRange.Timed) range;
    boolean beforeEnd = to == null || t.start().isBefore(to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    boolean afterStart = from == null || t.end().isAfter(from.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    return beforeEnd && afterStart;
  }

  private static Instant startKey(DateRange r) {
    return r instanceof DateRange.AllDay d
        ? d.start().atStartOfDay(ZoneOffset.UTC).toInstant()
        : ((DateRange.Timed) r).start();
  }

  @Override
  public void saveConflicts(String tenant, Collection<Conflict> list) {
    for (Conflict c : list) {
      if (!c.tenant().equals(tenant)) {
        throw new IllegalArgumentException("conflict " + c.id() + " belongs to another tenant");
      }
    }
    write(() -> {
      Map<String, Conflict> m = conflicts.computeIfAbsent(tenant, x -> new HashMap<>());
      for (Conflict c : list) {
        m.put(c.id(), c);
      }
      return null;
    });
  }

  @Override
  public List<Conflict> conflicts(String tenant, @Nullable String property, @Nullable ConflictStatus status) {
    return read(() -> conflicts.getOrDefault(tenant, Map.of()).values().stream()
        .filter(c -> property == null || c.property().equals(property))
        .filter(c -> status == null || c.status() == status)
        .sorted(Comparator.comparing(Conflict::property).thenComparing(Conflict::openedAt)
            .thenComparing(Conflict::id))
        .toList());
  }

  @Override
  public List<SyncRun> runs(String tenant, String feedId, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    return read(() -> runs.getOrDefault(new FeedKey(tenant, feedId), new ArrayDeque<>()).stream()
        .limit(limit).toList());
  }

  /**
   * Per feed, drops the oldest runs that finished before the cutoff while more than
   * {@code keepRuns} remain, at most {@code batchSize} per hold of the write lock.
   */
  @Override
  public long pruneRuns(HistoryRetention retention, Instant now) {
    Instant cutoff = retention.cutoff(now);
    List<FeedKey> keys = read(() -> List.copyOf(runs.keySet()));
    long deleted = 0;
    for (FeedKey k : keys) {
      int removed;
      do {
        removed = write(() -> {
          Deque<SyncRun> d = runs.get(k);
          int n = 0;
          while (d != null && n < retention.batchSize() && d.size() > retention.keepRuns()
              && d.peekLast().finishedAt().isBefore(cutoff)) {
            d.pollLast();
            n++;
          }
          return n;
        });
        deleted += removed;
      } while (removed == retention.batchSize());
    }
    return deleted;
  }

  private <T> T read(java.util.function.Supplier<T> body) {
    lock.readLock().lock();
    try {
      return body.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private <T> T write(java.util.function.Supplier<T> body) {
    lock.writeLock().lock();
    try {
      return body.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Exact: every write of this store goes through this object. */
  @Override
  public java.util.OptionalLong tokenRevision() {
    return java.util.OptionalLong.of(tokenRevision.get());
  }

  @Override
  public String toString() {
    return "InMemoryStore";
  }

}
