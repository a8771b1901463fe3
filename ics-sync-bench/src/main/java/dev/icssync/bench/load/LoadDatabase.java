package dev.icssync.bench.load;

import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A throw-away PostgreSQL database for the load test (created with a unique name on the local server,
 * or on an embedded one when none answers; dropped on {@link #close()}), a connection pool, and row
 * counters read from {@code pg_stat_user_tables}.
 */
final class LoadDatabase implements AutoCloseable {
  static final String[] TABLES = {"icssync_feed", "icssync_feed_state", "icssync_event", "icssync_sync_run",
      "icssync_conflict", "icssync_property", "icssync_export_token"};

  final TestDatabase db;
  final HikariDataSource pool;
  final JdbcStore store;
  /** What the store sent (see {@link CountingDataSource}). */
  final CountingDataSource counting;
  /** Whether the server flushes a backend's statistics on demand ({@code pg_stat_force_next_flush}, 15+). */
  private final boolean forceFlush;

  LoadDatabase(int poolSize, boolean synchronousApplyCommit) {
    db = TestDatabases.postgres("load");
    pool = db.pool(c -> {
      c.setMaximumPoolSize(poolSize);
      c.setMinimumIdle(poolSize);
      c.setPoolName("load");
    });
    JdbcStore.migrate(pool);
    counting = new CountingDataSource(pool);
    store = JdbcStore.builder(counting.dataSource()).synchronousApplyCommit(synchronousApplyCommit).build();
    forceFlush = count("SELECT current_setting('server_version_num')::int") >= 150000;
  }

  /** Deletes every row of {@code tenant} from the ics-sync tables (a warm-up set, once it has done its work). */
  void deleteTenant(String tenant) {
    for (String t : TABLES) {
      db.execute("DELETE FROM " + t + " WHERE tenant = '" + tenant.replace("'", "''") + "'");
    }
  }

  /** Empties every ics-sync table (a cold start for the next scenario). */
  void truncate() {
    db.execute("TRUNCATE " + String.join(", ", TABLES));
  }

  long count(String sql) {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rows inserted, updated and deleted in the ics-sync tables so far, as the statistics collector
   * counts them, read on warm connections: every pooled connection is held at once and asked to hand
   * its pending counts in ({@code pg_stat_force_next_flush()}, PostgreSQL 15 and later), and stays in
   * the pool. A long-running worker's connections live from cycle to cycle, with their catalogue
   * caches and server-prepared statements, and a timed cycle after a count runs on them as a worker's
   * would. On an older server, where a backend reports only at commit at most once a second and at
   * exit, this is {@link #rowCountsOnNewConnections()}. The commits are {@code xact_commit} of {@code
   * pg_stat_database} (this database only; the statements of the count and the pool's validation
   * queries add a few dozen).
   */
  RowCounts rowCounts() {
    if (!forceFlush) {
      return rowCountsOnNewConnections();
    }
    int size = pool.getMaximumPoolSize();
    List<Connection> held = new ArrayList<>(size);
    try {
      for (int i = 0; i < size; i++) {
        held.add(pool.getConnection());
      }
      for (Connection c : held) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_stat_force_next_flush()");
        }
        if (!c.getAutoCommit()) {
          c.commit(); // the flush happens when the backend next goes idle
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("flushing the pool's statistics: " + e.getMessage(), e);
    } finally {
      for (Connection c : held) {
        try {
          c.close();
        } catch (SQLException e) {
          // returned to the pool or dropped by it: the count goes on
        }
      }
    }
    return readCounts();
  }

  /** Whether {@link #rowCounts()} keeps the pool's connections (the server can flush statistics on demand). */
  boolean rowCountsKeepConnections() {
    return forceFlush;
  }

  /**
   * {@link #rowCounts()} by closing the pool's connections: a backend reports its counts at commit at
   * most once a second, and at exit, so the pool's connections are closed first and their backends
   * awaited, then the pool opens new ones. The next cycle runs on new backends (empty catalogue caches,
   * no prepared statements): the cost a cycle pays on new connections is measured with it.
   */
  RowCounts rowCountsOnNewConnections() {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      List<Long> evicted = new ArrayList<>();
      String others = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
      try (ResultSet rs = s.executeQuery(others)) {
        while (rs.next()) {
          evicted.add(rs.getLong(1));
        }
      }
      pool.getHikariPoolMXBean().softEvictConnections();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!evicted.isEmpty() && System.nanoTime() < deadline) {
        List<Long> alive = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(others)) {
          while (rs.next()) {
            alive.add(rs.getLong(1));
          }
        }
        evicted.retainAll(alive);
        if (!evicted.isEmpty()) {
          Thread.sleep(10);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("closing the pool's connections: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    RowCounts counts = readCounts();
    awaitFullPool();
    return counts;
  }

  private RowCounts readCounts() {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("SELECT pg_stat_clear_snapshot()");
      Map<String, long[]> byTable = new LinkedHashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables"
          + " WHERE relname LIKE 'icssync\\_%'")) {
        while (rs.next()) {
          byTable.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
        }
      }
      long commits;
      try (ResultSet rs = s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
        rs.next();
        commits = rs.getLong(1);
      }
      CountingDataSource.Snapshot sent = counting.snapshot();
      return new RowCounts(byTable, commits, counting.statementsWithoutCopies(), sent.writeCheckouts(),
          sent.checkouts());
    } catch (SQLException e) {
      throw new IllegalStateException("reading pg_stat_user_tables: " + e.getMessage(), e);
    }
  }

  /**
   * Waits (up to 10 s) until the pool has refilled in the background after {@link
   * #rowCountsOnNewConnections} closed its connections: a cycle timed right after a count would
   * otherwise open its pool's connections (a backend's start-up, the driver's handshake) inside its
   * own timed span, a cost of the count, not of the syncs, and one a long-running worker does not pay
   * per cycle.
   */
  void awaitFullPool() {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (pool.getHikariPoolMXBean().getTotalConnections() < pool.getMaximumPoolSize()
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * CPU seconds used so far by the server processes of this database's current connections (Linux
   * {@code /proc/<pid>/schedstat}, local server only; NaN when unreadable). Compare two readings around
   * a phase while the pool keeps its connections.
   */
  double backendCpuSeconds() {
    long nanos = backendCpuNanos();
    return nanos < 0 ? Double.NaN : nanos / 1e9;
  }

  /**
   * On-CPU nanoseconds so far of the server processes of this database's current connections but the
   * one asking ({@link CpuProbes#onCpuNanos}), or -1 when there are some and none is readable (not a
   * local server).
   */
  long backendCpuNanos() {
    long sum = 0;
    int backends = 0;
    int readable = 0;
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid()")) {
      while (rs.next()) {
        backends++;
        long nanos = CpuProbes.onCpuNanos(rs.getLong(1));
        if (nanos >= 0) { // else gone, or not a local process
          sum += nanos;
          readable++;
        }
      }
    } catch (SQLException e) {
      return -1;
    }
    return backends > 0 && readable == 0 ? -1 : sum; // no backend at all (the pool refilling): none used
  }

  String serverVersion() {
    try (Connection c = db.connect()) {
      return c.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      return "unknown";
    }
  }

  /**
   * Row counts per table (inserted, updated, deleted), transactions committed in the database (read-only
   * ones included), statements the store executed, and, counted on the client by {@link
   * CountingDataSource}, the store's write transactions (connection checkouts that wrote: each one
   * commit that waits for a WAL flush) and all its connection checkouts (one transaction each).
   */
  record RowCounts(Map<String, long[]> byTable, long commits, long statements, long writeTransactions,
      long checkouts) {
    long inserted() {
      return byTable.values().stream().mapToLong(v -> v[0]).sum();
    }

    long updated() {
      return byTable.values().stream().mapToLong(v -> v[1]).sum();
    }

    long deleted() {
      return byTable.values().stream().mapToLong(v -> v[2]).sum();
    }

    long written() {
      return inserted() + updated() + deleted();
    }

    /** What happened between {@code before} and this. */
    RowCounts minus(RowCounts before) {
      Map<String, long[]> out = new LinkedHashMap<>();
      byTable.forEach((t, v) -> {
        long[] b = before.byTable.getOrDefault(t, new long[3]);
        out.put(t, new long[] {v[0] - b[0], v[1] - b[1], v[2] - b[2]});
      });
      return new RowCounts(out, commits - before.commits, statements - before.statements,
          writeTransactions - before.writeTransactions, checkouts - before.checkouts);
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("inserted", inserted());
      m.put("updated", updated());
      m.put("deleted", deleted());
      Map<String, Object> tables = new LinkedHashMap<>();
      byTable.forEach((t, v) -> {
        if (v[0] + v[1] + v[2] != 0) {
          tables.put(t, Map.of("inserted", v[0], "updated", v[1], "deleted", v[2]));
        }
      });
      m.put("byTable", tables);
      m.put("commits", commits);
      m.put("statements", statements);
      m.put("writeTransactions", writeTransactions);
      m.put("connectionCheckouts", checkouts);
      return m;
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
