package dev.icssync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the load test reads around a timed cycle, against real PostgreSQL: counting rows sees every
 * write the pool's connections made and keeps those connections (a timed cycle runs on warm backends,
 * as a long-running worker's do), and the count on new connections leaves the pool full again; the
 * backends' CPU is read in nanoseconds, not clock ticks.
 */
@Tag("postgres")
class LoadDatabaseTest {

  @Test
  void countingRowsOnNewConnectionsLeavesThePoolFullForTheNextCycle() {
    try (LoadDatabase db = new LoadDatabase(8, true)) {
      db.rowCountsOnNewConnections();
      assertThat(db.pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(8);
      db.rowCountsOnNewConnections();
      assertThat(db.pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(8);
    }
  }

  @Test
  void countingRowsSeesThePoolsLatestWritesAndKeepsItsBackends() throws Exception {
    try (LoadDatabase db = new LoadDatabase(4, true)) {
      LoadDatabase.RowCounts before = db.rowCounts();
      Set<Integer> pids = backends(db);
      // a write on every pooled connection, each its own transaction, counted at once afterwards
      List<Connection> held = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          held.add(db.pool.getConnection());
        }
        int n = 0;
        for (Connection c : held) {
          try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO icssync_property VALUES ('t', 'p" + n++ + "', 'UTC', '15:00', '11:00')");
          }
        }
      } finally {
        for (Connection c : held) {
          c.close();
        }
      }
      LoadDatabase.RowCounts rows = db.rowCounts().minus(before);

      assertThat(rows.byTable().get("icssync_property")[0]).isEqualTo(4);
      if (db.rowCountsKeepConnections()) {
        assertThat(backends(db)).isEqualTo(pids);
      }
    }
  }

  /** The backend pids of every pooled connection, all held at once. */
  private static Set<Integer> backends(LoadDatabase db) throws Exception {
    List<Connection> held = new ArrayList<>();
    Set<Integer> pids = new HashSet<>();
    try {
      for (int i = 0; i < db.pool.getMaximumPoolSize(); i++) {
        Connection c = db.pool.getConnection();
        held.add(c);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
          rs.next();
          pids.add(rs.getInt(1));
        }
      }
    } finally {
      for (Connection c : held) {
        c.close();
      }
    }
    return pids;
  }

  @Test
  void backendCpuIsReadInNanosecondsNotClockTicks() throws Exception {
    try (LoadDatabase db = new LoadDatabase(2, true)) {
      db.rowCounts();
      long before = db.backendCpuNanos();
      assertThat(before).isNotNegative();
      try (Connection c = db.pool.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM generate_series(1, 200000)")) {
        rs.next();
      }
      long used = db.backendCpuNanos() - before;
      assertThat(used).isPositive();
      // /proc/<pid>/stat counts whole 10 ms clock ticks; schedstat counts nanoseconds
      assertThat(used % 10_000_000L).isNotZero();
    }
  }
}
