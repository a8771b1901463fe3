package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.HistoryRetention;
import dev.icssync.IcsSync;
import dev.icssync.NextDue;
import dev.icssync.SyncConfig;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FetchResult;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.time.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The change log stays bounded: every sync, a 304 included, appends a run, and the engine prunes
 * what {@link HistoryRetention} no longer keeps, in batches, while it syncs. Runs hundreds of poll
 * cycles of a few feeds through the real engine (a fetcher answering 304, a clock an hour further
 * each cycle) and checks after every cycle that the table stays within the bound, that the newest
 * runs and the statistics' one-day window are all there, and that no DELETE removed more rows than
 * the batch size.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HistoryRetentionTest {
  static final int FEEDS = 4;
  static final int CYCLES = 150;
  static final Duration POLL = Duration.ofHours(1);
  static final int BATCH = 7;
  static final int PRUNE_EVERY = 20;
  /** A day, the statistics' window: the least a deployment may keep. */
  static final HistoryRetention RETENTION = HistoryRetention.builder()
      .keepFor(Duration.ofDays(1)).keepRuns(10).batchSize(BATCH).build();

  TestDatabase db;
  final List<Integer> deleteBatches = new CopyOnWriteArrayList<>();
  JdbcStore store;
  String tenant;
  MutableClock clock;

  abstract TestDatabase openDatabase();

  @BeforeAll
  void setUpDatabase() {
    db = openDatabase();
    JdbcStore.migrate(db.dataSource());
    // records the row count of every DELETE from the run table
    store = countingDeletes(deleteBatches);
  }

  @AfterAll
  void tearDownDatabase() {
    db.close();
  }

  @BeforeEach
  void newTenant() {
    tenant = "t-" + UUID.randomUUID();
    clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    deleteBatches.clear();
  }

  private IcsSync engine(int pruneEverySyncs) {
    return engine(store, pruneEverySyncs);
  }

  private IcsSync engine(JdbcStore store, int pruneEverySyncs) {
    for (int i = 0; i < FEEDS; i++) {
      store.saveFeed(Feed.builder(tenant, "f" + i).property("villa" + i).source("airbnb").url("https://example.test/f" + i + ".ics").build());
    }
    return IcsSync.builder()
        .store(store)
        // a failure records a run row of its feed per sync (a 304's run is kept in a tally instead)
        .fetcher(request -> FetchResult.Failed.of(FailureReason.SERVER_ERROR, "503 from the channel"))
        .clock(clock)
        .config(SyncConfig.builder().historyRetention(RETENTION).pruneEverySyncs(pruneEverySyncs).build())
        .build();
  }

  @Test
  void theEnginePrunesTheHistoryInBatchesAndKeepsTheStatisticsWindow() throws SQLException {
    // runs a day back at one an hour, plus the runs since the last prune (PRUNE_EVERY syncs)
    int windowRuns = (int) (RETENTION.keepFor().toHours() / POLL.toHours()) + 1;
    int bound = FEEDS * windowRuns + PRUNE_EVERY;
    int max = 0;
    try (IcsSync sync = engine(PRUNE_EVERY)) {
      for (int cycle = 0; cycle < CYCLES; cycle++) {
        List<SyncReport> reports = sync.syncTenant(tenant, NextDue.IGNORE);
        assertThat(reports).extracting(SyncReport::outcome).containsOnly(SyncOutcome.FAILED);
        // the engine prunes on a thread of its own: the bound holds once the prune asked for has run
        int c = cycle;
        await().untilAsserted(() -> assertThat(runRows()).as("run rows after cycle %d", c).isLessThanOrEqualTo(bound));
        max = Math.max(max, runRows());
        Instant now = clock.instant();
        for (int f = 0; f < FEEDS; f++) {
          // the newest run and every run of the last day are kept
          assertThat(store.runs(tenant, "f" + f, 1)).singleElement()
              .satisfies(r -> assertThat(r.finishedAt()).isEqualTo(now));
          assertThat(runRowsSince("f" + f, now.minus(RETENTION.keepFor())))
              .as("runs of the last day, feed f%d, cycle %d", f, cycle).isEqualTo(Math.min(cycle + 1, windowRuns));
        }
        clock.advance(POLL);
      }
      // every row deleted was deleted by a batch counted here (the prune thread done with its last)
      await().untilAsserted(() -> assertThat(deleteBatches.stream().mapToInt(Integer::intValue).sum())
          .isEqualTo(FEEDS * CYCLES - runRows()));
    }
    // without pruning the table would hold FEEDS * CYCLES = 600 rows of this tenant
    assertThat(max).isLessThanOrEqualTo(bound).isLessThan(FEEDS * CYCLES / 4);
    assertThat(deleteBatches).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(BATCH));
    assertThat(deleteBatches.stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(FEEDS * CYCLES - runRows());
    assertThat(deleteBatches).contains(BATCH); // a prune with more to delete than one batch took several
  }

  @Test
  void aHostPrunesOnDemandWhenTheEngineDoesNot() throws SQLException {
    try (IcsSync sync = engine(0)) {
      syncHourly(sync, 60);
      assertThat(runRows()).isEqualTo(FEEDS * 60);
      assertThat(deleteBatches).isEmpty();

      long deleted = sync.pruneHistory();

      // 60 hourly runs per feed; the last sync ran an hour before the clock: 24 runs inside the day
      assertThat(deleted).isEqualTo(FEEDS * (60 - 24));
      assertThat(runRows()).isEqualTo(FEEDS * 24);
      assertThat(deleteBatches).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(BATCH))
          .hasSizeGreaterThanOrEqualTo(FEEDS * (60 - 24) / BATCH);
      assertThat(sync.pruneHistory()).isZero();
    }
  }

  @Test
  void aFeedThatStoppedPollingKeepsItsLastRuns() throws SQLException {
    try (IcsSync sync = engine(0)) {
      syncHourly(sync, 30);
      clock.advance(Duration.ofDays(30));

      sync.pruneHistory();

      assertThat(runRows()).isEqualTo(FEEDS * RETENTION.keepRuns());
      for (int f = 0; f < FEEDS; f++) {
        assertThat(store.runs(tenant, "f" + f, 100)).hasSize(RETENTION.keepRuns());
      }
    }
  }

  @Test
  void aPruneDoesNotWalkAgainTheRunsAnEarlierPruneKept() throws SQLException {
    // a store of its own: its prunes start from nothing walked (the class's store prunes in every test)
    List<Integer> deletes = new CopyOnWriteArrayList<>();
    JdbcStore own = countingDeletes(deletes);
    try (IcsSync sync = engine(own, 0)) {
      syncHourly(sync, 30);
      clock.advance(Duration.ofDays(30));
      sync.pruneHistory();
      // every feed keeps its newest ten runs, all of them older than the day kept
      assertThat(runRows()).isEqualTo(FEEDS * RETENTION.keepRuns());
      deletes.clear();

      // nothing appended since: nothing to walk (a walk of the kept runs is a DELETE per batch of 7)
      assertThat(sync.pruneHistory()).isZero();
      assertThat(deletes).isEmpty();

      // one feed appends a run: its oldest run leaves, and only its runs are looked at
      sync.syncFeed(tenant, "f0");
      Instant appended = clock.instant();
      clock.advance(POLL);
      assertThat(sync.pruneHistory()).isEqualTo(1);
      assertThat(deletes).containsExactly(1);
      assertThat(store.runs(tenant, "f0", 100)).hasSize(RETENTION.keepRuns())
          .first().satisfies(r -> assertThat(r.finishedAt()).isEqualTo(appended));
      assertThat(runRows()).isEqualTo(FEEDS * RETENTION.keepRuns());

      // the runs a walk passed while they were younger than the day are pruned once old
      deletes.clear();
      for (int cycle = 0; cycle < 30; cycle++) {
        sync.syncTenant(tenant, NextDue.IGNORE);
        clock.advance(POLL);
        sync.pruneHistory();
      }
      // 24 runs a feed in the last day, none older beyond the newest ten
      assertThat(runRows()).isEqualTo(FEEDS * 24);
      assertThat(deletes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(BATCH));
    }
  }

  @Test
  void aRunAWalkPassedWhileYoungIsLeftToTheNextFullWalk() throws SQLException {
    JdbcStore own = JdbcStore.create(db.dataSource());
    try (IcsSync sync = engine(own, 0)) {
      syncHourly(sync, 30);
      // f0's first run stamped by a clock a day ahead: younger than the runs appended after it
      db.execute("UPDATE icssync_sync_run SET finished_at = TIMESTAMP WITH TIME ZONE '"
          + clock.instant().atOffset(ZoneOffset.UTC) + "' WHERE seq = (SELECT MIN(seq) FROM icssync_sync_run"
          + " WHERE tenant = '" + tenant + "' AND feed_id = 'f0')");
      // (counted on this tenant's rows: the store's prunes cross tenants, other tests' included)
      // the first prune walks the six old cycles; the stamped run among them is young, so kept
      own.pruneRuns(RETENTION, clock.instant());
      assertThat(runRows()).isEqualTo(FEEDS * 24 + 1);
      clock.advance(Duration.ofDays(2));
      // every run but each feed's newest ten is old now: the walk deletes those it had not passed
      own.pruneRuns(RETENTION, clock.instant());
      assertThat(runRows()).isEqualTo(FEEDS * RETENTION.keepRuns() + 1);
      for (int prune = 3; prune < JdbcStore.PRUNE_FULL_WALK_EVERY + 1; prune++) {
        own.pruneRuns(RETENTION, clock.instant());
        assertThat(runRows()).as("prune %d", prune).isEqualTo(FEEDS * RETENTION.keepRuns() + 1);
      }
      // the full walk, every PRUNE_FULL_WALK_EVERY prunes, finds it
      own.pruneRuns(RETENTION, clock.instant());
      assertThat(runRows()).isEqualTo(FEEDS * RETENTION.keepRuns());
      assertThat(own.runs(tenant, "f0", 100)).hasSize(RETENTION.keepRuns());
    }
  }

  /** A store over the test database that adds the row count of every DELETE from the run table to {@code deletes}. */
  private JdbcStore countingDeletes(List<Integer> deletes) {
    return JdbcStore.create(CountingDataSource.wrap(db.dataSource(), (sql, method, result) -> {
      if (method.equals("executeUpdate") && sql != null && sql.startsWith("DELETE FROM icssync_sync_run")) {
        deletes.add((Integer) result);
      }
    }));
  }

  /** {@code cycles} rounds of the tenant's feeds, an hour apart. */
  private void syncHourly(IcsSync sync, int cycles) {
    for (int cycle = 0; cycle < cycles; cycle++) {
      sync.syncTenant(tenant, NextDue.IGNORE);
      clock.advance(POLL);
    }
  }

  int runRows() throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM icssync_sync_run WHERE tenant = ?")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Runs of the statistics view (what {@code stats} reads) that finished at or after {@code since}. */
  int runRowsSince(String feedId, Instant since) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM icssync_sync_run_stats "
            + "WHERE tenant = ? AND feed_id = ? AND finished_at >= ?")) {
      ps.setString(1, tenant);
      ps.setString(2, feedId);
      ps.setObject(3, since.atOffset(ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
