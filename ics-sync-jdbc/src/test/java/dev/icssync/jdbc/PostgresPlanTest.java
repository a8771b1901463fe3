package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

  @Test
  void feedsWithStatesProbesThePrimaryKeysOfAFleetTenant() throws SQLException {
    // a tenant with 20,000 feeds, analysed: with f.id = ANY(?) the planner hashed both tables after
    // reading them whole, for every chunk of a fleet's sync
    db.execute("INSERT INTO icssync_feed (tenant, id, property, source, url, poll_interval_ms, active, priority)"
        + " SELECT 'fleet', 'feed' || g, 'p' || (g / 4), 'airbnb', 'https://example.com/' || g, 3600000, true, 0"
        + " FROM generate_series(1, 20000) g");
    db.execute("INSERT INTO icssync_feed_state (tenant, feed_id) SELECT 'fleet', 'feed' || g"
        + " FROM generate_series(1, 20000) g");
    db.execute("ANALYZE");
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

  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
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
