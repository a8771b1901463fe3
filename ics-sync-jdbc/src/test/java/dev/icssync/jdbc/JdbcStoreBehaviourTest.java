package dev.icssync.jdbc;

import static dev.icssync.jdbc.Fixtures.D0;
import static dev.icssync.jdbc.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.CalendarEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportToken;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSyncException.StaleGenerationException;
import dev.icssync.PropertySettings;
import dev.icssync.Quarantine;
import dev.icssync.SyncRun;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.Store;
import dev.icssync.tck.db.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The store's behaviour on one database, checked against the in-memory store (the reference) where
 * the outcome is not obvious. Each test works in its own tenant, so one migrated database serves the
 * class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreBehaviourTest {
  TestDatabase db;
  JdbcStore store;
  String tenant;

  abstract TestDatabase openDatabase();

  @BeforeAll
  void setUpDatabase() {
    db = openDatabase();
    JdbcStore.migrate(db.dataSource());
    store = JdbcStore.create(db.dataSource());
  }

  @AfterAll
  void tearDownDatabase() {
    db.close();
  }

  @BeforeEach
  void newTenant() {
    tenant = "t-" + UUID.randomUUID();
  }

  @Test
  void migrateTwiceIsHarmless() {
    JdbcStore.migrate(db.dataSource());
    assertThat(store.feeds(tenant)).isEmpty();
  }

  @Test
  void feedsAreSavedReplacedAndListedInOrder() {
    Feed b = Feed.builder(tenant, "b").property("p1").source("airbnb").url("https://example.com/b.ics?s=secret").build();
    Feed a = new Feed("a", tenant, "p1", "booking", "https://example.com/a.ics", Duration.ofMinutes(5), false, 3);
    store.saveFeed(b);
    store.saveFeed(a);
    store.saveFeed(b.withActive(false));
    assertThat(store.feed(tenant, "a")).contains(a);
    assertThat(store.feed(tenant, "b")).contains(b.withActive(false));
    assertThat(store.feed(tenant, "c")).isEmpty();
    assertThat(store.feeds(tenant)).containsExactly(a, b.withActive(false));
    assertThat(store.feeds("other-" + tenant)).isEmpty();
    assertThat(store.allFeeds()).containsSubsequence(a, b.withActive(false));
  }

  @Test
  void stateStartsInitialAndBeginSyncBumpsTheGeneration() {
    assertThat(store.state(tenant, "f")).isEqualTo(FeedState.initial(tenant, "f"));
    FeedState s1 = store.beginSync(tenant, "f", T0);
    FeedState s2 = store.beginSync(tenant, "f", T0.plusSeconds(60));
    assertThat(s1.generation()).isEqualTo(1);
    assertThat(s1.lastAttempt()).isEqualTo(T0);
    assertThat(s2.generation()).isEqualTo(2);
    assertThat(s2.lastAttempt()).isEqualTo(T0.plusSeconds(60));
    assertThat(store.state(tenant, "f")).isEqualTo(s2);
    assertThat(store.state(tenant, "g").generation()).isZero();
  }

  @Test
  void concurrentBeginSyncsGetDistinctGenerations() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        futures.add(pool.submit(() -> store.beginSync(tenant, "f", T0).generation()));
      }
      Set<Long> generations = new HashSet<>();
      for (Future<Long> f : futures) {
        generations.add(f.get());
      }
      assertThat(generations).hasSize(20).contains(1L, 20L);
      assertThat(store.state(tenant, "f").generation()).isEqualTo(20);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void applyWritesEventsStateAndRunAndCountsOnlyChangedRows() {
    FeedState s = store.beginSync(tenant, "f", T0);
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", 50);
    FeedState next = FeedState.builder()
        .tenant(tenant)
        .feedId("f")
        .etag("\"etag\"")
        .lastModified("Tue, 01 Sep 2026 10:00:00 GMT")
        .contentDigest("digest")
        .parserVersion(3)
        .lastAttempt(T0)
        .lastSuccess(T0)
        .nextDue(T0.plusSeconds(900))
        .generation(s.generation())
        .build();
    ApplyResult r = store.apply(new FeedApply(tenant, "f", List.of(), events, next, Fixtures.run(next, "r1", 50)));
    assertThat(r).isEqualTo(new ApplyResult(50, 0));
    assertThat(store.eventsOfFeed(tenant, "f")).containsExactlyElementsOf(
        events.stream().sorted((x, y) -> x.key().compareTo(y.key())).toList());
    assertThat(store.state(tenant, "f")).isEqualTo(next);

    // the same upserts again: nothing written
    assertThat(store.apply(new FeedApply(tenant, "f", List.of(), events, next, null)).eventRowsWritten()).isZero();

    // two changed (one moved, one cancelled), the rest resent unchanged
    List<CalendarEvent> again = new ArrayList<>(events);
    again.set(3, Fixtures.moved(events.get(3), 1));
    again.set(7, events.get(7).cancel(T0.plusSeconds(5)));
    assertThat(store.apply(new FeedApply(tenant, "f", List.of(), again, next, Fixtures.run(next, "r2", 0))))
        .isEqualTo(new ApplyResult(2, 0));
    assertThat(store.eventsOfFeed(tenant, "f")).contains(again.get(3), again.get(7));
    assertThat(store.runs(tenant, "f", 10)).extracting(SyncRun::runId).containsExactly("r2", "r1");
    assertThat(store.runs(tenant, "f", 1)).extracting(SyncRun::runId).containsExactly("r2");
    assertThat(store.runs(tenant, "f", 1).get(0)).isEqualTo(Fixtures.run(next, "r2", 0));
  }

  @Test
  void staleGenerationRollsTheWholeApplyBack() {
    FeedState s1 = store.beginSync(tenant, "f", T0);
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", 5);
    store.apply(new FeedApply(tenant, "f", List.of(), events.subList(0, 2), s1, Fixtures.run(s1, "r1", 2)));
    FeedState s2 = store.beginSync(tenant, "f", T0.plusSeconds(1)); // a newer worker started
    FeedState staleNext = FeedState.builder()
        .tenant(tenant)
        .feedId("f")
        .etag("x")
        .contentDigest("d")
        .parserVersion(1)
        .lastAttempt(T0)
        .lastSuccess(T0)
        .generation(s1.generation())
        .build();
    assertThatThrownBy(() -> store.apply(new FeedApply(tenant, "f",
        List.of(new FeedApply.Rekey(events.get(0).key(), new EventKey(tenant, "f", "renamed", ""))),
        events, staleNext, Fixtures.run(staleNext, "stale", 5))))
        .isInstanceOf(StaleGenerationException.class)
        .hasMessageContaining("generation " + s1.generation());
    assertThat(store.eventsOfFeed(tenant, "f")).containsExactlyElementsOf(events.subList(0, 2));
    assertThat(store.state(tenant, "f")).isEqualTo(s2);
    assertThat(store.runs(tenant, "f", 10)).extracting(SyncRun::runId).containsExactly("r1");
  }

  @Test
  void applyOnANeverSyncedFeedHoldsGenerationZero() {
    FeedState initial = FeedState.initial(tenant, "f");
    assertThat(store.apply(FeedApply.stateOnly(initial.withGeneration(0), null))).isEqualTo(new ApplyResult(0, 0));
    assertThatThrownBy(() -> store.apply(FeedApply.stateOnly(initial.withGeneration(1), null)))
        .isInstanceOf(StaleGenerationException.class);
  }

  @Test
  void rekeyRenamesBeforeUpsertsAndUnknownRekeyWritesNothing() {
    FeedState s = store.beginSync(tenant, "f", T0);
    List<CalendarEvent> events = Fixtures.stays(tenant, "f", "p", 3);
    store.apply(new FeedApply(tenant, "f", List.of(), events, s, null));
    EventKey from = events.get(1).key();
    EventKey to = new EventKey(tenant, "f", "reissued@airbnb.com", "");
    CalendarEvent renamed = CalendarEvent.builder()
        .key(to)
        .property("p")
        .source("airbnb")
        .range(events.get(1).range())
        .kind(EventKind.RESERVATION)
        .summary("Reserved")
        .fingerprint(events.get(1).fingerprint())
        .firstSeen(T0)
        .lastSeen(T0.plusSeconds(9))
        .lastChanged(T0)
        .build();
    ApplyResult r = store.apply(new FeedApply(tenant, "f", List.of(new FeedApply.Rekey(from, to)),
        List.of(renamed), s, null));
    assertThat(r).isEqualTo(new ApplyResult(1, 1));
    assertThat(store.eventsOfFeed(tenant, "f")).extracting(CalendarEvent::key)
        .containsExactly(to, events.get(0).key(), events.get(2).key());
    assertThat(store.eventsOfFeed(tenant, "f")).contains(renamed);

    EventKey ghost = new EventKey(tenant, "f", "ghost", "");
    List<CalendarEvent> before = store.eventsOfFeed(tenant, "f");
    assertThatThrownBy(() -> store.apply(new FeedApply(tenant, "f",
        List.of(new FeedApply.Rekey(events.get(0).key(), new EventKey(tenant, "f", "x", "")),
            new FeedApply.Rekey(ghost, new EventKey(tenant, "f", "y", ""))),
        Fixtures.stays(tenant, "f", "p", 10), s.withoutValidators(), null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ghost");
    assertThat(store.eventsOfFeed(tenant, "f")).isEqualTo(before);
  }

  @Test
  void recurrenceInstancesAreDistinctEvents() {
    FeedState s = store.beginSync(tenant, "f", T0);
    CalendarEvent master = Fixtures.stay(tenant, "f", "p", "series", D0, D0.plusDays(1));
    CalendarEvent instance = CalendarEvent.builder()
        .key(new EventKey(tenant, "f", "series", "20260608"))
        .property("p")
        .source("airbnb")
        .range(DateRange.allDay(D0.plusDays(7), D0.plusDays(8)))
        .kind(EventKind.BLOCK)
        .summary("Blocked")
        .fingerprint(9)
        .firstSeen(T0)
        .lastSeen(T0)
        .lastChanged(T0)
        .build();
    assertThat(store.apply(new FeedApply(tenant, "f", List.of(), List.of(instance, master), s, null))
        .eventRowsWritten()).isEqualTo(2);
    assertThat(store.eventsOfFeed(tenant, "f")).containsExactly(master, instance);
  }

  @Test
  void eventQueriesMatchTheInMemoryStore() {
    Store reference = Store.inMemory();
    Random random = new Random(42);
    List<CalendarEvent> events = new ArrayList<>();
    Instant base = D0.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    for (int i = 0; i < 120; i++) {
      String feed = "f" + (i % 3);
      String property = i % 4 == 0 ? "other" : "p";
      CalendarEvent e;
      if (random.nextBoolean()) {
        LocalDate in = D0.plusDays(random.nextInt(40));
        e = Fixtures.stay(tenant, feed, property, "u" + i, in, in.plusDays(random.nextInt(4)));
      } else {
        Instant start = base.plusSeconds(random.nextInt(40 * 86_400));
        e = Fixtures.timed(tenant, feed, property, "u" + i, start, start.plusSeconds(random.nextInt(3 * 86_400)));
      }
      if (random.nextInt(5) == 0) {
        e = e.cancel(T0);
      }
      events.add(e);
    }
    for (String feed : List.of("f0", "f1", "f2")) {
      List<CalendarEvent> ofFeed = events.stream().filter(e -> e.feedId().equals(feed)).toList();
      for (Store target : List.of(reference, store)) {
        FeedState s = target.beginSync(tenant, feed, T0);
        target.apply(new FeedApply(tenant, feed, List.of(), ofFeed, s, null));
      }
    }
    for (int q = 0; q < 60; q++) {
      LocalDate from = random.nextInt(6) == 0 ? null : D0.plusDays(random.nextInt(44) - 2);
      LocalDate to = random.nextInt(6) == 0 ? null
          : (from == null ? D0.plusDays(random.nextInt(44)) : from.plusDays(random.nextInt(6)));
      EventQuery query = new EventQuery(tenant, q % 5 == 0 ? "other" : "p", from, to, random.nextBoolean());
      assertThat(store.events(query)).as("%s", query).isEqualTo(reference.events(query));
    }
    for (String feed : List.of("f0", "f1", "f2")) {
      assertThat(store.eventsOfFeed(tenant, feed)).isEqualTo(reference.eventsOfFeed(tenant, feed));
    }
  }

  @Test
  void sameDayTurnoverIsOutsideTheWindow() {
    FeedState s = store.beginSync(tenant, "f", T0);
    CalendarEvent before = Fixtures.stay(tenant, "f", "p", "before", D0.minusDays(3), D0);
    CalendarEvent inside = Fixtures.stay(tenant, "f", "p", "inside", D0, D0.plusDays(2));
    store.apply(new FeedApply(tenant, "f", List.of(), List.of(before, inside), s, null));
    assertThat(store.events(new EventQuery(tenant, "p", D0, D0.plusDays(1), false))).containsExactly(inside);
    assertThat(store.events(EventQuery.active(tenant, "p"))).containsExactly(before, inside);
  }

  @Test
  void conflictsAreFilteredAndOrdered() {
    EventKey a = EventKey.of(tenant, "f1", "a");
    EventKey b = EventKey.of(tenant, "f2", "b");
    EventKey c = EventKey.of(tenant, "f3", "c");
    DateRange.Timed overlap = DateRange.timed(T0, T0.plusSeconds(3600));
    Conflict c1 = new Conflict(Conflict.idOf(a, b), tenant, "p2", a, b, overlap, ConflictStatus.OPEN, null, T0, null);
    Conflict c2 = new Conflict(Conflict.idOf(a, c), tenant, "p1", a, c, overlap, ConflictStatus.RESOLVED, c,
        T0.plusSeconds(5), T0.plusSeconds(50));
    Conflict c3 = new Conflict(Conflict.idOf(b, c), tenant, "p1", b, c, overlap, ConflictStatus.OPEN, b, T0, null);
    store.saveConflicts(tenant, List.of(c1, c2, c3));
    assertThat(store.conflicts(tenant, null, null)).containsExactly(c3, c2, c1);
    assertThat(store.conflicts(tenant, "p1", null)).containsExactly(c3, c2);
    assertThat(store.conflicts(tenant, null, ConflictStatus.OPEN)).containsExactly(c3, c1);
    Conflict c1Ignored = new Conflict(c1.id(), tenant, "p2", a, b, overlap, ConflictStatus.IGNORED, null, T0, null);
    store.saveConflicts(tenant, List.of(c1Ignored));
    assertThat(store.conflicts(tenant, "p2", null)).containsExactly(c1Ignored);
    assertThat(store.conflicts("other-" + tenant, null, null)).isEmpty();
    assertThatThrownBy(() -> store.saveConflicts("other-" + tenant, List.of(c1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tokensAreFoundByHashAcrossTenantsAndListedNewestFirst() {
    ExportToken old = new ExportToken("aa" + tenant, tenant, "p", null, T0, null, null);
    ExportToken newer = new ExportToken("bb" + tenant, tenant, "p", "airbnb", T0.plusSeconds(10), T0.plusSeconds(99),
        null);
    store.saveToken(old);
    store.saveToken(newer);
    assertThat(store.tokenByHash(old.hash())).contains(old);
    assertThat(store.tokenByHash("missing")).isEmpty();
    assertThat(store.tokens(tenant, "p")).containsExactly(newer, old);
    ExportToken revoked = new ExportToken(old.hash(), tenant, "p", null, T0, null, T0.plusSeconds(20));
    store.saveToken(revoked);
    assertThat(store.tokenByHash(old.hash())).contains(revoked);
  }

  @Test
  void exportTokensAreStoredOnlyAsTheirHash() throws Exception {
    store.saveProperty(PropertySettings.defaults(tenant, "p"));
    dev.icssync.ExportTokens tokens = dev.icssync.ExportTokens.create(store,
        java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC), keys -> { });
    String token = tokens.create(tenant, "p", "airbnb").token();
    String rotated = tokens.rotate(tenant, "p", "airbnb", Duration.ofHours(1)).token();
    assertThat(tokens.resolve(token)).isPresent();
    Set<String> hashes = Set.of(dev.icssync.ExportTokens.hash(token), dev.icssync.ExportTokens.hash(rotated));
    Set<String> hashesSeen = new HashSet<>();
    List<String> tables = new ArrayList<>();
    try (java.sql.Connection c = db.connect()) {
      try (java.sql.ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
        while (rs.next()) {
          String schema = rs.getString("TABLE_SCHEM");
          String name = rs.getString("TABLE_NAME");
          String type = rs.getString("TABLE_TYPE");
          if (type != null && type.contains("TABLE") && !type.contains("INDEX") && name.toLowerCase(java.util.Locale.ROOT).startsWith("icssync")
              && !"INFORMATION_SCHEMA".equalsIgnoreCase(schema) && !"pg_catalog".equals(schema)) {
            tables.add("\"" + schema + "\".\"" + name + "\"");
          }
        }
      }
      assertThat(tables).as("the store's tables").hasSizeGreaterThan(3);
      for (String table : tables) {
        try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              String value = rs.getString(i);
              if (value == null) {
                continue;
              }
              assertThat(value).as("%s column %s", table, rs.getMetaData().getColumnName(i))
                  .doesNotContain(token).doesNotContain(rotated);
              if (hashes.contains(value)) {
                hashesSeen.add(value);
              }
            }
          }
        }
      }
    }
    assertThat(hashesSeen).as("the scan sees the stored hashes").isEqualTo(hashes);
  }

  @Test
  void propertySettingsRoundTrip() {
    PropertySettings s = new PropertySettings(tenant, "p", ZoneId.of("Europe/Lisbon"), LocalTime.of(16, 0),
        LocalTime.of(10, 30));
    store.saveProperty(s);
    assertThat(store.property(tenant, "p")).contains(s);
    store.saveProperty(PropertySettings.defaults(tenant, "p"));
    assertThat(store.property(tenant, "p")).contains(PropertySettings.defaults(tenant, "p"));
    assertThat(store.property(tenant, "q")).isEmpty();
  }

  @Test
  void quarantineAndErrorsSurviveInTheState() {
    FeedState s = store.beginSync(tenant, "f", T0);
    FeedState q = FeedState.builder()
        .tenant(tenant)
        .feedId("f")
        .contentDigest("d")
        .parserVersion(1)
        .lastAttempt(T0)
        .consecutiveFailures(2)
        .lastError("NETWORK: reset")
        .nextDue(T0.plusSeconds(60))
        .quarantine(new Quarantine("feed came back empty", T0, 12, "abc", 1))
        .generation(s.generation())
        .build();
    store.apply(FeedApply.stateOnly(q, null));
    assertThat(store.state(tenant, "f")).isEqualTo(q);
  }

  @Test
  void tenantsNeverSeeEachOther() {
    String other = "other-" + tenant;
    for (String t : List.of(tenant, other)) {
      FeedState s = store.beginSync(t, "f", T0);
      store.apply(new FeedApply(t, "f", List.of(), Fixtures.stays(t, "f", "p", t.equals(tenant) ? 2 : 3), s, null));
    }
    assertThat(store.eventsOfFeed(tenant, "f")).hasSize(2).allMatch(e -> e.tenant().equals(tenant));
    assertThat(store.events(EventQuery.active(other, "p"))).hasSize(3).allMatch(e -> e.tenant().equals(other));
    assertThat(store.state(tenant, "f").generation()).isEqualTo(1);
  }
}
