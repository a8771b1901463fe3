package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import dev.icssync.IcsSyncException.StorageException;
import dev.icssync.SyncRun;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.FeedApply;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;

/** Faults: a connection killed mid-apply, a database that is gone or silent, a held lock. */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresFaultTest {
  private TestDatabase db;
  private HikariDataSource pool;
  private JdbcStore store;

  @BeforeAll
  void setUp() {
    db = TestDatabases.postgres("jdbc_faults");
    JdbcStore.migrate(db.dataSource());
    pool = db.pool(c -> {
      c.setMaximumPoolSize(2);
      c.setConnectionTimeout(2_000);
    });
    store = JdbcStore.create(pool);
  }

  @AfterAll
  void tearDown() {
    db.close();
  }

  @Test
  void connectionKilledMidApplyLeavesNothingHalfAppliedAndThePoolRecovers() throws Exception {
    String tenant = "kill-" + UUID.randomUUID();
    FeedState s = store.beginSync(tenant, "f", Fixtures.T0);
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", 20);
    store.apply(new FeedApply(tenant, "f", List.of(), events, s, Fixtures.run(s, "r1", 20)));
    List<CalendarEvent> before = store.eventsOfFeed(tenant, "f");
    FeedState stateBefore = store.state(tenant, "f");

    CalendarEvent blocked = Fixtures.stay(tenant, "f", "p", "blocked@x", Fixtures.D0, Fixtures.D0.plusDays(1));
    List<CalendarEvent> upserts = new ArrayList<>();
    upserts.add(Fixtures.moved(events.get(1), 3));
    upserts.add(blocked);
    FeedState next = FeedState.builder()
        .tenant(tenant)
        .feedId("f")
        .etag("etag2")
        .contentDigest("d2")
        .parserVersion(1)
        .lastAttempt(Fixtures.T0)
        .lastSuccess(Fixtures.T0)
        .generation(s.generation())
        .build();
    FeedApply apply = new FeedApply(tenant, "f",
        List.of(new FeedApply.Rekey(events.get(0).key(), dev.icssync.EventKey.of(tenant, "f", "renamed"))),
        upserts, next, Fixtures.run(next, "r2", 2));

    try (Connection blocker = db.connect()) {
      // an uncommitted row with the key the apply will upsert: the apply waits on it mid-way,
      // after its generation check and rename
      blocker.setAutoCommit(false);
      try (PreparedStatement ps = blocker.prepareStatement("INSERT INTO icssync_event (tenant, feed_id, uid, "
          + "property, source, all_day, start_at, end_at, kind, status, summary, fingerprint, first_seen, last_seen, "
          + "last_changed, sequence) VALUES (?, 'f', 'blocked@x', 'p', 'x', true, now(), now(), 'BLOCK', "
          + "'CONFIRMED', '', 0, now(), now(), now(), 0)")) {
        ps.setString(1, tenant);
        ps.executeUpdate();
      }
      CompletableFuture<ApplyResult> running = CompletableFuture.supplyAsync(() -> store.apply(apply));
      int pid = waitForBlockedBackend();
      try (Connection admin = db.connect(); PreparedStatement ps = admin.prepareStatement(
          "SELECT pg_terminate_backend(?)")) {
        ps.setInt(1, pid);
        ps.executeQuery().close();
      }
      assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(StorageException.class).hasMessageContaining("apply to feed f")
          .cause().isInstanceOf(SQLException.class);
      blocker.rollback();
    }

    assertThat(store.eventsOfFeed(tenant, "f")).isEqualTo(before);
    assertThat(store.state(tenant, "f")).isEqualTo(stateBefore);
    assertThat(store.runs(tenant, "f", 10)).extracting(SyncRun::runId).containsExactly("r1");
    // the pool replaced the dead connection: the same apply now goes through
    assertThat(store.apply(apply)).isEqualTo(new ApplyResult(2, 1));
    assertThat(store.state(tenant, "f")).isEqualTo(next);
  }

  private int waitForBlockedBackend() throws SQLException {
    try (Connection admin = db.connect(); PreparedStatement ps = admin.prepareStatement(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            + "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO icssync_event %'")) {
      return await("the apply blocks on the row lock").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> {
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getInt(1) : 0;
            }
          }, pid -> pid != 0);
    }
  }

  @Test
  void refusedConnectionIsAStorageExceptionQuickly() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort(); // closed again: nothing listens there
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/none?connectTimeout=1");
    config.setUsername("postgres");
    config.setConnectionTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    config.setMaximumPoolSize(1);
    try (HikariDataSource dead = new HikariDataSource(config)) {
      JdbcStore deadStore = JdbcStore.create(dead);
      long start = System.nanoTime();
      assertThatThrownBy(() -> deadStore.beginSync("t", "f", Fixtures.T0))
          .isInstanceOf(StorageException.class).hasMessageContaining("begin sync of feed f")
          .hasCauseInstanceOf(SQLException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void silentServerTimesOutInsteadOfHanging() throws Exception {
    try (ServerSocket blackHole = new ServerSocket(0)) {
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
        try {
          return blackHole.accept(); // accepts and never answers
        } catch (IOException e) {
          return null;
        }
      });
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setUrl("jdbc:postgresql://127.0.0.1:" + blackHole.getLocalPort() + "/none");
      ds.setUser("postgres");
      ds.setConnectTimeout(1);
      ds.setLoginTimeout(2);
      ds.setSocketTimeout(2);
      JdbcStore silent = JdbcStore.create(ds);
      long start = System.nanoTime();
      assertThatThrownBy(() -> silent.feeds("t")).isInstanceOf(StorageException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      Socket s = accepted.getNow(null);
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void heldLockHitsTheLockTimeoutThenTheApplyGoesThrough() throws Exception {
    String tenant = "lock-" + UUID.randomUUID();
    JdbcStore impatient = JdbcStore.builder(pool).lockTimeout(Duration.ofMillis(200)).build();
    FeedState s = impatient.beginSync(tenant, "f", Fixtures.T0);
    FeedApply apply = new FeedApply(tenant, "f", List.of(), Fixtures.stays(tenant, "f", "p", 3), s, null);
    try (Connection holder = db.connect()) {
      holder.setAutoCommit(false);
      try (PreparedStatement ps = holder.prepareStatement(
          "SELECT 1 FROM icssync_feed_state WHERE tenant = ? AND feed_id = 'f' FOR UPDATE")) {
        ps.setString(1, tenant);
        ps.executeQuery().close();
      }
      long start = System.nanoTime();
      assertThatThrownBy(() -> impatient.apply(apply)).isInstanceOf(StorageException.class)
          .hasMessageContaining("55P03");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

      JdbcStore shortStatements = JdbcStore.builder(pool).statementTimeout(Duration.ofMillis(300)).build();
      assertThatThrownBy(() -> shortStatements.apply(apply)).isInstanceOf(StorageException.class)
          .hasMessageContaining("57014");
      holder.rollback();
    }
    assertThat(impatient.apply(apply).eventRowsWritten()).isEqualTo(3);
  }
}
