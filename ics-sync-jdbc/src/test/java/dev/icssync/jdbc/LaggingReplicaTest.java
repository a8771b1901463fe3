package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ChangeEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.ExportTokens;
import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FetchResult;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real engine on a store whose read data source lags. The "replica" is a second database that
 * receives only what a test copies into it from the primary, so it is exactly as stale as the test
 * says. Whatever the replica shows, double-booking detection, ignoring a conflict and the export
 * renders that the export cache keeps must act on the primary's state.
 */
class LaggingReplicaTest {
  static final String T = "t1";
  static final String P = "villa";
  static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
  static final String STAY_A = stay("a1", "20260701", "20260705");
  static final String STAY_B = stay("b1", "20260703", "20260706");

  private TestDatabase primary;
  private TestDatabase replica;
  private final Map<String, String> bodies = new ConcurrentHashMap<>();

  @BeforeEach
  void databases() {
    primary = TestDatabases.h2Memory();
    replica = TestDatabases.h2Memory();
    JdbcStore.migrate(primary.dataSource());
    JdbcStore.migrate(replica.dataSource());
  }

  @AfterEach
  void close() {
    primary.close();
    replica.close();
  }

  @Test
  void aDoubleBookingMadeBySyncsIsOpenedAndCanBeIgnoredWhileTheReplicaHasNoneOfIt() {
    try (IcsSync sync = engine(withReplica(), ExportCache.none())) {
      feeds(sync);
      bodies.put("a", calendar(STAY_A));
      bodies.put("b", calendar(STAY_B));
      assertThat(sync.syncFeed(T, "a").outcome()).isEqualTo(SyncOutcome.APPLIED);
      SyncReport b = sync.syncFeed(T, "b");

      assertThat(b.conflictsOpened()).isEqualTo(1);
      Conflict open = single(primaryConflicts());
      assertThat(open.status()).isEqualTo(ConflictStatus.OPEN);
      assertThat(replicaStore().conflicts(T, P, null)).isEmpty(); // the replica still knows nothing

      // an operator ignores the conflict at once: found on the primary, saved there
      assertThat(sync.ignoreConflict(T, open.id())).hasValueSatisfying(
          c -> assertThat(c.status()).isEqualTo(ConflictStatus.IGNORED));
      assertThat(single(primaryConflicts()).status()).isEqualTo(ConflictStatus.IGNORED);

      // the stay grows by a night, the overlap stays: still ignored, nothing opened
      bodies.put("b", calendar(stay("b1", "20260703", "20260707")));
      SyncReport again = sync.syncFeed(T, "b");
      assertThat(again.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(again.conflictsOpened()).isZero();
      assertThat(single(primaryConflicts()).status()).isEqualTo(ConflictStatus.IGNORED);
    }
  }

  /**
   * Detection reads the property's events and then its conflicts, in two transactions. A replica
   * that replays the commit of a conflict between those two reads shows the conflict without the
   * events that make it; modelled here by a replica that has the conflicts and none of the events.
   */
  @Test
  void anOpenConflictIsNotResolvedByAReplicaThatLacksItsEvents() {
    Conflict open = openConflictOnThePrimary();
    copyToReplica("icssync_conflict");
    assertThat(replicaStore().conflicts(T, P, null)).containsExactly(open);
    assertThat(replicaStore().events(EventQuery.active(T, P))).isEmpty();

    try (IcsSync sync = engine(withReplica(), ExportCache.none())) {
      // feed A gains an unrelated stay: its events changed, so detection runs for the property
      bodies.put("a", calendar(STAY_A + stay("a2", "20260801", "20260803")));
      SyncReport a = sync.syncFeed(T, "a");

      assertThat(a.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(a.counts().created()).isEqualTo(1);
      assertThat(a.conflictsResolved()).isZero();
      assertThat(a.changes()).noneMatch(c -> c instanceof ChangeEvent.ConflictResolved);
      assertThat(primaryConflicts()).containsExactly(open);
    }
  }

  /** The reverse: a replica still showing the overlap must not keep a conflict open that is gone. */
  @Test
  void aConflictWhoseOverlapIsGoneIsResolvedWhileTheReplicaStillShowsIt() {
    Conflict open = openConflictOnThePrimary();
    copyToReplica("icssync_event");
    copyToReplica("icssync_conflict");

    try (IcsSync sync = engine(withReplica(), ExportCache.none())) {
      bodies.put("b", calendar(stay("b1", "20260710", "20260712"))); // the guest moves the stay
      SyncReport b = sync.syncFeed(T, "b");

      assertThat(b.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(b.conflictsResolved()).isEqualTo(1);
      Conflict resolved = single(primaryConflicts());
      assertThat(resolved.id()).isEqualTo(open.id());
      assertThat(resolved.status()).isEqualTo(ConflictStatus.RESOLVED);
    }
  }

  /**
   * A sync drops the property's cached exports; the next render is cached again until the next
   * change, so it must show that sync even while the replica shows nothing.
   */
  @Test
  void exportsRenderedIntoTheCacheAfterASyncShowThatSync() {
    MapExportCache cache = new MapExportCache();
    ExportView view = ExportView.forProperty(T, P);
    try (IcsSync sync = engine(withReplica(), cache)) {
      feeds(sync);
      bodies.put("a", calendar(STAY_A));
      assertThat(sync.syncFeed(T, "a").outcome()).isEqualTo(SyncOutcome.APPLIED);
      ExportedCalendar first = sync.export(view);
      assertThat(first.eventCount()).isEqualTo(1);
      assertThat(first.body()).isEqualTo(primaryOnlyExport(view).body());

      bodies.put("b", calendar(STAY_B));
      sync.syncFeed(T, "b");
      assertThat(cache.entries).isEmpty(); // the sync invalidated the property
      ExportedCalendar second = sync.export(view);
      assertThat(second.eventCount()).isEqualTo(2);
      assertThat(second.body()).isEqualTo(primaryOnlyExport(view).body());
      assertThat(cache.entries.values()).singleElement()
          .satisfies(e -> assertThat(e.calendar().body()).isEqualTo(second.body()));
      assertThat(sync.export(view)).isSameAs(second); // served from the cache
    }
  }

  @Test
  void aTokenRevokedOnThePrimaryStopsWorkingWhileTheReplicaStillShowsItLive() {
    try (IcsSync sync = engine(withReplica(), ExportCache.none())) {
      feeds(sync);
      ExportTokens.Issued issued = sync.exportTokens().create(T, P, "airbnb");
      copyToReplica("icssync_feed");
      copyToReplica("icssync_export_token");
      assertThat(sync.exportTokens().resolve(issued.token())).isPresent();

      assertThat(sync.exportTokens().revoke(issued.token())).isTrue();

      assertThat(replicaStore().tokenByHash(ExportTokens.hash(issued.token())))
          .as("the replica has not seen the revocation")
          .hasValueSatisfying(t -> assertThat(t.revokedAt()).isNull());
      assertThat(sync.exportTokens().resolve(issued.token())).as("resolved on the primary").isEmpty();
    }
  }

  // --------------------------------------------------------------------------------------- helpers

  private Conflict openConflictOnThePrimary() {
    try (IcsSync direct = engine(JdbcStore.create(primary.dataSource()), ExportCache.none())) {
      feeds(direct);
      bodies.put("a", calendar(STAY_A));
      bodies.put("b", calendar(STAY_B));
      direct.syncFeed(T, "a");
      assertThat(direct.syncFeed(T, "b").conflictsOpened()).isEqualTo(1);
    }
    Conflict open = single(primaryConflicts());
    assertThat(open.status()).isEqualTo(ConflictStatus.OPEN);
    return open;
  }

  private ExportedCalendar primaryOnlyExport(ExportView view) {
    try (IcsSync direct = engine(JdbcStore.create(primary.dataSource()), ExportCache.none())) {
      return direct.export(view);
    }
  }

  private JdbcStore withReplica() {
    return JdbcStore.builder(primary.dataSource()).readDataSource(replica.dataSource()).build();
  }

  private JdbcStore replicaStore() {
    return JdbcStore.create(replica.dataSource());
  }

  private List<Conflict> primaryConflicts() {
    return JdbcStore.create(primary.dataSource()).conflicts(T, P, null);
  }

  private IcsSync engine(JdbcStore store, ExportCache cache) {
    return IcsSync.builder().store(store).exportCache(cache)
        .fetcher(r -> FetchResult.Fetched.of(bodies.get(r.feed().id()).getBytes(StandardCharsets.UTF_8)))
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  private static void feeds(IcsSync sync) {
    sync.store().saveFeed(Feed.builder(T, "a").property(P).source("direct").url("https://cal.example.com/a.ics").build());
    sync.store().saveFeed(Feed.builder(T, "b").property(P).source("pms").url("https://cal.example.com/b.ics").build());
  }

  private static Conflict single(List<Conflict> conflicts) {
    assertThat(conflicts).hasSize(1);
    return conflicts.get(0);
  }

  /** Replaces the replica's rows of {@code table} with the primary's. */
  private void copyToReplica(String table) {
    try (Connection from = primary.connect(); Connection to = replica.connect();
        Statement read = from.createStatement();
        ResultSet rs = read.executeQuery("SELECT * FROM " + table)) {
      int n = rs.getMetaData().getColumnCount();
      StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES (");
      for (int i = 1; i <= n; i++) {
        sql.append(i == 1 ? "?" : ", ?");
      }
      try (Statement clear = to.createStatement();
          PreparedStatement insert = to.prepareStatement(sql.append(')').toString())) {
        clear.executeUpdate("DELETE FROM " + table);
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            insert.setObject(i, rs.getObject(i));
          }
          insert.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("copy of " + table + " failed", e);
    }
  }

  static String stay(String uid, String start, String end) {
    return "BEGIN:VEVENT\r\nUID:" + uid + "@test\r\nDTSTART;VALUE=DATE:" + start + "\r\nDTEND;VALUE=DATE:"
        + end + "\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n";
  }

  static String calendar(String events) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + events + "END:VCALENDAR\r\n";
  }

  /** An export cache in a map: enough to see what is kept and what an invalidation drops. */
  static final class MapExportCache implements ExportCache {
    record Entry(String tenant, String property, ExportedCalendar calendar) {}

    final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public Optional<ExportedCalendar> get(String viewKey) {
      return Optional.ofNullable(entries.get(viewKey)).map(Entry::calendar);
    }

    @Override
    public void put(String viewKey, String tenant, String property, ExportedCalendar calendar) {
      entries.put(viewKey, new Entry(tenant, property, calendar));
    }

    @Override
    public void invalidate(String tenant, String property) {
      entries.values().removeIf(e -> e.tenant().equals(tenant) && e.property().equals(property));
    }
  }
}
