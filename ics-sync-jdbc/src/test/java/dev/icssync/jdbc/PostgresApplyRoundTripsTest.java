package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import dev.icssync.IcsSyncException.StaleGenerationException;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.FeedApply;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an apply costs in round trips on PostgreSQL, counted (never timed) through a data source that
 * counts the statements executed and the commits. With many small feeds (an initial load of a fleet)
 * every round trip of an apply and of the begin of its sync is paid once per feed: the transaction's
 * settings, the fenced state update with its run and the probe for stored events travel together as
 * one round trip, and the settings of a begin with its bump.
 */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresApplyRoundTripsTest {
  private TestDatabase db;
  private final AtomicInteger executes = new AtomicInteger();
  private final AtomicInteger commits = new AtomicInteger();
  private JdbcStore store;
  private String tenant;

  @BeforeAll
  void setUp() {
    db = TestDatabases.postgres("jdbc_apply_round_trips");
    JdbcStore.migrate(db.dataSource());
    store = JdbcStore.create(CountingDataSource.counting(db.pool(2), commits, executes, sql -> true));
  }

  @AfterAll
  void tearDown() {
    db.close();
  }

  @BeforeEach
  void newTenant() {
    tenant = "t-" + UUID.randomUUID();
  }

  private ApplyResult counted(FeedApply apply) {
    executes.set(0);
    commits.set(0);
    return store.apply(apply);
  }

  @Test
  void aFirstLoadCopiedStraightInIsOneStatementRoundTripAndOneCommit() throws SQLException {
    FeedState s = store.beginSync(tenant, "f", Fixtures.T0);
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", 1_000);

    ApplyResult result = counted(new FeedApply(tenant, "f", List.of(), events, s, Fixtures.run(s, "r1", 1_000)));

    assertThat(result.eventRowsWritten()).isEqualTo(1_000);
    // settings + fenced state update with its run + probe, then the COPY (not a JDBC statement)
    assertThat(executes.get()).as("statements executed").isEqualTo(1);
    assertThat(commits.get()).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM icssync_event WHERE tenant = ?")).isEqualTo(1_000);
    assertThat(count("SELECT count(*) FROM icssync_sync_run WHERE tenant = ?")).isEqualTo(1);
    assertThat(store.state(tenant, "f").generation()).isEqualTo(s.generation());
  }

  @Test
  void aSmallApplyIsTheOpeningRoundTripAndItsUpsert() {
    FeedState s = store.beginSync(tenant, "f", Fixtures.T0);

    ApplyResult result = counted(new FeedApply(tenant, "f", List.of(), Fixtures.stays(tenant, "f", "p", 20), s, null));

    assertThat(result.eventRowsWritten()).isEqualTo(20);
    assertThat(executes.get()).as("statements executed").isEqualTo(2);
    assertThat(commits.get()).isEqualTo(1);
  }

  @Test
  void aBeginOfASyncIsOneStatementRoundTripAndOneCommit() {
    executes.set(0);
    commits.set(0);
    FeedState first = store.beginSync(tenant, "f", Fixtures.T0);
    assertThat(first.generation()).isEqualTo(1);
    assertThat(executes.get()).as("statements executed").isEqualTo(1);
    assertThat(commits.get()).isEqualTo(1);

    executes.set(0);
    commits.set(0);
    assertThat(store.beginSync(tenant, "f", Fixtures.T0.plusSeconds(60), 1)).get()
        .extracting(FeedState::generation).isEqualTo(2L);
    assertThat(store.beginSync(tenant, "f", Fixtures.T0.plusSeconds(60), 1)).isEmpty();
    assertThat(store.beginSync(tenant, "g", Fixtures.T0, 0)).get().extracting(FeedState::generation).isEqualTo(1L);
    assertThat(executes.get()).as("statements executed").isEqualTo(3);
    assertThat(commits.get()).isEqualTo(3);
  }

  @Test
  void aResyncCopiedThroughTheTemporaryTableMergesWhatTheProbeFound() {
    FeedState s = store.beginSync(tenant, "f", Fixtures.T0);
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", 6_000);
    store.apply(new FeedApply(tenant, "f", List.of(), events, s, null));
    FeedState next = store.beginSync(tenant, "f", Fixtures.T0.plusSeconds(60));
    List<CalendarEvent> moved = events.stream().map(e -> e.key().uid().hashCode() % 3 == 0 ? Fixtures.moved(e, 1) : e)
        .toList();
    long changed = moved.stream().filter(e -> !events.contains(e)).count();

    ApplyResult result = counted(new FeedApply(tenant, "f", List.of(), moved, next, null));

    assertThat(result.eventRowsWritten()).isEqualTo(changed).isPositive();
  }

  @Test
  void aStaleApplyStillFailsWithNothingWritten() throws SQLException {
    FeedState old = store.beginSync(tenant, "f", Fixtures.T0);
    store.beginSync(tenant, "f", Fixtures.T0.plusSeconds(1));

    assertThatThrownBy(() -> counted(new FeedApply(tenant, "f", List.of(), Fixtures.stays(tenant, "f", "p", 500), old,
        Fixtures.run(old, "stale", 500)))).isInstanceOf(StaleGenerationException.class);
    assertThat(count("SELECT count(*) FROM icssync_event WHERE tenant = ?")).isZero();
    assertThat(count("SELECT count(*) FROM icssync_sync_run WHERE tenant = ?")).isZero();
  }

  /**
   * The probe runs after the fenced update took the state row lock: the events that an apply of the
   * same generation committed while this one waited for the lock are seen, so they are merged, not
   * copied in again (which would break the key).
   */
  @Test
  void theProbeSeesTheEventsCommittedWhileTheUpdateWaitedForTheLock() throws Exception {
    FeedState s = store.beginSync(tenant, "f", Fixtures.T0);
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", 500);
    CompletableFuture<ApplyResult> waiting;
    try (Connection holder = db.connect()) {
      holder.setAutoCommit(false);
      try (PreparedStatement ps = holder.prepareStatement(
          "SELECT 1 FROM icssync_feed_state WHERE tenant = ? AND feed_id = 'f' FOR UPDATE")) {
        ps.setString(1, tenant);
        ps.executeQuery().close();
      }
      // what an apply of the same generation writes while it holds the lock: the same keys, other values
      try (PreparedStatement ps = holder.prepareStatement("INSERT INTO icssync_event (" + Rows.EVENT_COLUMNS + ") "
          + "SELECT ?, 'f', 'uid-' || g || '@airbnb.com', '', 'p', 'airbnb', true, now(), now(), 'RESERVATION', "
          + "'CONFIRMED', 'older', 0, now(), now(), now(), 0, NULL FROM generate_series(0, 499) g")) {
        ps.setString(1, tenant);
        assertThat(ps.executeUpdate()).isEqualTo(500);
      }
      waiting = CompletableFuture.supplyAsync(() -> store.apply(new FeedApply(tenant, "f", List.of(), events, s, null)));
      await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnLock() > 0);
      holder.commit();
    }
    // merged over the stored rows (a copy straight into the table would break the key)
    assertThat(waiting.get().eventRowsWritten()).isEqualTo(500);
    assertThat(count("SELECT count(*) FROM icssync_event WHERE tenant = ? AND summary <> 'older'")).isEqualTo(500);
  }

  private long waitingOnLock() throws SQLException {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity "
        + "WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
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
}
