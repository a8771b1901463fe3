package dev.icssync.bench.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import dev.icssync.spi.FeedApply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Initial load of 100,000 events into empty tables: score = event rows written per second. Each
 * invocation starts from truncated tables (not timed). {@code feeds} splits the 100,000 events over
 * that many feeds, one apply (one transaction) per feed.
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -jar ics-sync-bench/target/benchmarks.jar JdbcStoreLoad -f 1 -wi 1 -i 3 \
 *     -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class JdbcStoreLoadBenchmark {
  static final int EVENTS = 100_000;

  @Param({"postgres-auto", "postgres-unnest", "postgres-copy", "postgres-batch", "postgres-auto-partitioned",
      "h2-memory", "h2-file"})
  public String target;

  @Param({"100", "1"})
  public int feeds;

  /**
   * Feeds loaded at once: 1 applies them one after the other; 10 is the engine's default
   * {@code SyncConfig#parallelism}, the number of syncs (each its beginSync and apply, on a connection
   * of its own) that a first sync of many feeds runs side by side.
   */
  @Param({"10", "1"})
  public int concurrency;

  /** PostgreSQL: {@code JdbcStore.Builder#synchronousApplyCommit}. */
  @Param({"true"})
  public boolean synchronousApplyCommit;

  private BenchDatabase database;
  private List<List<CalendarEvent>> events;

  /** Feeds loaded side by side: {@code concurrency}, at most {@code feeds}. */
  private int threads;
  private ExecutorService pool;

  @Setup(Level.Trial)
  public void setUp() {
    threads = Math.max(1, Math.min(concurrency, feeds));
    database = new BenchDatabase(target, synchronousApplyCommit, threads > 1 ? threads : 0);
    events = BenchDatabase.events(feeds, EVENTS / feeds);
    pool = Executors.newFixedThreadPool(threads);
  }

  @Setup(Level.Invocation)
  public void empty() {
    database.truncateEvents();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdownNow();
    database.close();
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public int initialLoad() throws InterruptedException, ExecutionException {
    int written = 0;
    if (threads == 1) {
      for (List<CalendarEvent> feed : events) {
        written += load(feed);
      }
    } else {
      List<Future<Integer>> loads = new ArrayList<>(events.size());
      for (List<CalendarEvent> feed : events) {
        loads.add(pool.submit(() -> load(feed)));
      }
      for (Future<Integer> f : loads) {
        written += f.get();
      }
    }
    if (written != EVENTS) {
      throw new IllegalStateException("wrote " + written + " rows, expected " + EVENTS);
    }
    return written;
  }

  /** A first sync's two writes: the fence, then the apply (each its own transaction). */
  private int load(List<CalendarEvent> feed) {
    CalendarEvent first = feed.get(0);
    FeedState s = database.store.beginSync(first.tenant(), first.feedId(), BenchDatabase.T0);
    return database.store.apply(new FeedApply(first.tenant(), first.feedId(), List.of(), feed, s, null))
        .eventRowsWritten();
  }
}
