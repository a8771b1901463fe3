package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.NextDue;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.StateUpdate;
import dev.icssync.spi.Store;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scheduler syncs batched: a run answered 304 writes no state of its own, its state is written
 * with other feeds' by the worker's flush (every second) and at the latest when the worker closes.
 */
class SchedulerStateBatchingTest {
  static final String CAL = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@test\r\n"
      + "DTSTART;VALUE=DATE:20990101\r\nDTEND;VALUE=DATE:20990103\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

  @Test
  void notModifiedRunsWriteTheirStatesInBatchesAndCloseFlushesTheRest() {
    Store memory = Store.inMemory();
    AtomicInteger applies = new AtomicInteger();
    List<Integer> batches = new CopyOnWriteArrayList<>();
    // counts what the engine asks of the store: applies, and the sizes of the batches of states
    Store store = (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
        (p, m, args) -> {
          if (m.getName().equals("apply")) {
            applies.incrementAndGet();
          }
          if (m.getName().equals("saveStates")) {
            @SuppressWarnings("unchecked")
            List<StateUpdate> updates = (List<StateUpdate>) args[0];
            batches.add(updates.size());
          }
          try {
            return m.invoke(memory, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    int feeds = 20;
    for (int i = 0; i < feeds; i++) {
      store.saveFeed(new Feed("f" + i, "acme", "villa" + i, "airbnb", "https://feeds.example/f" + i + ".ics",
          Duration.ofHours(1), true, 0));
    }
    List<FeedSyncTask.RunRecord> records = new CopyOnWriteArrayList<>();
    try (TestDatabase db = TestDatabases.h2Memory();
        IcsSync sync = IcsSync.builder().store(store).fetcher(request -> "\"v1\"".equals(request.etag())
            ? new FetchResult.NotModified("\"v1\"", null, null)
            : new FetchResult.Fetched(CAL.getBytes(StandardCharsets.UTF_8), null, null, "\"v1\"", null, null))
            .build()) {
      assertThat(sync.syncTenant("acme", NextDue.IGNORE)).extracting(SyncReport::outcome)
          .containsOnly(SyncOutcome.APPLIED);
      applies.set(0);
      batches.clear();
      Instant before = Instant.now();
      FeedSyncScheduler worker = FeedSyncScheduler.builder(db.pool(8)).sync(sync).threads(4)
          .pollingInterval(Duration.ofMillis(100)).heartbeatInterval(Duration.ofMillis(500))
          .shutdownMaxWait(Duration.ofSeconds(5)).enrolOnStart(false).observer(records::add).start();
      try {
        for (int i = 0; i < feeds; i++) {
          worker.enrol("acme", "f" + i);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> records.size() >= feeds);
      } finally {
        worker.close();
      }
      // right after close: every state written, each once, none by an apply of its own
      for (int i = 0; i < feeds; i++) {
        FeedState s = memory.state("acme", "f" + i);
        assertThat(s.lastSuccess()).as("f%d", i).isAfterOrEqualTo(before);
      }
      assertThat(applies).hasValue(0);
      assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(feeds);
    }
  }
}
