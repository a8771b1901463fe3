package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.Feed;
import dev.icssync.IcsSyncException.StorageException;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A store on a database whose schema was never created says to call {@link JdbcStore#migrate}. */
class UnmigratedStoreTest {

  static void assertSaysToMigrate(TestDatabase db) {
    JdbcStore store = JdbcStore.create(db.dataSource());
    assertThatThrownBy(store::allFeeds).isInstanceOf(StorageException.class)
        .hasMessageContaining("the ics-sync tables are missing")
        .hasMessageContaining("JdbcStore.migrate(dataSource)");
    assertThatThrownBy(() -> store.saveFeed(Feed.builder("t", "f").property("p").source("airbnb").url("https://example.com/a.ics").build()))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("JdbcStore.migrate(dataSource)");
  }

  @Test
  void onH2() {
    try (TestDatabase db = TestDatabases.h2Memory()) {
      assertSaysToMigrate(db);
    }
  }

  @Test
  @Tag("postgres")
  void onPostgres() {
    try (TestDatabase db = TestDatabases.postgres("unmigrated")) {
      assertSaysToMigrate(db);
    }
  }
}
