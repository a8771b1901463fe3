package dev.icssync.jdbc;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;

class H2MemoryStoreTest extends JdbcStoreBehaviourTest {
  @Override
  TestDatabase openDatabase() {
    return TestDatabases.h2Memory();
  }
}
