package dev.icssync.jdbc;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import org.junit.jupiter.api.Tag;

@Tag("postgres")
class PostgresHistoryRetentionTest extends HistoryRetentionTest {
  @Override
  TestDatabase openDatabase() {
    return TestDatabases.postgres("history_retention");
  }
}
