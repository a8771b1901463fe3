package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.SyncRun;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.SyncListener;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Idempotence across workers: two engines (two "JVMs", each with its own pool) sync the same feed at
 * the same moment and fetch the same snapshot. Both have begun (each holds a generation) before either
 * applies, the worst interleaving. Exactly one applies, the other is rejected as stale and writes
 * nothing: the stored events are those of one sync, with one change-log entry and one set of change
 * events. Syncing the same snapshot again changes nothing.
 */
@Tag("postgres")
class TwoWorkersPostgresTest {
  static final String T = "t1";
  static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
  static final String BODY = PostgresRestartTest.calendar(4);

  @Test
  void twoWorkersSyncingOneSnapshotAtOnceLeaveOneSyncsStateAndOneRun() throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try (TestDatabase db = TestDatabases.postgres("jdbc_two_workers")) {
      JdbcStore.migrate(db.dataSource());
      CyclicBarrier bothFetching = new CyclicBarrier(2);
      List<ChangeEvent> changes = Collections.synchronizedList(new ArrayList<>());
      FeedFetcher sameSnapshot = r -> {
        try {
          bothFetching.await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("the other worker never fetched", e);
        }
        return FetchResult.Fetched.of(BODY.getBytes(StandardCharsets.UTF_8));
      };
      SyncListener recorder = new SyncListener() {
        @Override
        public void onChange(ChangeEvent change) {
          changes.add(change);
        }
      };
      try (IcsSync a = worker(db, sameSnapshot, recorder); IcsSync b = worker(db, sameSnapshot, recorder)) {
        a.store().saveFeed(Feed.builder(T, "f").property("villa").source("airbnb").url("https://cal.example.com/f.ics?t=x").build());
        Future<SyncReport> ra = workers.submit(() -> a.syncFeed(T, "f"));
        Future<SyncReport> rb = workers.submit(() -> b.syncFeed(T, "f"));
        List<SyncOutcome> outcomes = List.of(ra.get(30, TimeUnit.SECONDS).outcome(),
            rb.get(30, TimeUnit.SECONDS).outcome());
        assertThat(outcomes).containsExactlyInAnyOrder(SyncOutcome.APPLIED, SyncOutcome.STALE);

        JdbcStore store = JdbcStore.create(db.dataSource());
        List<CalendarEvent> events = store.eventsOfFeed(T, "f");
        assertThat(events).hasSize(4).allMatch(CalendarEvent::isActive)
            .allMatch(e -> e.sequence() == 0 && e.firstSeen().equals(NOW));
        List<SyncRun> runs = store.runs(T, "f", 10);
        assertThat(runs).singleElement().satisfies(run -> {
          assertThat(run.outcome()).isEqualTo(SyncOutcome.APPLIED);
          assertThat(run.counts().created()).isEqualTo(4);
          assertThat(run.generation()).isEqualTo(store.state(T, "f").generation());
        });
        assertThat(changes).hasSize(4).allMatch(c -> c instanceof ChangeEvent.Created);

        // the same snapshot again, by either worker, one after the other: nothing changes
        bothFetching.reset();
        Future<SyncReport> again = workers.submit(() -> a.syncFeed(T, "f"));
        SyncReport second = b.syncFeed(T, "f");
        assertThat(List.of(again.get(30, TimeUnit.SECONDS).outcome(), second.outcome()))
            .doesNotContain(SyncOutcome.FAILED)
            .allMatch(o -> o == SyncOutcome.UNCHANGED || o == SyncOutcome.STALE);
        assertThat(store.eventsOfFeed(T, "f")).isEqualTo(events);
        assertThat(store.runs(T, "f", 10)).filteredOn(r -> r.counts().writes() > 0).hasSize(1);
        assertThat(changes).hasSize(4);
      }
    } finally {
      workers.shutdownNow();
    }
  }

  private static IcsSync worker(TestDatabase db, FeedFetcher fetcher, SyncListener listener) {
    return IcsSync.builder().store(JdbcStore.create(db.pool(2))).fetcher(fetcher).listener(listener)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }
}
