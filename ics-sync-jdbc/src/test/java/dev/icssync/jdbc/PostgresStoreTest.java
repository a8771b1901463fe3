package dev.icssync.jdbc;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import org.junit.jupiter.api.Tag;

@Tag("postgres")
class PostgresStoreTest extends JdbcStoreBehaviourTest {
  @Override
  TestDatabase openDatabase() {
    return TestDatabases.postgres("jdbc_store");
  }
}
