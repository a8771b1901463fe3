package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.ExportToken;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lag-tolerant reads go to the read data source, everything a sync depends on to the primary. The
 * "replica" here is a second database that never receives the writes, i.e. a replica lagging forever.
 */
class ReadDataSourceTest {

  @Test
  void lagTolerantReadsUseTheReadDataSourceAndSyncReadsThePrimary() {
    try (TestDatabase primary = TestDatabases.h2Memory(); TestDatabase replica = TestDatabases.h2Memory()) {
      JdbcStore.migrate(primary.dataSource());
      JdbcStore.migrate(replica.dataSource());
      JdbcStore store = JdbcStore.builder(primary.dataSource()).readDataSource(replica.dataSource()).build();
      store.saveFeed(Feed.builder("t", "f").property("p").source("airbnb").url("https://example.com/f.ics").build());
      FeedState s = store.beginSync("t", "f", Fixtures.T0);
      store.apply(new FeedApply("t", "f", List.of(), Fixtures.stays("t", "f", "p", 3), s, Fixtures.run(s, "r", 3)));
      store.saveToken(new ExportToken("h", "t", "p", null, Fixtures.T0, null, null));

      // sync path: primary
      assertThat(store.feed("t", "f")).isPresent();
      assertThat(store.state("t", "f").generation()).isEqualTo(1);
      assertThat(store.eventsOfFeed("t", "f")).hasSize(3);
      // reads that decide a write: primary
      assertThat(store.eventsForWrite(EventQuery.active("t", "p"))).hasSize(3);
      EventKey k1 = new EventKey("t", "f", "x", "");
      EventKey k2 = new EventKey("t", "g", "y", "");
      store.saveConflicts("t", List.of(new Conflict(Conflict.idOf(k1, k2), "t", "p", k1, k2,
          DateRange.timed(Fixtures.T0, Fixtures.T0.plusSeconds(3600)), ConflictStatus.OPEN, null, Fixtures.T0, null)));
      assertThat(store.conflictsForWrite("t", "p", null)).hasSize(1);
      assertThat(store.conflicts("t", "p", null)).isEmpty();
      // the token check of an export request: primary (a revocation must hold at once)
      assertThat(store.tokenByHash("h")).isPresent();
      // lag-tolerant reads: the replica, which has none of it yet
      assertThat(store.events(EventQuery.active("t", "p"))).isEmpty();
      assertThat(store.runs("t", "f", 5)).isEmpty();
      assertThat(store.feeds("t")).isEmpty();
      assertThat(store.allFeeds()).isEmpty();
      assertThat(store.tokens("t", "p")).isEmpty();
      assertThat(JdbcStore.create(primary.dataSource()).events(EventQuery.active("t", "p"))).hasSize(3);
    }
  }

  @Test
  void builderRejectsBadTimeoutsNamingTheParameter() {
    try (TestDatabase db = TestDatabases.h2Memory()) {
      assertThatThrownBy(() -> JdbcStore.builder(db.dataSource()).statementTimeout(Duration.ZERO).build())
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("statementTimeout");
      assertThatThrownBy(() -> JdbcStore.builder(db.dataSource()).lockTimeout(Duration.ofSeconds(-1)).build())
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("lockTimeout");
      assertThatThrownBy(() -> JdbcStore.builder(db.dataSource()).lockTimeout(Duration.ofNanos(10)).build())
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("lockTimeout");
    }
  }

  @Test
  void anUnmigratedDatabaseIsAStorageExceptionWithTheCause() {
    try (TestDatabase db = TestDatabases.h2Memory()) {
      assertThatThrownBy(() -> JdbcStore.create(db.dataSource()).feeds("t"))
          .isInstanceOf(dev.icssync.IcsSyncException.StorageException.class)
          .hasMessageContaining("list feeds").hasCauseInstanceOf(java.sql.SQLException.class);
    }
  }
}
