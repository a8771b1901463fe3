package dev.icssync.jdbc;

import dev.icssync.spi.Store;
import dev.icssync.tck.StoreContract;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** The store contract kit on Postgres: one migrated database for the class, a fresh tenant per test. */
@Tag("postgres")
class PostgresStoreContractTest extends StoreContract {
  private static TestDatabase db;
  private static JdbcStore shared;

  @Override
  protected Store createStore() {
    synchronized (PostgresStoreContractTest.class) {
      if (shared == null) {
        db = TestDatabases.postgres("jdbc_tck");
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
