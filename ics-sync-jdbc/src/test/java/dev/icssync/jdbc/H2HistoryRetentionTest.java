package dev.icssync.jdbc;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;

class H2HistoryRetentionTest extends HistoryRetentionTest {
  @Override
  TestDatabase openDatabase() {
    return TestDatabases.h2Memory();
  }
}
