package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The whole behaviour suite again, on the optional tenant-hash-partitioned events table. */
@Tag("postgres")
class PostgresPartitionedStoreTest extends JdbcStoreBehaviourTest {
  static final String SCRIPT = "db/icssync/optional/postgresql_partition_events_by_tenant.sql";

  @Override
  TestDatabase openDatabase() {
    TestDatabase db = TestDatabases.postgres("jdbc_partitioned");
    JdbcStore.migrate(db.dataSource());
    db.execute(script());
    return db;
  }

  static String script() {
    try (InputStream in = PostgresPartitionedStoreTest.class.getClassLoader().getResourceAsStream(SCRIPT)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void eventsAreSpreadOverSixteenHashPartitions() throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_inherits WHERE inhparent = 'icssync_event'::regclass")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(16);
    }
  }
}
