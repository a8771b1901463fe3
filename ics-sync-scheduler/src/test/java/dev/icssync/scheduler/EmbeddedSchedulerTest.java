package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSyncException;
import dev.icssync.SyncOutcome;
import dev.icssync.spi.Store;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The single-JVM embedded setup (CLI, tests): db-scheduler on H2 in memory, the same code path as
 * production. The engine is replaced by a scripted runner so each rescheduling rule is observable.
 */
class EmbeddedSchedulerTest {
  private TestDatabase db;
  private DataSource dataSource;
  private final Store store = Store.inMemory();
  private final ScriptedRunner runner = new ScriptedRunner();
  private final List<FeedSyncTask.RunRecord> records = new CopyOnWriteArrayList<>();
  private final List<FeedSyncScheduler> workers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    db = TestDatabases.h2Memory();
    dataSource = db.pool(8);
  }

  @AfterEach
  void tearDown() {
    workers.forEach(FeedSyncScheduler::close);
    db.close();
  }

  private FeedSyncScheduler.Builder builder() {
    return FeedSyncScheduler.builder(dataSource)
        .feeds(store)
        .runner(runner)
        .threads(4)
        .pollingInterval(Duration.ofMillis(100))
        .heartbeatInterval(Duration.ofMillis(500))
        .shutdownMaxWait(Duration.ofSeconds(5))
        .observer(records::add);
  }

  private FeedSyncScheduler start(FeedSyncScheduler.Builder b) {
    FeedSyncScheduler w = b.start();
    workers.add(w);
    return w;
  }

  private Feed feed(String tenant, String id, Duration interval) {
    Feed f = new Feed(id, tenant, "prop-" + id, "airbnb", "https://feeds.example/" + id + ".ics", interval, true, 0);
    store.saveFeed(f);
    return f;
  }

  @Test
  void runningIsTrueFromStartUntilClose() {
    FeedSyncScheduler w = start(builder());
    assertThat(w.running()).isTrue();
    w.close();
    assertThat(w.running()).isFalse();
  }

  @Test
  void everyFeedRunsOncePerIntervalWithinTheJitterAndNeverTwiceAtOnce() {
    Duration interval = Duration.ofMillis(1_000);
    for (int i = 0; i < 30; i++) {
      feed("acme", "f" + i, interval);
    }
    start(builder().jitter(0.1));
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.starts.size() == 30
        && runner.starts.values().stream().allMatch(l -> l.size() >= 4));
    for (int i = 0; i < 30; i++) {
      // the first run is spread over [0, interval) by enrolAll; after it, each run is due the interval
      // +-10 % after the previous one and starts when due, give or take the pickup
      assertOnTime(syncsOf("acme", "f" + i), Duration.ofMillis(900), Duration.ofMillis(1_100));
    }
    assertThat(runner.overlaps).hasValue(0);
  }

  @Test
  void enrolAllSpreadsFirstRunsOverTheInterval() {
    Duration interval = Duration.ofHours(1);
    for (int i = 0; i < 200; i++) {
      feed("big", "f" + i, interval);
    }
    FeedSyncScheduler w = start(builder());
    List<Long> offsets = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < 200; i++) {
      offsets.add(Duration.between(now, w.nextRun("big", "f" + i).orElseThrow()).toMinutes());
    }
    assertThat(offsets).allMatch(m -> m >= -1 && m <= 60);
    // spread, not bunched: every quarter of the hour gets a share
    for (int q = 0; q < 4; q++) {
      int quarter = q;
      assertThat(offsets.stream().filter(m -> m >= quarter * 15 && m < quarter * 15 + 15).count()).isGreaterThan(20);
    }
    assertThat(w.enrolAll()).as("a second enrolAll creates nothing").isZero();
  }

  @Test
  void retryAfterIsRespectedAndFailuresBackOffAndGoneStops() {
    feed("acme", "limited", Duration.ofHours(1));
    feed("acme", "flaky", Duration.ofHours(1));
    feed("acme", "gone", Duration.ofHours(1));
    runner.script((id, n) -> switch (id.feedId()) {
      case "limited" -> n == 1
          ? Reports.failed(id.tenant(), id.feedId(), FailureReason.RATE_LIMITED, Duration.ofMillis(1_500))
          : Reports.of(id.tenant(), id.feedId(), SyncOutcome.APPLIED);
      case "flaky" -> Reports.failed(id.tenant(), id.feedId(), FailureReason.NETWORK, null);
      default -> Reports.failed(id.tenant(), id.feedId(), FailureReason.GONE, null);
    });
    FeedSyncScheduler w = start(builder().enrolOnStart(false).jitter(0).backoff(Duration.ofMillis(200), Duration.ofMillis(800)));
    w.enrol("acme", "limited");
    w.enrol("acme", "flaky");
    w.enrol("acme", "gone");
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.runs("acme", "limited") >= 2 && runner.runs("acme", "flaky") >= 6);

    List<Instant> limited = runner.startsOf("acme", "limited");
    assertThat(Duration.between(limited.get(0), limited.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
    assertThat(w.nextRun("acme", "limited").orElseThrow()).isAfter(Instant.now().plus(Duration.ofMinutes(50)));

    // backoff in [base, cap] after each failure
    assertOnTime(syncsOf("acme", "flaky"), Duration.ofMillis(200), Duration.ofMillis(800));
    assertThat(failureCount("acme/flaky")).isGreaterThanOrEqualTo(6);

    assertThat(runner.runs("acme", "gone")).isEqualTo(1);
    assertThat(w.nextRun("acme", "gone")).isEmpty();
  }

  @Test
  void aDeactivatedOrRemovedFeedStopsWithoutBeingFetched() {
    Feed off = feed("acme", "off", Duration.ofMillis(300));
    feed("acme", "on", Duration.ofMillis(300));
    FeedSyncScheduler w = start(builder().jitter(0));
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.runs("acme", "off") >= 1 && runner.runs("acme", "on") >= 1);
    store.saveFeed(off.withActive(false));
    await().atMost(Duration.ofSeconds(60)).until(() -> w.nextRun("acme", "off").isEmpty());
    int runsAfterStop = runner.runs("acme", "off");
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.runs("acme", "on") >= 4);
    assertThat(runner.runs("acme", "off")).isEqualTo(runsAfterStop);
    assertThat(w.enrol(off.withActive(false))).isFalse();
  }

  @Test
  void syncNowEnrolAndCancel() {
    Feed f = feed("acme", "f1", Duration.ofHours(1));
    FeedSyncScheduler w = start(builder().enrolOnStart(false));
    assertThat(w.nextRun("acme", "f1")).isEmpty();
    assertThat(w.enrol(f)).isTrue();
    assertThat(w.enrol(f)).as("already enrolled").isFalse();
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.runs("acme", "f1") == 1);
    await().atMost(Duration.ofSeconds(60)).until(() -> w.nextRun("acme", "f1").orElseThrow()
        .isAfter(Instant.now().plus(Duration.ofMinutes(50))));

    assertThat(w.syncNow("acme", "f1")).isTrue();
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.runs("acme", "f1") == 2);

    await().atMost(Duration.ofSeconds(60)).until(() -> w.nextRun("acme", "f1").orElseThrow()
        .isAfter(Instant.now().plus(Duration.ofMinutes(50))));
    assertThat(w.cancel("acme", "f1")).isTrue();
    assertThat(w.cancel("acme", "f1")).isFalse();
    assertThat(w.nextRun("acme", "f1")).isEmpty();

    assertThat(w.syncNow("acme", "f1")).as("an active feed without schedule is enrolled").isTrue();
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.runs("acme", "f1") == 3);
    assertThat(w.syncNow("acme", "unknown")).isFalse();
  }

  @Test
  void syncNowOfATenantMovesOnlyThatTenantsFeeds() {
    feed("a_b", "f1", Duration.ofHours(10));
    feed("a_b", "f2", Duration.ofHours(10));
    feed("aXb", "f3", Duration.ofHours(10)); // would match an unescaped LIKE 'a_b/%'
    FeedSyncScheduler w = start(builder());
    assertThat(w.syncNow("a_b")).isEqualTo(2);
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.runs("a_b", "f1") == 1 && runner.runs("a_b", "f2") == 1);
    assertThat(runner.runs("aXb", "f3")).isZero();
    assertThat(w.syncNow("nobody")).isZero();
  }

  @Test
  void enrolAllWithAZeroSpreadMakesEveryFeedDueNow() {
    for (int i = 0; i < 20; i++) {
      feed("acme", "n" + i, Duration.ofHours(1));
    }
    FeedSyncScheduler w = start(builder().enrolOnStart(false));
    assertThat(w.enrolAll(Duration.ZERO)).isEqualTo(20);
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.starts.size() == 20);
    assertThatThrownBy(() -> w.enrolAll(Duration.ofSeconds(-1))).hasMessageContaining("spread");
  }

  @Test
  void aStoreOutageBacksOffAndTheFeedResumesAfterwards() {
    feed("acme", "f1", Duration.ofHours(1));
    java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
    dev.icssync.spi.FeedStore flaky = new dev.icssync.spi.ForwardingStore(store) {
      @Override
      public java.util.Optional<Feed> feed(String tenant, String feedId) {
        lookups.incrementAndGet();
        if (down.get()) {
          throw new IcsSyncException.StorageException("connection refused", null);
        }
        return super.feed(tenant, feedId);
      }
    };
    FeedSyncScheduler w = start(builder().feeds(flaky).enrolOnStart(false).backoff(Duration.ofMillis(200), Duration.ofMillis(400)));
    w.enrol(store.feed("acme", "f1").orElseThrow());
    await().atMost(Duration.ofSeconds(60)).until(() -> lookups.get() >= 3);
    assertThat(runner.runs("acme", "f1")).isZero();
    assertThat(failureCount("acme/f1")).isGreaterThanOrEqualTo(2);
    down.set(false);
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.runs("acme", "f1") == 1);
    await().atMost(Duration.ofSeconds(60)).until(() -> failureCount("acme/f1") == 0);
  }

  @Test
  void cancelWaitsForARunningSync() {
    Feed slow = feed("acme", "slow", Duration.ofHours(1));
    runner.work(Duration.ofMillis(800));
    FeedSyncScheduler w = start(builder().enrolOnStart(false));
    w.enrol(slow);
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.runs("acme", "slow") == 1);
    assertThat(w.cancel("acme", "slow")).isTrue();
    assertThat(w.nextRun("acme", "slow")).isEmpty();
  }

  @Test
  void tablesAreOursAndBadConfigurationIsRejectedByName() {
    start(builder().tableName("my_feeds_sched"));
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM my_feeds_sched_host_slots")) {
      assertThat(rs.next()).isTrue();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> builder().tableName("x; DROP TABLE y").start())
        .isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("tableName");
    assertThatThrownBy(() -> builder().threads(0).start()).hasMessageContaining("threads");
    assertThatThrownBy(() -> builder().jitter(0.9).start()).hasMessageContaining("jitter");
    assertThatThrownBy(() -> builder().backoff(Duration.ofMinutes(5), Duration.ofMinutes(1)).start())
        .hasMessageContaining("backoffCap");
    assertThatThrownBy(() -> FeedSyncScheduler.builder(dataSource).start()).hasMessageContaining("sync");
    // setters only store; start() checks, with one exception family
    FeedSyncScheduler.Builder blank = builder().schedulerName(" ").hostMinInterval(" ", Duration.ZERO);
    assertThatThrownBy(blank::start).isInstanceOf(IcsSyncException.ConfigurationException.class)
        .hasMessageContaining("host");
    assertThatThrownBy(() -> builder().schedulerName(" ").start())
        .isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("schedulerName");
  }

  private List<FeedSyncTask.RunRecord> syncsOf(String tenant, String feedId) {
    FeedTaskId id = new FeedTaskId(tenant, feedId);
    // runs of one feed never overlap and each is recorded before it reschedules: list order is run order
    return records.stream().filter(r -> r.id().equals(id) && r.kind().equals("sync")).toList();
  }

  /**
   * Each run was scheduled {@code [min, max]} after the one before, measured on that run's own
   * timestamps (exact: what the policy decided), and started when due: never early, and late by at
   * most the pickup. Pickup is within one polling interval (100 ms) on an idle machine; the bound
   * allows 2 s on top, plus the lag every run of this test had at that moment ({@link PickupLag},
   * measured here: a loaded machine delays all runs alike), still far below a lost wake-up (the next
   * poll of an idle worker) or a schedule off by an interval.
   */
  private void assertOnTime(List<FeedSyncTask.RunRecord> runs, Duration min, Duration max) {
    assertThat(runs).hasSizeGreaterThanOrEqualTo(2);
    PickupLag lag = PickupLag.ofChains(PickupLag.chains(records));
    for (int k = 1; k < runs.size(); k++) {
      FeedSyncTask.RunRecord previous = runs.get(k - 1);
      Instant due = previous.decision().nextRun();
      assertThat(Duration.between(previous.started(), due)).as("run %d scheduled after run %d", k, k - 1)
          .isGreaterThanOrEqualTo(min);
      assertThat(Duration.between(previous.finished(), due)).as("run %d scheduled after run %d", k, k - 1)
          .isLessThanOrEqualTo(max);
      // 1 ms: H2 keeps microseconds of the due time, the clock has nanoseconds
      Duration late = Duration.between(due, runs.get(k).started());
      Duration shared = lag.sharedAt(due);
      assertThat(late).as("run %d: lateness (shared lag then %s)", k, shared)
          .isBetween(Duration.ofMillis(-1), Duration.ofMillis(100 + 2_000).plus(shared));
    }
  }

  private int failureCount(String instanceId) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT task_data FROM icssync_scheduled_tasks WHERE task_instance = '"
            + instanceId + "'")) {
      rs.next();
      return Integer.parseInt(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.US_ASCII));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
