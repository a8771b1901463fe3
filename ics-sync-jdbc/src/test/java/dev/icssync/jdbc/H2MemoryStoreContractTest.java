package dev.icssync.jdbc;

import dev.icssync.spi.Store;
import dev.icssync.tck.StoreContract;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import org.junit.jupiter.api.AfterAll;

/** The store contract kit on H2Memory: one migrated database for the class, a fresh tenant per test. */
class H2MemoryStoreContractTest extends StoreContract {
  private static TestDatabase db;
  private static JdbcStore shared;

  @Override
  protected Store createStore() {
    synchronized (H2MemoryStoreContractTest.class) {
      if (shared == null) {
        db = TestDatabases.h2Memory();
        JdbcStore.migrate(db.dataSource());
        shared = JdbcStore.create(db.dataSource());
      }
      return shared;
    }
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }
}
