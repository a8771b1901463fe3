package dev.icssync.bench.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import dev.icssync.spi.FeedApply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Resync of 100,000 stored events (100 feeds x 1,000) where 1 % changed: score = resyncs of all 100
 * feeds per second (run with {@code -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"}). Each invocation moves the same 1,000 events back or forth, and fails unless
 * exactly those 1,000 rows were written.
 * <ul>
 *   <li>{@code changedOnly}: the engine's path, upserts carry only the changed events;</li>
 *   <li>{@code allSent}: every event is sent and the database skips the 99 % unchanged rows;</li>
 *   <li>{@code noChange}: every event sent, nothing changed, zero rows written;</li>
 *   <li>{@code readAll}: {@code eventsOfFeed} of all 100 feeds (what a diff reads first).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class JdbcStoreResyncBenchmark {
  static final int FEEDS = 100;
  static final int PER_FEED = 1_000;
  static final int CHANGED_PER_FEED = PER_FEED / 100;

  @Param({"postgres-auto", "postgres-unnest", "postgres-copy", "postgres-batch", "postgres-auto-partitioned",
      "h2-memory"})
  public String target;

  /** PostgreSQL: {@code JdbcStore.Builder#synchronousApplyCommit}. */
  @Param({"true"})
  public boolean synchronousApplyCommit;

  private BenchDatabase database;
  private List<List<CalendarEvent>> base;
  private List<List<CalendarEvent>> movedAll;
  private List<List<CalendarEvent>> baseChanged;
  private List<List<CalendarEvent>> movedChanged;
  private final List<FeedState> states = new ArrayList<>();
  private boolean moved;

  @Setup(Level.Trial)
  public void setUp() {
    database = new BenchDatabase(target, synchronousApplyCommit);
    base = BenchDatabase.events(FEEDS, PER_FEED);
    movedAll = new ArrayList<>();
    baseChanged = new ArrayList<>();
    movedChanged = new ArrayList<>();
    for (List<CalendarEvent> feed : base) {
      List<CalendarEvent> all = new ArrayList<>(feed);
      List<CalendarEvent> back = new ArrayList<>();
      List<CalendarEvent> forth = new ArrayList<>();
      for (int i = 0; i < CHANGED_PER_FEED; i++) {
        int at = i * 100;
        all.set(at, BenchDatabase.moved(feed.get(at), 1));
        forth.add(all.get(at));
        back.add(feed.get(at));
      }
      movedAll.add(all);
      movedChanged.add(forth);
      baseChanged.add(back);
    }
    for (List<CalendarEvent> feed : base) {
      CalendarEvent first = feed.get(0);
      FeedState s = database.store.beginSync(first.tenant(), first.feedId(), BenchDatabase.T0);
      database.store.apply(new FeedApply(first.tenant(), first.feedId(), List.of(), feed, s, null));
      states.add(s);
    }
    database.db.execute(database.db.kind() == dev.icssync.tck.db.TestDatabase.Kind.POSTGRES
        ? "VACUUM ANALYZE icssync_event" : "ANALYZE");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    database.close();
  }

  @Benchmark
  public int changedOnly() {
    moved = !moved;
    return applyAll(moved ? movedChanged : baseChanged, FEEDS * CHANGED_PER_FEED);
  }

  @Benchmark
  public int allSent() {
    moved = !moved;
    return applyAll(moved ? movedAll : base, FEEDS * CHANGED_PER_FEED);
  }

  @Benchmark
  public int noChange() {
    return applyAll(moved ? movedAll : base, 0);
  }

  @Benchmark
  public int readAll() {
    int n = 0;
    for (int f = 0; f < FEEDS; f++) {
      n += database.store.eventsOfFeed("t", "f" + f).size();
    }
    return n;
  }

  private int applyAll(List<List<CalendarEvent>> feeds, int expected) {
    int written = 0;
    for (int f = 0; f < FEEDS; f++) {
      FeedState s = states.get(f);
      written += database.store.apply(new FeedApply("t", "f" + f, List.of(), feeds.get(f), s, null))
          .eventRowsWritten();
    }
    if (written != expected) {
      throw new IllegalStateException("wrote " + written + " rows, expected " + expected);
    }
    return written;
  }
}
