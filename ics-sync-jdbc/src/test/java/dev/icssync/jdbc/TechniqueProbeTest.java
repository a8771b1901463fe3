package dev.icssync.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import dev.icssync.spi.FeedApply;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("probe")
class TechniqueProbeTest {
  @Test
  void probe() {
    try (TestDatabase db = TestDatabases.postgres("probe")) {
      JdbcStore.migrate(db.dataSource());
      PostgresDialect.Upsert[] ts = {PostgresDialect.Upsert.UNNEST, PostgresDialect.Upsert.COPY};
      for (int n : new int[] {50, 200, 1000, 5000}) {
        int feeds = Math.max(2, 20_000 / n);
        long[][] load = new long[ts.length][5];
        long[][] resync = new long[ts.length][5];
        for (int round = 0; round < 5; round++) {
          for (int t = 0; t < ts.length; t++) {
            JdbcStore store = JdbcStore.builder(db.dataSource()).dialect(new PostgresDialect(ts[t]))
                .synchronousApplyCommit(false).build();
            db.execute("TRUNCATE icssync_event, icssync_feed_state");
            List<List<CalendarEvent>> all = new ArrayList<>();
            List<FeedState> states = new ArrayList<>();
            for (int f = 0; f < feeds; f++) {
              all.add(Fixtures.stays("t", "f" + f, "p" + f, n));
              states.add(store.beginSync("t", "f" + f, Fixtures.T0));
            }
            long t0 = System.nanoTime();
            for (int f = 0; f < feeds; f++) {
              store.apply(new FeedApply("t", "f" + f, List.of(), all.get(f), states.get(f), null));
            }
            long t1 = System.nanoTime();
            for (int f = 0; f < feeds; f++) {
              List<CalendarEvent> ch = new ArrayList<>(all.get(f));
              ch.set(0, Fixtures.moved(ch.get(0), 1));
              store.apply(new FeedApply("t", "f" + f, List.of(), ch, states.get(f), null));
            }
            long t2 = System.nanoTime();
            load[t][round] = (long) feeds * n * 1_000_000_000L / (t1 - t0);
            resync[t][round] = (long) feeds * n * 1_000_000_000L / (t2 - t1);
          }
        }
        for (int t = 0; t < ts.length; t++) {
          Arrays.sort(load[t]);
          Arrays.sort(resync[t]);
          System.out.printf("PROBE n=%d feeds=%d %s load median %d rows/s (max %d), resync-all-sent median %d rows/s%n",
              n, feeds, ts[t], load[t][2], load[t][4], resync[t][2]);
        }
      }
    }
  }
}
