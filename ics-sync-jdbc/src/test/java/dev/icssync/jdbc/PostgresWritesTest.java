package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.FeedApply;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes scale with what changed: checked through PostgreSQL's own counters
 * ({@code pg_stat_user_tables}). The store runs on a pool of one connection, so the test can make that
 * backend flush its statistics ({@code pg_stat_force_next_flush()}, PostgreSQL 15+; older servers are
 * polled until the counters settle).
 */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresWritesTest {
  private TestDatabase db;
  private DataSource pool;

  @BeforeAll
  void setUp() {
    db = TestDatabases.postgres("jdbc_writes");
    JdbcStore.migrate(db.dataSource()); // Flyway holds two connections
    pool = db.pool(1);
  }

  @AfterAll
  void tearDown() {
    db.close();
  }

  @ParameterizedTest
  @EnumSource(JdbcStore.PostgresUpsert.class)
  void resyncWritesOnlyChangedRowsWithEveryTechnique(JdbcStore.PostgresUpsert technique) throws Exception {
    JdbcStore store = JdbcStore.builder(pool).dialect(new PostgresDialect(technique)).build();
    String tenant = "t-" + technique;
    FeedState s = store.beginSync(tenant, "f", Fixtures.T0);
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", 5_000);
    assertThat(store.apply(new FeedApply(tenant, "f", List.of(), events, s, null)))
        .isEqualTo(new ApplyResult(5_000, 0));

    long[] before = counters();
    // no change: every row resent, none written
    assertThat(store.apply(new FeedApply(tenant, "f", List.of(), events, s, null)).eventRowsWritten()).isZero();
    long[] afterNoChange = counters();
    assertThat(afterNoChange[0] - before[0]).as("rows inserted by a no-change resync").isZero();
    assertThat(afterNoChange[1] - before[1]).as("rows updated by a no-change resync").isZero();

    // 1 % changed: 25 moved, 25 cancelled, 5,000 resent
    List<CalendarEvent> changed = new ArrayList<>(events);
    for (int i = 0; i < 50; i++) {
      int at = i * 100;
      changed.set(at, i % 2 == 0 ? Fixtures.moved(events.get(at), 1) : events.get(at).cancel(Fixtures.T0));
    }
    changed.add(Fixtures.stay(tenant, "f", "p", "new@x", Fixtures.D0, Fixtures.D0.plusDays(1)));
    assertThat(store.apply(new FeedApply(tenant, "f", List.of(), changed, s, null)))
        .isEqualTo(new ApplyResult(51, 0));
    long[] afterChange = counters();
    assertThat(afterChange[0] - afterNoChange[0]).as("inserted").isEqualTo(1);
    assertThat(afterChange[1] - afterNoChange[1]).as("updated").isEqualTo(50);
    assertThat(store.eventsOfFeed(tenant, "f")).hasSize(5_001).containsAll(changed);
  }

  @Test
  void copyPathsCountExactlyOnEmptyAndStoredFeeds() {
    JdbcStore store = JdbcStore.builder(pool).dialect(new PostgresDialect(JdbcStore.PostgresUpsert.AUTO)).build();
    String tenant = "auto-copy";
    FeedState s = store.beginSync(tenant, "f", Fixtures.T0);
    int n = PostgresDialect.COPY_THRESHOLD + 10; // both COPY paths
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", n);
    // empty feed: straight COPY into the table
    assertThat(store.apply(new FeedApply(tenant, "f", List.of(), events, s, null)).eventRowsWritten()).isEqualTo(n);
    // stored feed: COPY into the temporary table, then the conditional upsert
    List<CalendarEvent> changed = new ArrayList<>(events);
    changed.set(5, Fixtures.moved(events.get(5), 2));
    assertThat(store.apply(new FeedApply(tenant, "f", List.of(), changed, s, null)).eventRowsWritten()).isEqualTo(1);
    assertThat(store.apply(new FeedApply(tenant, "f", List.of(), changed, s, null)).eventRowsWritten()).isZero();
    assertThat(store.eventsOfFeed(tenant, "f")).containsExactlyInAnyOrderElementsOf(changed);

    // a mid-sized first load is copied straight in, its resync goes through unnest arrays
    int mid = PostgresDialect.INITIAL_COPY_THRESHOLD + 1;
    FeedState g = store.beginSync(tenant, "g", Fixtures.T0);
    List<CalendarEvent> small = Fixtures.stays(tenant, "g", "p", mid);
    assertThat(store.apply(new FeedApply(tenant, "g", List.of(), small, g, null)).eventRowsWritten()).isEqualTo(mid);
    List<CalendarEvent> smallChanged = new ArrayList<>(small);
    smallChanged.set(0, small.get(0).cancel(Fixtures.T0));
    assertThat(store.apply(new FeedApply(tenant, "g", List.of(), smallChanged, g, null)).eventRowsWritten())
        .isEqualTo(1);
    assertThat(store.eventsOfFeed(tenant, "g")).containsExactlyInAnyOrderElementsOf(smallChanged);
  }

  @Test
  void techniquesAgreeOnStoredRows() {
    List<List<CalendarEvent>> results = new ArrayList<>();
    for (JdbcStore.PostgresUpsert technique : JdbcStore.PostgresUpsert.values()) {
      JdbcStore store = JdbcStore.builder(pool).dialect(new PostgresDialect(technique)).build();
      String tenant = "agree";
      String feed = "f-" + technique;
      FeedState s = store.beginSync(tenant, feed, Fixtures.T0);
      List<CalendarEvent> events = new ArrayList<>(Fixtures.stays(tenant, feed, "p", 30));
      events.add(Fixtures.stay(tenant, feed, "p", "tab\tnew\nline\\back\u00e9\ud83d\ude00", Fixtures.D0,
          Fixtures.D0.plusDays(3)));
      events.add(Fixtures.timed(tenant, feed, "p", "timed", Fixtures.T0, Fixtures.T0.plusNanos(1_500)));
      store.apply(new FeedApply(tenant, feed, List.of(), events, s, null));
      results.add(store.eventsOfFeed(tenant, feed).stream().map(e -> withFeed(e, "x")).toList());
    }
    for (List<CalendarEvent> result : results) {
      assertThat(result).isEqualTo(results.get(0));
    }
  }

  /**
   * The technique is an option of the store's builder, no longer a JVM-wide system property: a store
   * pinned to BATCH meets the driver's batch rewriting and refuses to guess counts, while a store
   * built with the defaults on the same JVM (the old property set) writes by its own choice.
   */
  @Test
  void techniqueIsTheBuildersOptionNotASystemProperty() {
    org.postgresql.ds.PGSimpleDataSource rewriting = new org.postgresql.ds.PGSimpleDataSource();
    rewriting.setUrl(db.jdbcUrl());
    rewriting.setUser(db.user());
    rewriting.setPassword(db.password());
    rewriting.setReWriteBatchedInserts(true);
    String tenant = "option";
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", 20);
    JdbcStore batch = JdbcStore.builder(rewriting).postgresUpsert(JdbcStore.PostgresUpsert.BATCH).build();
    FeedState s = batch.beginSync(tenant, "f", Fixtures.T0);
    assertThatThrownBy(() -> batch.apply(new FeedApply(tenant, "f", List.of(), events, s, null)))
        .hasMessageContaining("reWriteBatchedInserts");

    String old = System.setProperty("icssync.jdbc.postgres.upsert", "batch");
    try {
      JdbcStore defaults = JdbcStore.create(rewriting);
      FeedState t = defaults.beginSync(tenant, "f", Fixtures.T0);
      assertThat(defaults.apply(new FeedApply(tenant, "f", List.of(), events, t, null)).eventRowsWritten())
          .isEqualTo(20);
      // with the copy thresholds out of reach, a large resync still counts exactly (unnest arrays)
      JdbcStore unnest = JdbcStore.builder(rewriting).postgresCopyThresholds(1_000_000, 1_000_000).build();
      FeedState u = unnest.beginSync(tenant, "f", Fixtures.T0);
      List<CalendarEvent> changed = new ArrayList<>(events);
      changed.set(3, Fixtures.moved(events.get(3), 1));
      assertThat(unnest.apply(new FeedApply(tenant, "f", List.of(), changed, u, null)).eventRowsWritten())
          .isEqualTo(1);
    } finally {
      if (old == null) {
        System.clearProperty("icssync.jdbc.postgres.upsert");
      } else {
        System.setProperty("icssync.jdbc.postgres.upsert", old);
      }
    }
  }

  @Test
  void copyThresholdsAreValidatedInBuild() {
    assertThatThrownBy(() -> JdbcStore.builder(pool).postgresCopyThresholds(0, 10).build())
        .isInstanceOf(dev.icssync.IcsSyncException.ConfigurationException.class)
        .hasMessageContaining("postgresCopyThresholds").hasMessageContaining("initialLoad");
    assertThatThrownBy(() -> JdbcStore.builder(pool).postgresCopyThresholds(10, -1).build())
        .isInstanceOf(dev.icssync.IcsSyncException.ConfigurationException.class)
        .hasMessageContaining("resync");
  }

  private static CalendarEvent withFeed(CalendarEvent e, String feed) {
    return e.toBuilder()
        .key(new dev.icssync.EventKey(e.tenant(), feed, e.key().uid(), e.key().recurrenceId()))
        .build();
  }

  /** n_tup_ins and n_tup_upd of the events table after the pool's backend flushed its statistics. */
  private long[] counters() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      boolean canForce;
      try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int >= 150000")) {
        rs.next();
        canForce = rs.getBoolean(1);
      }
      if (canForce) {
        s.execute("SELECT pg_stat_force_next_flush()");
        return read(s);
      }
      // before 15: statistics reach the collector within ~0.5 s of idle; they have arrived when two
      // reads 250 ms apart agree, after at least 1.5 s
      long[][] last = {read(s)};
      return await("the statistics settle").atMost(Duration.ofSeconds(15))
          .pollDelay(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(250))
          .until(() -> {
            long[] now = read(s);
            boolean settled = Arrays.equals(now, last[0]);
            last[0] = now;
            return settled ? now : null;
          }, Objects::nonNull);
    }
  }

  private static long[] read(Statement s) throws SQLException {
    s.execute("SELECT pg_stat_clear_snapshot()");
    try (ResultSet rs = s.executeQuery("SELECT n_tup_ins, n_tup_upd FROM pg_stat_user_tables "
        + "WHERE relname = 'icssync_event'")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }
}
