package dev.icssync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the load test reads around a timed cycle, against real PostgreSQL: counting rows closes the
 * pool's connections, and must leave the pool open again, so that the next cycle does not start its
 * backends inside its own timed span; the backends' CPU is read in nanoseconds, not clock ticks.
 */
@Tag("postgres")
class LoadDatabaseTest {

  @Test
  void countingRowsLeavesThePoolFullForTheNextCycle() {
    try (LoadDatabase db = new LoadDatabase(8, true)) {
      db.rowCounts();
      assertThat(db.pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(8);
      db.rowCounts();
      assertThat(db.pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(8);
    }
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
