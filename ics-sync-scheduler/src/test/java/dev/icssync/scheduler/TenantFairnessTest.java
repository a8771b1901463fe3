package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.Feed;
import dev.icssync.SyncOutcome;
import dev.icssync.spi.Store;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A tenant with a burst of due feeds (a bulk "sync now", a restart after an outage) must not make a
 * small tenant wait for the whole burst. db-scheduler runs due executions oldest first; the per-tenant
 * cap defers the big tenant's excess behind everything already due, so the small tenant's feeds run
 * while the burst is still going. The control run without a cap shows the same burst does starve them.
 *
 * <p>The proof does not depend on how fast anything runs: every sync of the big tenant holds its
 * thread until the small tenant's five feeds have all synced (the worst case of slow syncs, bounded
 * only by a guard). Then the outcome is decided by structure alone: with the cap, at most
 * {@code CAP} big syncs can start before the small ones; without it, every thread is held and the
 * small tenant gets nothing until the guard gives up.
 */
class TenantFairnessTest {
  private static final int BIG = 300;
  private static final int SMALL = 5;
  private static final int THREADS = 4;
  private static final int CAP = THREADS - 1;

  @Test
  void aBurstOfOneTenantDoesNotStarveASmallTenant() throws Exception {
    Burst burst = runBurst(CAP, Duration.ofSeconds(60));
    int lastSmall = lastSmallPosition(burst.order);
    System.out.printf("fairness: with the cap the small tenant's last sync was #%d of %d%n", lastSmall + 1, burst.order.size());
    assertThat(burst.releasedBySmallTenant).as("the small tenant was served while the burst held its threads").isTrue();
    // at most CAP big syncs were running (and held) when the small tenant's feeds ran
    assertThat(lastSmall).as("position of the small tenant's last sync").isLessThan(CAP + SMALL);
  }

  @Test
  void withoutTheCapTheSameBurstStarvesTheSmallTenant() throws Exception {
    // the guard is expected to expire here: 2 s during which the burst holds every thread
    Burst burst = runBurst(THREADS, Duration.ofSeconds(2));
    int lastSmall = lastSmallPosition(burst.order);
    System.out.printf("fairness: without the cap the small tenant's last sync was #%d of %d%n", lastSmall + 1, burst.order.size());
    assertThat(burst.releasedBySmallTenant).as("the small tenant was served while the burst held its threads").isFalse();
    assertThat(burst.order.subList(0, THREADS)).as("syncs started while the burst held every thread")
        .allMatch(k -> k.startsWith("big/"));
    // released, the burst runs in due order and the small tenant, due last, comes last (a few places
    // of slack: one poll batch runs on several threads at once)
    assertThat(lastSmall).isGreaterThanOrEqualTo(BIG - 10);
  }

  private record Burst(List<String> order, boolean releasedBySmallTenant) {}

  private static int lastSmallPosition(List<String> order) {
    int last = -1;
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i).startsWith("small/")) {
        last = i;
      }
    }
    return last;
  }

  private static Burst runBurst(int tenantConcurrency, Duration guard) throws Exception {
    Store store = Store.inMemory();
    CountDownLatch smallDone = new CountDownLatch(SMALL);
    AtomicBoolean guardExpired = new AtomicBoolean();
    long deadline = System.nanoTime() + guard.toNanos();
    ScriptedRunner runner = new ScriptedRunner().script((id, n) -> {
      if (id.tenant().equals("small")) {
        smallDone.countDown();
      } else {
        try {
          // one deadline for all: once it passed, the rest of the burst runs without holding threads
          if (!smallDone.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            guardExpired.set(true);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Reports.of(id.tenant(), id.feedId(), SyncOutcome.APPLIED);
    });
    try (TestDatabase db = TestDatabases.h2Memory()) {
      FeedSyncScheduler w = FeedSyncScheduler.builder(db.pool(8))
          .feeds(store)
          .runner(runner)
          .threads(THREADS)
          .tenantConcurrency(tenantConcurrency)
          .pollingInterval(Duration.ofMillis(100))
          .enrolOnStart(false)
          .start();
      try {
        // the big tenant's burst is due first, the small tenant's five feeds right after it
        for (int i = 0; i < BIG; i++) {
          w.enrol(feed(store, "big", "b" + i));
        }
        for (int i = 0; i < SMALL; i++) {
          w.enrol(feed(store, "small", "s" + i));
        }
        // a liveness guard, not a timing bound
        await().atMost(guard.plusSeconds(60)).until(() -> runner.starts.size() == BIG + SMALL);
        assertThat(runner.overlaps).hasValue(0);
        // no big sync gave up waiting: the small tenant's syncs ran while the burst held its threads
        return new Burst(List.copyOf(runner.order), !guardExpired.get());
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
