package dev.icssync.jdbc;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

class H2FileStoreTest extends JdbcStoreBehaviourTest {
  @Override
  TestDatabase openDatabase() {
    try {
      return TestDatabases.h2File(Files.createTempDirectory("icssync-h2"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
