package dev.icssync.engine.scenario;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.SyncReport;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.ForwardingStore;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncListener;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Public-API scenario harness: in-memory store (counted), scripted fetcher, settable clock. */
final class Kit implements AutoCloseable {
  static final String T = "t1";
  static final Instant START = Instant.parse("2026-06-10T12:00:00Z");

  final MutableClock clock = new MutableClock(START);
  final CountingStore store = new CountingStore(Store.inMemory());
  final ScriptedFetcher fetcher = new ScriptedFetcher();
  final List<ChangeEvent> changes = Collections.synchronizedList(new ArrayList<>());
  final List<SyncReport> finished = Collections.synchronizedList(new ArrayList<>());
  final IcsSync sync;

  Kit() {
    this(b -> {});
  }

  Kit(Consumer<IcsSync.Builder> customize) {
    IcsSync.Builder b = IcsSync.builder().store(store).fetcher(fetcher).clock(clock).listener(new SyncListener() {
      @Override
      public void onChange(ChangeEvent change) {
        changes.add(change);
      }

      @Override
      public void onSyncFinished(Feed feed, SyncReport report) {
        finished.add(report);
      }
    });
    customize.accept(b);
    sync = b.build();
  }

  Feed feed(String id, String property, String source) {
    Feed f = Feed.builder(T, id).property(property).source(source).url("https://cal.example.com/" + id + ".ics?token=s3cret").build();
    store.saveFeed(f);
    return f;
  }

  SyncReport sync(String feedId) {
    return sync.syncFeed(T, feedId);
  }

  SyncReport sync(String feedId, dev.icssync.SyncMode mode) {
    return sync.syncFeed(T, feedId, mode);
  }

  List<CalendarEvent> events(String feedId) {
    return store.eventsOfFeed(T, feedId);
  }

  List<CalendarEvent> active(String property) {
    return store.events(EventQuery.active(T, property));
  }

  FeedState state(String feedId) {
    return store.state(T, feedId);
  }

  List<Conflict> conflicts(String property, @Nullable ConflictStatus status) {
    return store.conflicts(T, property, status);
  }

  void days(int n) {
    clock.instant = clock.instant.plus(Duration.ofDays(n));
  }

  void minutes(long n) {
    clock.instant = clock.instant.plus(Duration.ofMinutes(n));
  }

  @Override
  public void close() {
    sync.close();
  }

  static final class MutableClock extends Clock {
    volatile Instant instant;

    MutableClock(Instant start) {
      this.instant = start;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return instant;
    }
  }

  /** Answers each feed's fetches from a script: a queue of results, the last one repeating. */
  static final class ScriptedFetcher implements dev.icssync.spi.FeedFetcher {
    final Map<String, Deque<Function<FetchRequest, FetchResult>>> scripts = new HashMap<>();
    final List<FetchRequest> requests = Collections.synchronizedList(new ArrayList<>());

    synchronized ScriptedFetcher then(String feedId, Function<FetchRequest, FetchResult> answer) {
      scripts.computeIfAbsent(feedId, k -> new ArrayDeque<>()).add(answer);
      return this;
    }

    ScriptedFetcher body(String feedId, String ics) {
      return then(feedId, r -> FetchResult.Fetched.of(ics.getBytes(StandardCharsets.UTF_8)));
    }

    ScriptedFetcher body(String feedId, String ics, String etag) {
      return then(feedId, r -> new FetchResult.Fetched(ics.getBytes(StandardCharsets.UTF_8), null, "text/calendar",
          etag, null, null));
    }

    @Override
    public FetchResult fetch(FetchRequest request) {
      requests.add(request);
      Function<FetchRequest, FetchResult> answer;
      synchronized (this) {
        Deque<Function<FetchRequest, FetchResult>> q = scripts.get(request.feed().id());
        if (q == null || q.isEmpty()) {
          return FetchResult.Failed.of(dev.icssync.FailureReason.GONE, "no script");
        }
        answer = q.size() > 1 ? q.poll() : q.peek();
      }
      return answer.apply(request);
    }
  }

  /** Delegates to a real store and counts what the engine asks of it. */
  static final class CountingStore extends ForwardingStore {
    final AtomicInteger applies = new AtomicInteger();
    final AtomicInteger eventUpserts = new AtomicInteger();
    final AtomicInteger eventsOfFeedReads = new AtomicInteger();
    volatile @Nullable Consumer<FeedApply> beforeApply;
    final AtomicInteger feedReads = new AtomicInteger();
    final AtomicInteger stateReads = new AtomicInteger();
    final AtomicInteger batchReads = new AtomicInteger();
    /** Runs once, after the next batched read of feeds with their states returns. */
    volatile @Nullable Runnable afterBatchRead;

    CountingStore(Store d) {
      super(d);
    }

    @Override
    public ApplyResult apply(FeedApply apply) {
      Consumer<FeedApply> hook = beforeApply;
      if (hook != null) {
        hook.accept(apply);
      }
      ApplyResult r = super.apply(apply);
      applies.incrementAndGet();
      eventUpserts.addAndGet(apply.upserts().size() + apply.rekeys().size());
      return r;
    }

    @Override
    public java.util.Optional<Feed> feed(String tenant, String feedId) {
      feedReads.incrementAndGet();
      return super.feed(tenant, feedId);
    }

    @Override
    public FeedState state(String tenant, String feedId) {
      stateReads.incrementAndGet();
      return super.state(tenant, feedId);
    }

    @Override
    public List<dev.icssync.spi.FeedWithState> feedsWithStates(String tenant, List<String> feedIds) {
      batchReads.incrementAndGet();
      List<dev.icssync.spi.FeedWithState> read = super.feedsWithStates(tenant, feedIds);
      Runnable hook = afterBatchRead;
      afterBatchRead = null;
      if (hook != null) {
        hook.run();
      }
      return read;
    }

    @Override
    public List<CalendarEvent> eventsOfFeed(String tenant, String feedId) {
      eventsOfFeedReads.incrementAndGet();
      return super.eventsOfFeed(tenant, feedId);
    }
  }
}
