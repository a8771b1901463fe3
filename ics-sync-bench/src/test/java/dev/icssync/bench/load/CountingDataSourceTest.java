package dev.icssync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The one counting data source of the load test and the unit-cost measurement, against real
 * PostgreSQL: what it counts for plain, prepared, batched and COPY statements, commits and checkouts,
 * and the load test's statement count, which leaves COPY out as it always has.
 */
@Tag("postgres")
class CountingDataSourceTest {

  @Test
  void countsStatementsBatchesCopiesCommitsAndWriteCheckouts() throws Exception {
    try (TestDatabase db = TestDatabases.postgres("counting")) {
      db.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
      CountingDataSource counting = new CountingDataSource(db.dataSource());
      CountingDataSource.Snapshot before = counting.snapshot();

      try (Connection c = counting.dataSource().getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
        rs.next(); // a read-only checkout
      }
      try (Connection c = counting.dataSource().getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
          for (int i = 0; i < 3; i++) {
            p.setInt(1, i);
            p.setString(2, "v" + i);
            p.addBatch();
          }
          p.executeBatch(); // one statement, three batched rows
        }
        c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY t (id, v) FROM STDIN", new StringReader("10\tx\n"));
        c.commit();
      }

      CountingDataSource.Snapshot d = counting.snapshot().minus(before);
      assertThat(d.statements()).as("SELECT, the batch, the COPY").isEqualTo(3);
      assertThat(d.batchedStatements()).isEqualTo(3);
      assertThat(d.copies()).isEqualTo(1);
      assertThat(d.checkouts()).isEqualTo(2);
      assertThat(d.writeCheckouts()).as("only the checkout that inserted").isEqualTo(1);
      assertThat(d.commits()).isEqualTo(1);
      assertThat(counting.statementsWithoutCopies()).as("the load test's count").isEqualTo(2);
    }
  }
}
