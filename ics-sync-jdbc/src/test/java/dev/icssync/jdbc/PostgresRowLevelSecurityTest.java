package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.ExportToken;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.tck.db.PostgresServer;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Row-level security: the application runs as its own role (not the tables' owner) through a pool of
 * ONE connection, so every tenant's transaction reuses the same physical connection.
 */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresRowLevelSecurityTest {
  private final String role = "icssync_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private TestDatabase db;
  private HikariDataSource appPool;
  private JdbcStore store;

  @BeforeAll
  void setUp() {
    db = TestDatabases.postgres("jdbc_rls");
    JdbcStore.migrateWithRowLevelSecurity(db.dataSource());
    db.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role,
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
    appPool = db.pool(c -> {
      c.setUsername(role);
      c.setMaximumPoolSize(1);
    });
    store = JdbcStore.builder(appPool).rowLevelSecurity(true).build();
  }

  @AfterAll
  void tearDown() throws SQLException {
    db.close();
    PostgresServer server = TestDatabases.postgresServer();
    try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), server.password());
        Statement s = c.createStatement()) {
      s.execute("DROP ROLE IF EXISTS " + role);
    }
  }

  @Test
  void theApplicationRoleDoesNotOwnTheTablesNorBypassPolicies() throws SQLException {
    try (Connection c = appPool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_user, t.tableowner, r.rolbypassrls, r.rolsuper, c.relrowsecurity "
            + "FROM pg_tables t JOIN pg_roles r ON r.rolname = current_user "
            + "JOIN pg_class c ON c.relname = t.tablename WHERE t.tablename = 'icssync_event'")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(role);
      assertThat(rs.getString(2)).isNotEqualTo(role);
      assertThat(rs.getBoolean(3)).as("bypassrls").isFalse();
      assertThat(rs.getBoolean(4)).as("superuser").isFalse();
      assertThat(rs.getBoolean(5)).as("row security enabled").isTrue();
    }
  }

  /** Pruning is a maintenance job across tenants: under the policies it still reaches every tenant's runs. */
  @Test
  void pruningUnderRowLevelSecurityDeletesTheOldRunsOfEveryTenant() {
    java.time.Instant t0 = java.time.Instant.parse("2026-03-01T10:00:00Z");
    for (String t : new String[] {"prune-a-" + UUID.randomUUID(), "prune-b-" + UUID.randomUUID()}) {
      store.saveFeed(Feed.builder(t, "f1").property("villa7").source("airbnb").url("https://example.test/f1.ics").build());
      for (int i = 0; i < 5; i++) {
        java.time.Instant at = t0.plus(java.time.Duration.ofHours(i));
        FeedState s = store.beginSync(t, "f1", at);
        store.apply(FeedApply.stateOnly(s, new dev.icssync.SyncRun("run-" + UUID.randomUUID(), t, "f1",
            s.generation(), at, at, dev.icssync.SyncOutcome.NOT_MODIFIED, null, dev.icssync.ChangeCounts.NONE, "304")));
      }
      assertThat(store.runs(t, "f1", 10)).hasSize(5);
    }

    long deleted = store.pruneRuns(dev.icssync.HistoryRetention.builder().keepFor(java.time.Duration.ofDays(1))
        .keepRuns(1).batchSize(2).build(), t0.plus(java.time.Duration.ofDays(30)));

    assertThat(deleted).isGreaterThanOrEqualTo(8);
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM icssync_sync_run WHERE tenant LIKE 'prune-%'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Feeds read with their states in one statement go through the tenant's policies like every read. */
  @Test
  void feedsWithStatesReadsOnlyTheTenantsOwnFeedsUnderItsPolicies() {
    java.time.Instant t0 = java.time.Instant.parse("2026-03-01T10:00:00Z");
    String a = "fws-a-" + UUID.randomUUID();
    String b = "fws-b-" + UUID.randomUUID();
    store.saveFeed(Feed.of("f1", a, "villa7", "airbnb", "https://example.test/a1.ics"));
    store.saveFeed(Feed.of("f2", a, "villa7", "airbnb", "https://example.test/a2.ics"));
    store.saveFeed(Feed.of("f1", b, "villa7", "airbnb", "https://example.test/b1.ics"));
    FeedState begun = store.beginSync(a, "f1", t0);

    java.util.List<dev.icssync.spi.FeedWithState> read = store.feedsWithStates(a, java.util.List.of("f1", "f2"));

    assertThat(read).extracting(fs -> fs.feed().url())
        .containsExactly("https://example.test/a1.ics", "https://example.test/a2.ics");
    assertThat(read.get(0).state()).isEqualTo(begun);
    assertThat(read.get(1).state()).isEqualTo(FeedState.initial(a, "f2"));
    assertThat(store.feedsWithStates(b, java.util.List.of("f1", "f2"))).singleElement()
        .satisfies(fs -> assertThat(fs.feed().url()).isEqualTo("https://example.test/b1.ics"));
  }

  /** A batch of states of two tenants is written under each tenant's own policies, tallies included. */
  @Test
  void batchedStatesOfTwoTenantsAreWrittenUnderTheirOwnPolicies() {
    java.time.Instant t0 = java.time.Instant.parse("2026-03-01T10:00:00Z");
    java.util.List<dev.icssync.spi.StateUpdate> updates = new java.util.ArrayList<>();
    String[] tenants = {"batch-a-" + UUID.randomUUID(), "batch-b-" + UUID.randomUUID()};
    for (String t : tenants) {
      store.saveFeed(Feed.of("f1", t, "villa7", "airbnb", "https://example.test/f1.ics"));
      FeedState read = store.beginSync(t, "f1", t0);
      FeedState next = FeedState.builder().tenant(t).feedId("f1").etag("\"e2\"").parserVersion(0).lastAttempt(t0).lastSuccess(t0.plusSeconds(60)).consecutiveFailures(0).nextDue(t0.plusSeconds(960)).generation(read.generation()).build();
      updates.add(new dev.icssync.spi.StateUpdate(read, next, new dev.icssync.SyncRun("run-" + UUID.randomUUID(), t,
          "f1", read.generation(), t0.plusSeconds(60), t0.plusSeconds(61), dev.icssync.SyncOutcome.NOT_MODIFIED, null,
          dev.icssync.ChangeCounts.NONE, "not modified (304)", 0)));
    }

    assertThat(store.saveStates(updates)).isEqualTo(2);

    for (String t : tenants) {
      assertThat(store.state(t, "f1").etag()).isEqualTo("\"e2\"");
      try (Connection c = db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(syncs), 0) FROM icssync_sync_run_stats WHERE tenant = '"
              + t + "' AND outcome = 'NOT_MODIFIED' AND source = 'airbnb'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void tenantBSeesNoneOfTenantAsRowsThroughTheSamePooledConnection() throws SQLException {
    String a = "a-" + UUID.randomUUID();
    String b = "b-" + UUID.randomUUID();
    store.saveFeed(Feed.builder(a, "f").property("p").source("airbnb").url("https://example.com/a.ics").build());
    FeedState sa = store.beginSync(a, "f", Fixtures.T0);
    store.apply(new FeedApply(a, "f", java.util.List.of(), Fixtures.stays(a, "f", "p", 5), sa,
        Fixtures.run(sa, "ra", 5)));
    store.saveToken(new ExportToken("hash-" + a, a, "p", null, Fixtures.T0, null, null));

    // tenant B, right after A on the same single connection, through the store
    assertThat(store.events(EventQuery.active(b, "p"))).isEmpty();
    assertThat(store.feeds(b)).isEmpty();
    // and A still sees its own
    assertThat(store.events(EventQuery.active(a, "p"))).hasSize(5);
    assertThat(store.eventsOfFeed(a, "f")).hasSize(5);
    assertThat(store.runs(a, "f", 5)).hasSize(1);

    try (Connection c = appPool.getConnection()) {
      assertThat(c.unwrap(org.postgresql.PGConnection.class).getBackendPID()).isPositive();
      // the connection carries no tenant after the store's transactions ended
      assertThat(count(c, "SELECT count(*) FROM icssync_event", null)).isZero();
      assertThat(count(c, "SELECT current_setting('app.tenant_id', true)", null)).isNull();
      // as tenant B, even a query that asks for A's rows gets none
      assertThat(count(c, "SELECT count(*) FROM icssync_event WHERE tenant = '" + a + "'", b)).isZero();
      assertThat(count(c, "SELECT count(*) FROM icssync_feed_state", b)).isZero();
      assertThat(count(c, "SELECT count(*) FROM icssync_event", a)).isEqualTo(5);
      // the statistics view applies the caller's policies, not its owner's
      assertThat(count(c, "SELECT count(*) FROM icssync_sync_run_stats", b)).isZero();
      assertThat(count(c, "SELECT count(*) FROM icssync_sync_run_stats", null)).isZero();
      assertThat(count(c, "SELECT count(*) FROM icssync_sync_run_stats", a)).isEqualTo(1);
      // and cannot write rows for A
      c.setAutoCommit(false);
      setTenant(c, b);
      try (Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.executeUpdate("INSERT INTO icssync_property VALUES ('" + a
            + "', 'p', 'UTC', '15:00', '11:00')")).isInstanceOf(SQLException.class)
            .hasMessageContaining("row-level security");
      }
      c.rollback();
      c.setAutoCommit(true);
    }
  }

  @Test
  void largeAppliesGoThroughThePoliciesToo() {
    String a = "big-" + UUID.randomUUID();
    int n = PostgresDialect.COPY_THRESHOLD + 1; // the COPY path (via the temporary table under policies)
    FeedState s = store.beginSync(a, "f", Fixtures.T0);
    java.util.List<dev.icssync.CalendarEvent> events = Fixtures.stays(a, "f", "p", n);
    assertThat(store.apply(new FeedApply(a, "f", java.util.List.of(), events, s, null)).eventRowsWritten())
        .isEqualTo(n);
    assertThat(store.apply(new FeedApply(a, "f", java.util.List.of(), events, s, null)).eventRowsWritten())
        .isZero();
    assertThat(store.eventsOfFeed(a, "f")).hasSize(n);
  }

  @Test
  void crossTenantLookupsStillWork() {
    String a = "x-" + UUID.randomUUID();
    store.saveFeed(Feed.builder(a, "f").property("p").source("airbnb").url("https://example.com/a.ics").build());
    store.saveToken(new ExportToken("hash-" + a, a, "p", "airbnb", Fixtures.T0, null, null));
    assertThat(store.allFeeds()).extracting(Feed::tenant).contains(a);
    assertThat(store.tokenByHash("hash-" + a)).isPresent();
  }

  @Test
  void withoutTheTenantSettingThePoliciesHideEverything() {
    String a = "y-" + UUID.randomUUID();
    FeedState s = store.beginSync(a, "f", Fixtures.T0);
    store.apply(new FeedApply(a, "f", java.util.List.of(), Fixtures.stays(a, "f", "p", 3), s, null));
    JdbcStore plain = JdbcStore.create(appPool); // rowLevelSecurity(false): sets no tenant
    assertThat(plain.events(EventQuery.active(a, "p"))).isEmpty();
    assertThat(store.events(EventQuery.active(a, "p"))).hasSize(3);
  }

  @Test
  void rowLevelSecurityIsRefusedOnH2() {
    try (TestDatabase h2 = TestDatabases.h2Memory()) {
      assertThatThrownBy(() -> JdbcStore.migrateWithRowLevelSecurity(h2.dataSource()))
          .hasMessageContaining("rowLevelSecurity");
      JdbcStore.migrate(h2.dataSource());
      JdbcStore s = JdbcStore.builder(h2.dataSource()).rowLevelSecurity(true).build();
      assertThatThrownBy(() -> s.feeds("t")).hasMessageContaining("rowLevelSecurity");
    }
  }

  private static void setTenant(Connection c, String tenant) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
      ps.setString(1, tenant);
      ps.executeQuery().close();
    }
  }

  /** Runs a one-value query, as {@code tenant} (transaction-local) when given. */
  private static Long count(Connection c, String sql, String tenant) throws SQLException {
    c.setAutoCommit(tenant == null);
    try {
      if (tenant != null) {
        setTenant(c, tenant);
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        Object v = rs.getObject(1);
        return v == null || "".equals(v) ? null : Long.valueOf(v.toString());
      }
    } finally {
      if (tenant != null) {
        c.commit();
        c.setAutoCommit(true);
      }
    }
  }
}
