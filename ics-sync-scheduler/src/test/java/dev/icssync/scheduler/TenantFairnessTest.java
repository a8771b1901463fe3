package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.Feed;
import dev.icssync.spi.Store;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tenant with a burst of due feeds (a bulk "sync now", a restart after an outage) must not make a
 * small tenant wait for the whole burst. db-scheduler runs due executions oldest first; the per-tenant
 * cap defers the big tenant's excess behind everything already due, so the small tenant's feeds run
 * within the first few batches. The control run without a cap shows the same burst does starve them.
 */
class TenantFairnessTest {
  private static final int BIG = 300;

  @Test
  void aBurstOfOneTenantDoesNotStarveASmallTenant() {
    List<String> order = runBurst(3);
    int lastSmall = lastSmallPosition(order);
    System.out.printf("fairness: with the cap the small tenant's last sync was #%d of %d%n", lastSmall + 1, order.size());
    // 4 threads, 100 ms per sync: the whole burst takes ~8-10 s; the small tenant is done long before
    assertThat(lastSmall).as("position of the small tenant's last sync").isLessThan(BIG / 2);
  }

  @Test
  void withoutTheCapTheSameBurstStarvesTheSmallTenant() {
    List<String> order = runBurst(4);
    System.out.printf("fairness: without the cap the small tenant's last sync was #%d of %d%n",
        lastSmallPosition(order) + 1, order.size());
    assertThat(lastSmallPosition(order)).isGreaterThanOrEqualTo(BIG - 10);
  }

  private static int lastSmallPosition(List<String> order) {
    int last = -1;
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i).startsWith("small/")) {
        last = i;
      }
    }
    return last;
  }

  private static List<String> runBurst(int tenantConcurrency) {
    Store store = Store.inMemory();
    ScriptedRunner runner = new ScriptedRunner().work(Duration.ofMillis(100));
    try (TestDatabase db = TestDatabases.h2Memory()) {
      FeedSyncScheduler w = FeedSyncScheduler.builder(db.pool(8))
          .feeds(store)
          .runner(runner)
          .threads(4)
          .tenantConcurrency(tenantConcurrency)
          .pollingInterval(Duration.ofMillis(100))
          .enrolOnStart(false)
          .start();
      try {
        // the big tenant's burst is due first, the small tenant's five feeds right after it
        for (int i = 0; i < BIG; i++) {
          w.enrol(feed(store, "big", "b" + i));
        }
        for (int i = 0; i < 5; i++) {
          w.enrol(feed(store, "small", "s" + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> runner.starts.size() == BIG + 5);
        assertThat(runner.overlaps).hasValue(0);
        return List.copyOf(runner.order);
      } finally {
        w.close();
      }
    }
  }

  private static Feed feed(Store store, String tenant, String id) {
    Feed f = new Feed(id, tenant, "p", "vrbo", "https://example.test/" + id, Duration.ofHours(1), true, 0);
    store.saveFeed(f);
    return f;
  }
}
