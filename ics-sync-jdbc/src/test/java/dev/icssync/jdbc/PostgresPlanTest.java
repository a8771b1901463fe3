package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.CalendarEvent;
import dev.icssync.ChangeCounts;
import dev.icssync.FeedState;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncRun;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.StateUpdate;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The main queries are served by indexes. The events table holds 24,000 rows (12 tenants x 20
 * properties x 100 stays, some cancelled) and is analysed, so the planner picks the index on its own
 * for event queries. The small tables (states, runs, conflicts, tokens) would be read sequentially at
 * this size whatever their indexes, so those plans are taken with {@code enable_seqscan = off}: the
 * assertion there is that an index able to serve the query exists and matches it.
 */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresPlanTest {
  private TestDatabase db;
  private JdbcStore store;

  @BeforeAll
  void load() {
    db = TestDatabases.postgres("jdbc_plan");
    JdbcStore.migrate(db.dataSource());
    store = JdbcStore.create(db.dataSource());
    for (int t = 0; t < 12; t++) {
      for (int p = 0; p < 20; p++) {
        String tenant = "t" + t;
        String feed = "f" + p;
        FeedState s = store.beginSync(tenant, feed, Fixtures.T0);
        List<CalendarEvent> events = new ArrayList<>(Fixtures.stays(tenant, feed, "p" + p, 100));
        for (int i = 0; i < events.size(); i += 7) {
          events.set(i, events.get(i).cancel(Fixtures.T0));
        }
        store.apply(new FeedApply(tenant, feed, List.of(), events, s, Fixtures.run(s, "r", 100)));
      }
    }
    db.execute("ANALYZE");
  }

  @AfterAll
  void drop() {
    db.close();
  }

  @Test
  void activeEventsOfAPropertyInAWindowUseTheActiveRangeIndex() throws SQLException {
    EventQuery q = new EventQuery("t3", "p7", LocalDate.of(2026, 6, 10), LocalDate.of(2026, 7, 10), false);
    String plan = explain(JdbcStore.eventsSql(q), false, ps -> JdbcStore.bindEventsQuery(ps, q, new PostgresDialect()));
    assertThat(plan).contains("icssync_event_active_range").doesNotContain("Seq Scan");
    EventQuery all = EventQuery.active("t3", "p7");
    assertThat(explain(JdbcStore.eventsSql(all), false,
        ps -> JdbcStore.bindEventsQuery(ps, all, new PostgresDialect())))
        .contains("icssync_event_active_range").doesNotContain("Seq Scan");
  }

  @Test
  void queriesIncludingCancelledEventsUseBothPartialIndexes() throws SQLException {
    EventQuery q = new EventQuery("t3", "p7", LocalDate.of(2026, 6, 10), null, true);
    String plan = explain(JdbcStore.eventsSql(q), false, ps -> JdbcStore.bindEventsQuery(ps, q, new PostgresDialect()));
    assertThat(plan).contains("icssync_event_active_range", "icssync_event_cancelled_range")
        .doesNotContain("Seq Scan");
  }

  @Test
  void eventsOfAFeedUseThePrimaryKey() throws SQLException {
    assertThat(explain(JdbcStore.EVENTS_OF_FEED_SQL, false, ps -> {
      ps.setString(1, "t5");
      ps.setString(2, "f9");
    })).contains("icssync_event_pkey").doesNotContain("Seq Scan");
  }

  /** The probe an apply sends with its opening decides how its events are written: one index probe. */
  @Test
  void theProbeForAFeedsStoredEventsUsesThePrimaryKey() throws SQLException {
    for (String feed : new String[] {"f9", "never-synced"}) {
      assertThat(explain(PostgresDialect.HAS_EVENTS_SQL, false, ps -> {
        ps.setString(1, "t5");
        ps.setString(2, feed);
      })).contains("icssync_event_pkey").doesNotContain("Seq Scan");
    }
  }

  @Test
  void smallTablesHaveIndexesForTheirQueries() throws SQLException {
    assertThat(explain(JdbcStore.STATE_FOR_UPDATE_SQL, true, ps -> {
      ps.setString(1, "t5");
      ps.setString(2, "f9");
    })).contains("icssync_feed_state_pkey");
    assertThat(explain(JdbcStore.RUNS_SQL, true, ps -> {
      ps.setString(1, "t5");
      ps.setString(2, "f9");
      ps.setInt(3, 10);
    })).contains("icssync_sync_run_feed").doesNotContain("Sort");
    assertThat(explain(JdbcStore.conflictsSql(true, false), true, ps -> {
      ps.setString(1, "t5");
      ps.setString(2, "p1");
    })).contains("icssync_conflict_property").doesNotContain("Seq Scan");
    assertThat(explain(JdbcStore.conflictsSql(true, true), true, ps -> {
      ps.setString(1, "t5");
      ps.setString(2, "p1");
      ps.setString(3, "OPEN");
    })).contains("icssync_conflict_").doesNotContain("Seq Scan");
    assertThat(explain(JdbcStore.TOKENS_SQL, true, ps -> {
      ps.setString(1, "t5");
      ps.setString(2, "p1");
    })).contains("icssync_export_token_property").doesNotContain("Seq Scan");
    assertThat(explain(JdbcStore.TOKEN_BY_HASH_SQL, true, ps -> ps.setString(1, "ab")))
        .contains("icssync_export_token_pkey");
    assertThat(explain("SELECT id FROM icssync_feed WHERE active AND tenant = ? ORDER BY id", true,
        ps -> ps.setString(1, "t5"))).contains("icssync_feed_active");
  }

  private boolean fleetLoaded;

  /** A tenant with 20,000 feeds and their states, analysed. */
  private void loadFleet() {
    if (fleetLoaded) {
      return;
    }
    db.execute("INSERT INTO icssync_feed (tenant, id, property, source, url, poll_interval_ms, active, priority)"
        + " SELECT 'fleet', 'feed' || g, 'p' || (g / 4), 'airbnb', 'https://example.com/' || g, 3600000, true, 0"
        + " FROM generate_series(1, 20000) g");
    db.execute("INSERT INTO icssync_feed_state (tenant, feed_id) SELECT 'fleet', 'feed' || g"
        + " FROM generate_series(1, 20000) g");
    db.execute("ANALYZE");
    fleetLoaded = true;
  }

  @Test
  void feedsWithStatesProbesThePrimaryKeysOfAFleetTenant() throws SQLException {
    // with f.id = ANY(?) the planner hashed both tables after reading them whole, for every chunk
    // of a fleet's sync
    loadFleet();
    String[] ids = new String[256];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "feed" + (i * 61 + 7);
    }
    try (Connection c = db.connect()) {
      String plan = explain(JdbcStore.PG_FEEDS_WITH_STATES_SQL, false, ps -> {
        ps.setArray(1, c.createArrayOf("text", ids));
        ps.setString(2, "fleet");
      });
      assertThat(plan).contains("icssync_feed_pkey", "icssync_feed_state_pkey").doesNotContain("Seq Scan");
    }
    List<String> asked = List.of("feed5", "nope", "feed19999", "feed1");
    assertThat(store.feedsWithStates("fleet", asked)).extracting(fs -> fs.feed().id())
        .containsExactly("feed5", "feed19999", "feed1");
  }

  @Test
  void savingABatchOfStatesProbesThePrimaryKeysOfAFleetTenant() throws SQLException {
    // the fenced update joined the unnested batch to the states, and the tallies to the feeds: for
    // a batch of 77 of 20,000 feeds the planner read and hashed both tables whole
    loadFleet();
    for (int size : new int[] {77, 1000}) {
      List<StateUpdate> batch = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        FeedState read = FeedState.initial("fleet", "feed" + (i * 19 + 3));
        FeedState checked = read.toBuilder().lastAttempt(Fixtures.T0).nextDue(Fixtures.T0.plusSeconds(3600)).build();
        batch.add(new StateUpdate(read, checked, new SyncRun("r" + i, "fleet", read.feedId(), 0, Fixtures.T0,
            Fixtures.T0.plusMillis(5), SyncOutcome.NOT_MODIFIED, null, ChangeCounts.NONE, "not modified")));
      }
      for (String planning : new String[] {"auto", "force_generic_plan"}) {
        try (Connection c = db.connect()) {
          java.sql.Array[] arrays = new java.sql.Array[JdbcStore.SAVE_STATES_ARRAYS];
          String plan = explain(c, "SELECT set_config('plan_cache_mode', '" + planning + "', true)",
              JdbcStore.PG_SAVE_STATES_SQL, ps -> JdbcStore.bindSaveStates(c, ps, batch, arrays));
          assertThat(plan).as("batch of %d, %s:%n%s", size, planning, plan)
              .contains("icssync_feed_state_pkey", "icssync_feed_pkey").doesNotContain("Seq Scan", "Hash");
        }
      }
    }
  }

  /**
   * Before the first ANALYZE of a fleet's states (a new deployment, a restored database, a table
   * autovacuum has not reached), the planner guesses: with the fence's checks that a state holds no
   * failure and no quarantine taken as a restriction on the states alone, it reckoned one state would
   * match and scanned all of them once per batch, checking each against every update of the batch
   * (10,000 states x 500 updates: seconds per batch where a probe per update takes milliseconds).
   */
  @Test
  void savingABatchOfStatesProbesThePrimaryKeyBeforeTheStatesAreAnalysed() throws SQLException {
    try (TestDatabase fresh = TestDatabases.postgres("jdbc_plan_unanalysed")) {
      JdbcStore.migrate(fresh.dataSource());
      fresh.execute("ALTER TABLE icssync_feed SET (autovacuum_enabled = off)");
      fresh.execute("ALTER TABLE icssync_feed_state SET (autovacuum_enabled = off)");
      fresh.execute("INSERT INTO icssync_feed (tenant, id, property, source, url, poll_interval_ms, active, priority)"
          + " SELECT 'fleet', 'feed' || g, 'p' || (g / 4), 'airbnb', 'https://example.com/' || g, 3600000, true, 0"
          + " FROM generate_series(1, 10000) g");
      fresh.execute("INSERT INTO icssync_feed_state (tenant, feed_id) SELECT 'fleet', 'feed' || g"
          + " FROM generate_series(1, 10000) g");
      for (boolean timesOnly : new boolean[] {true, false}) {
        for (int size : new int[] {77, 500}) {
          List<StateUpdate> batch = new ArrayList<>();
          for (int i = 0; i < size; i++) {
            FeedState read = FeedState.initial("fleet", "feed" + (i * 19 + 3));
            FeedState.Builder checked = read.toBuilder().lastAttempt(Fixtures.T0).lastSuccess(Fixtures.T0)
                .nextDue(Fixtures.T0.plusSeconds(3600));
            batch.add(new StateUpdate(read, (timesOnly ? checked : checked.etag("\"e" + i + "\"")).build(),
                new SyncRun("r" + i, "fleet", read.feedId(), 0, Fixtures.T0, Fixtures.T0.plusMillis(5),
                    SyncOutcome.NOT_MODIFIED, null, ChangeCounts.NONE, "not modified")));
          }
          assertThat(batch).allMatch(u -> JdbcStore.onlyTimesChange(u) == timesOnly);
          String probe = timesOnly ? "Index Cond: ((tenant = (y.tenant)::text) AND (feed_id = (y.feed_id)::text))"
              : "Index Cond: ((tenant = (x.tenant)::text) AND (feed_id = (x.feed_id)::text))";
          for (String planning : new String[] {"auto", "force_generic_plan"}) {
            try (Connection c = fresh.connect()) {
              java.sql.Array[] arrays = new java.sql.Array[JdbcStore.SAVE_STATES_ARRAYS];
              String plan = explain(c, "SELECT set_config('plan_cache_mode', '" + planning + "', true)",
                  JdbcStore.PG_SAVE_STATES_SQL, ps -> JdbcStore.bindSaveStates(c, ps, batch, arrays));
              assertThat(plan).as("%s batch of %d, %s:%n%s", timesOnly ? "times-only" : "whole", size, planning,
                  plan).contains(probe).doesNotContain("Seq Scan", "Hash");
            }
          }
        }
      }
    }
  }

  @Test
  void savingTheStatesOfAFleetReadsNeitherTableWhole() throws SQLException {
    loadFleet();
    List<StateUpdate> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      FeedState read = FeedState.initial("fleet", "feed" + (i * 17 + 11));
      FeedState checked = read.toBuilder().etag("\"e" + i + "\"").lastAttempt(Fixtures.T0)
          .nextDue(Fixtures.T0.plusSeconds(3600)).build();
      batch.add(new StateUpdate(read, checked, new SyncRun("n" + i, "fleet", read.feedId(), 0, Fixtures.T0,
          Fixtures.T0.plusMillis(5), SyncOutcome.NOT_MODIFIED, null, ChangeCounts.NONE, "not modified")));
    }
    // an idle backend reports its counters up to ten seconds late, one that ends at once: end the
    // pool's, then save through connections of their own
    ((HikariDataSource) db.dataSource()).getHikariPoolMXBean().softEvictConnections();
    await().atMost(Duration.ofSeconds(60)).until(this::otherBackends, n -> n == 0);
    long[] before = scans();
    assertThat(JdbcStore.create(db.unpooled()).saveStates(batch)).isEqualTo(1000);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(scans()[2]).isGreaterThanOrEqualTo(before[2] + 1000));
    long[] after = scans();
    assertThat(after[0]).as("sequential scans of icssync_feed_state").isEqualTo(before[0]);
    assertThat(after[1]).as("sequential scans of icssync_feed").isEqualTo(before[1]);
    assertThat(store.state("fleet", "feed11").etag()).isEqualTo("\"e0\"");
  }

  private long otherBackends() throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sequential scans of the states and of the feeds, and updates of the states, as the statistics count them. */
  private long[] scans() throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT (SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'icssync_feed_state'),"
            + " (SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'icssync_feed'),"
            + " (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'icssync_feed_state')")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
    }
  }

  /** EXPLAIN of {@code sql} in a transaction of its own that the store's planner settings and {@code setup} began. */
  private static String explain(Connection c, String setup, String sql, Binder binder) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.executeQuery(JdbcStore.PG_SAVE_STATES_PLANNER).close();
      s.executeQuery(setup).close();
    }
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
    }
    c.rollback();
    return plan.toString();
  }

  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @Test
  void aPruneAfterTheFirstReadsTheNewRunsAndTheirFeedsNotTheHistory() throws SQLException {
    // a fleet's history: 20,000 feeds with two runs each, one an hour, analysed
    db.execute("INSERT INTO icssync_sync_run (tenant, feed_id, run_id, generation, started_at, finished_at, outcome,"
        + " seen, created, updated, cancelled, reinstated, unchanged, uid_reissued, held_back, message)"
        + " SELECT 'history', 'feed' || (g % 20000), 'r' || g, 1, ts, ts, 'APPLIED', 0, 0, 0, 0, 0, 0, 0, 0, ''"
        + " FROM generate_series(1, 40000) g, LATERAL (SELECT TIMESTAMPTZ '2026-01-01 00:00:00+00'"
        + " + g * INTERVAL '1 second' AS ts) t");
    db.execute("ANALYZE icssync_sync_run");
    long newest;
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(seq) FROM icssync_sync_run")) {
      rs.next();
      newest = rs.getLong(1);
    }
    long seen = newest - 1000;
    java.sql.Timestamp cutoff = java.sql.Timestamp.from(Instant.parse("2026-01-01T10:00:00Z"));
    java.sql.Timestamp since = java.sql.Timestamp.from(Instant.parse("2026-01-01T09:00:00Z"));
    // the feeds of the last 1,000 runs, each probed through the feed index: never the 40,000 rows
    assertThat(explain(JdbcStore.PG_PRUNE_DISPLACED_SQL, false, ps -> {
      ps.setLong(1, seen);
      ps.setLong(2, newest);
      ps.setInt(3, 9);
      ps.setLong(4, seen);
      ps.setTimestamp(5, cutoff);
      ps.setInt(6, 1000);
      ps.setInt(7, 1000);
    })).contains("icssync_sync_run_feed", "icssync_sync_run_pkey").doesNotContain("Seq Scan", "Hash Join");
    // the bounds of the walk: the runs appended since (a key range), and those come of age since
    assertThat(explain(JdbcStore.PRUNE_BOUND_NEW_SQL, false, ps -> {
      ps.setLong(1, seen);
      ps.setLong(2, newest);
      ps.setTimestamp(3, cutoff);
    })).contains("icssync_sync_run_pkey").doesNotContain("Seq Scan");
    assertThat(explain(JdbcStore.PRUNE_BOUND_SINCE_SQL, false, ps -> {
      ps.setTimestamp(1, since);
      ps.setTimestamp(2, cutoff);
    })).contains("icssync_sync_run_finished").doesNotContain("Seq Scan");
    db.execute("DELETE FROM icssync_sync_run WHERE tenant = 'history'");
  }

  private String explain(String sql, boolean noSeqScan, Binder binder) throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      if (noSeqScan) {
        try (Statement s = c.createStatement()) {
          s.execute("SET LOCAL enable_seqscan = off");
        }
      }
      StringBuilder plan = new StringBuilder();
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
        binder.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
      }
      c.rollback();
      return plan.toString();
    }
  }
}
