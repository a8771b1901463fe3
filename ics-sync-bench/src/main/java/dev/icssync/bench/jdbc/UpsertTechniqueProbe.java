package dev.icssync.bench.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.spi.FeedApply;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where each PostgreSQL write technique wins, by apply size: first loads of empty feeds and resyncs
 * that send every event (1 per feed changed), about 20,000 rows per size, the techniques interleaved
 * round by round so that the noise of a shared machine hits them alike. Prints medians of 5 rounds.
 * Not JMH: a sweep to place the thresholds of the {@code auto} technique; JMH figures come from
 * {@link JdbcStoreLoadBenchmark} and {@link JdbcStoreResyncBenchmark}.
 *
 * <pre>
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp ics-sync-bench/target/benchmarks.jar \
 *     dev.icssync.bench.jdbc.UpsertTechniqueProbe
 * </pre>
 */
public final class UpsertTechniqueProbe {
  private UpsertTechniqueProbe() {}

  public static void main(String[] args) {
    String[] techniques = {"unnest", "copy", "auto"};
    try (TestDatabase db = TestDatabases.postgres("probe")) {
      JdbcStore.migrate(db.dataSource());
      for (int n : new int[] {50, 200, 1000, 5000, 20000}) {
        int feeds = Math.max(1, 20_000 / n);
        long[][] load = new long[techniques.length][5];
        long[][] resync = new long[techniques.length][5];
        for (int round = 0; round < 5; round++) {
          for (int t = 0; t < techniques.length; t++) {
            JdbcStore store = JdbcStore.builder(db.dataSource()).synchronousApplyCommit(false)
                .postgresUpsert(JdbcStore.PostgresUpsert.valueOf(techniques[t].toUpperCase(java.util.Locale.ROOT)))
                .build();
            db.execute("TRUNCATE icssync_event, icssync_feed_state");
            List<List<CalendarEvent>> all = BenchDatabase.events(feeds, n);
            List<FeedState> states = new ArrayList<>();
            for (int f = 0; f < feeds; f++) {
              states.add(store.beginSync("t", "f" + f, BenchDatabase.T0));
            }
            long t0 = System.nanoTime();
            for (int f = 0; f < feeds; f++) {
              store.apply(new FeedApply("t", "f" + f, List.of(), all.get(f), states.get(f), null));
            }
            long t1 = System.nanoTime();
            for (int f = 0; f < feeds; f++) {
              List<CalendarEvent> changed = new ArrayList<>(all.get(f));
              changed.set(0, BenchDatabase.moved(changed.get(0), 1));
              store.apply(new FeedApply("t", "f" + f, List.of(), changed, states.get(f), null));
            }
            long t2 = System.nanoTime();
            load[t][round] = (long) feeds * n * 1_000_000_000L / (t1 - t0);
            resync[t][round] = (long) feeds * n * 1_000_000_000L / (t2 - t1);
          }
        }
        for (int t = 0; t < techniques.length; t++) {
          Arrays.sort(load[t]);
          Arrays.sort(resync[t]);
          System.out.printf("rows/apply %6d  feeds %4d  %-7s first load %7d rows/s   resync (all sent) %7d rows/s%n",
              n, feeds, techniques[t], load[t][2], resync[t][2]);
        }
      }
    }
  }
}
