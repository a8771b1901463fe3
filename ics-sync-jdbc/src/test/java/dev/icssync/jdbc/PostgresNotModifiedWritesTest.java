package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.NextDue;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.StateUpdate;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import dev.icssync.tck.time.MutableClock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a poll answered 304 costs the database, counted (never timed) on PostgreSQL through a
 * counting data source: commits and write statements. A 304 sync writes nothing before or during
 * its fetch; its state is written with other feeds' in one statement and one commit per batch, and
 * its run is kept in one tally row per tenant, source and outcome of the batch.
 */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresNotModifiedWritesTest {
  static final int FEEDS = 100;
  static final String BODY = PostgresRestartTest.calendar(3);

  private TestDatabase db;
  private final AtomicInteger commits = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();
  private JdbcStore store;
  private String tenant;
  private MutableClock clock;

  @BeforeAll
  void setUp() {
    db = TestDatabases.postgres("jdbc_not_modified_writes");
    JdbcStore.migrate(db.dataSource());
    store = JdbcStore.create(
        CountingDataSource.counting(db.pool(4), commits, writes, sql -> sql != null && isWrite(sql)));
  }

  @AfterAll
  void tearDown() {
    db.close();
  }

  @BeforeEach
  void newTenant() {
    tenant = "t-" + UUID.randomUUID();
    clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  }

  /** A channel that answers 304 to a request carrying its ETag, else the body with the ETag. */
  private static final FeedFetcher CHANNEL = request -> "\"v1\"".equals(request.etag())
      ? new FetchResult.NotModified("\"v1\"", null, null)
      : new FetchResult.Fetched(BODY.getBytes(StandardCharsets.UTF_8), null, null, "\"v1\"", null, null);

  private IcsSync engine() {
    for (int i = 0; i < FEEDS; i++) {
      store.saveFeed(new Feed("f" + i, tenant, "villa" + i, i % 2 == 0 ? "airbnb" : "booking",
          "https://example.test/f" + i + ".ics", Duration.ofMinutes(15), true, 0));
    }
    return IcsSync.builder().store(store).fetcher(CHANNEL).clock(clock).build();
  }

  @Test
  void aRoundOfNotModifiedFeedsWritesEachStateOnceInBatchesWithOneTallyPerSource() throws SQLException {
    try (IcsSync sync = engine()) {
      assertThat(sync.syncTenant(tenant, NextDue.IGNORE)).extracting(SyncReport::outcome)
          .containsOnly(SyncOutcome.APPLIED);
      long runsBefore = count("SELECT count(*) FROM icssync_sync_run WHERE tenant = ?");
      clock.advance(Duration.ofMinutes(15));
      commits.set(0);
      writes.set(0);

      List<SyncReport> reports = sync.syncTenant(tenant);

      assertThat(reports).hasSize(FEEDS).extracting(SyncReport::outcome).containsOnly(SyncOutcome.NOT_MODIFIED);
      // the promise: at most one write per feed, batched; here one statement and one commit per batch,
      // and batches are flushed at least every 500 feeds, a second, and at the end of the round
      assertThat(writes.get()).as("write statements").isEqualTo(commits.get());
      assertThat(commits.get()).as("commits for %d feeds", FEEDS).isBetween(1, FEEDS / 10);
      long tallies = count("SELECT count(*) FROM icssync_sync_run WHERE tenant = ?") - runsBefore;
      assertThat(tallies).as("tally rows").isBetween(2L, 2L * commits.get());
      assertThat(count("SELECT COALESCE(SUM(syncs), 0) FROM icssync_sync_run_stats WHERE tenant = ? "
          + "AND outcome = 'NOT_MODIFIED'")).isEqualTo(FEEDS);
      assertThat(count("SELECT COALESCE(SUM(syncs), 0) FROM icssync_sync_run_stats WHERE tenant = ? "
          + "AND outcome = 'NOT_MODIFIED' AND source = 'booking'")).isEqualTo(FEEDS / 2);
      Instant now = clock.instant();
      for (int i = 0; i < FEEDS; i += 37) {
        FeedState s = store.state(tenant, "f" + i);
        assertThat(s.lastSuccess()).isEqualTo(now);
        assertThat(s.nextDue()).isEqualTo(now.plus(Duration.ofMinutes(15)));
        assertThat(s.etag()).isEqualTo("\"v1\"");
      }
      // the next round honours the next due time: nothing is due, nothing is fetched or written
      commits.set(0);
      writes.set(0);
      assertThat(sync.syncTenant(tenant)).extracting(SyncReport::outcome).containsOnly(SyncOutcome.SKIPPED);
      assertThat(commits.get()).isZero();
      assertThat(writes.get()).isZero();
    }
  }

  @Test
  void oneBatchOfStatesIsOneStatementAndOneCommit() {
    try (IcsSync sync = engine()) {
      sync.syncTenant(tenant, NextDue.IGNORE);
      List<StateUpdate> updates = new ArrayList<>();
      for (int i = 0; i < FEEDS; i++) {
        FeedState read = store.state(tenant, "f" + i);
        FeedState next = FeedState.builder().tenant(tenant).feedId(read.feedId()).etag("\"v2\"").contentDigest(read.contentDigest()).parserVersion(read.parserVersion()).lastAttempt(read.lastAttempt()).lastSuccess(Instant.parse("2026-03-01T11:00:00Z")).consecutiveFailures(0).nextDue(Instant.parse("2026-03-01T11:15:00Z")).generation(read.generation()).build();
        updates.add(new StateUpdate(read, next, null));
      }
      commits.set(0);
      writes.set(0);

      assertThat(store.saveStates(updates)).isEqualTo(FEEDS);

      assertThat(commits.get()).isEqualTo(1);
      assertThat(writes.get()).isEqualTo(1);
    }
  }

  @Test
  void aSingleNotModifiedSyncWritesOnceAndNothingBeforeItsFetch() {
    try (IcsSync sync = engine()) {
      sync.syncFeed(tenant, "f1");
      clock.advance(Duration.ofMinutes(15));
      commits.set(0);
      writes.set(0);
      AtomicInteger writesBeforeFetch = new AtomicInteger(-1);
      try (IcsSync watched = IcsSync.builder().store(store).clock(clock).fetcher(request -> {
        writesBeforeFetch.set(writes.get());
        return CHANNEL.fetch(request);
      }).build()) {
        assertThat(watched.syncFeed(tenant, "f1").outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);
      }
      assertThat(writesBeforeFetch.get()).isZero();
      assertThat(writes.get()).isEqualTo(1);
      assertThat(commits.get()).isEqualTo(1);
    }
  }

  /**
   * A feed's state is rewritten at every poll, so the states table must not grow with polls: each
   * page keeps room for the new version of its rows (fillfactor), the update stays on the page
   * (a heap-only tuple, no index entry) and the page's dead versions are pruned as it is read, with
   * no vacuum. Autovacuum is off for the table here, so that only that can keep it flat; without
   * the room, every round writes each row's new version onto a new page at the table's end.
   */
  @Test
  void roundsOfNotModifiedStatesKeepTheStatesTableFlatWithoutVacuum() throws SQLException {
    int feeds = 600;
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "ALTER TABLE icssync_feed_state SET (autovacuum_enabled = false)")) {
      ps.execute();
    }
    try {
      for (int i = 0; i < feeds; i++) {
        store.saveFeed(new Feed("g" + i, tenant, "villa" + i, "airbnb", "https://example.test/g" + i + ".ics",
            Duration.ofMinutes(15), true, 0));
      }
      try (IcsSync sync = IcsSync.builder().store(store).fetcher(CHANNEL).clock(clock).build()) {
        assertThat(sync.syncTenant(tenant, NextDue.IGNORE)).extracting(SyncReport::outcome)
            .containsOnly(SyncOutcome.APPLIED);
      }
      long afterFirst = 0;
      for (int round = 0; round <= 10; round++) {
        Instant at = Instant.parse("2026-03-01T11:00:00Z").plus(Duration.ofMinutes(15L * round));
        List<StateUpdate> updates = new ArrayList<>(feeds);
        for (int i = 0; i < feeds; i++) {
          FeedState read = store.state(tenant, "g" + i);
          FeedState next = FeedState.builder().tenant(tenant).feedId(read.feedId()).etag("\"v-" + i + "\"")
              .lastModified("Sun, 01 Mar 2026 10:00:00 GMT").contentDigest("sha256-" + "d".repeat(64))
              .parserVersion(3).lastAttempt(at).lastSuccess(at).consecutiveFailures(0)
              .nextDue(at.plus(Duration.ofMinutes(15))).generation(read.generation()).build();
          updates.add(new StateUpdate(read, next, null));
        }
        assertThat(store.saveStates(updates)).isEqualTo(feeds);
        if (round == 0) {
          afterFirst = statesTableBytes();
        }
      }
      long afterEleven = statesTableBytes();
      // ten more versions of every row: flat, within a few pages of what one version takes
      assertThat(afterEleven).as("icssync_feed_state bytes after 11 rounds of %d states (%d after the first)",
          feeds, afterFirst).isLessThanOrEqualTo(afterFirst + afterFirst / 2);
    } finally {
      try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
          "ALTER TABLE icssync_feed_state RESET (autovacuum_enabled)")) {
        ps.execute();
      }
    }
  }

  private long statesTableBytes() throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_relation_size('icssync_feed_state')");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // ----------------------------------------------------------------- what the data source counts

  private static boolean isWrite(String sql) {
    String s = sql.stripLeading().toUpperCase(Locale.ROOT);
    return s.startsWith("INSERT") || s.startsWith("UPDATE") || s.startsWith("DELETE") || s.startsWith("MERGE")
        || s.startsWith("WITH") || s.startsWith("COPY");
  }
}
