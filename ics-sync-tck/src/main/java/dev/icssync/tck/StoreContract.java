package dev.icssync.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeCounts;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportToken;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.HistoryRetention;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException.StaleGenerationException;
import dev.icssync.IcsSyncException.StorageException;
import dev.icssync.PropertySettings;
import dev.icssync.Quarantine;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.SyncRun;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.FeedWithState;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.StateUpdate;
import dev.icssync.spi.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract of {@link Store}: what the core relies on from every storage adapter. Extend it in
 * a test class and return the store under test:
 *
 * <pre>{@code
 * class MyStoreContractTest extends StoreContract {
 *   @Override
 *   protected Store createStore() {
 *     return new MyStore(dataSource);
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #createStore()} is called before every test. It may return a fresh store or one shared
 * by the whole class (a migrated database, say): every test works under tenants with fresh random
 * names and never assumes the store is otherwise empty. {@link #closeStore} runs after every test.
 *
 * <p>Instants in the kit have whole microseconds (the precision of PostgreSQL's {@code timestamptz});
 * identifiers are lower-case ASCII letters and digits, so that database collations sort them as
 * Java's {@link String#compareTo} does.
 *
 * <p>The tests are grouped in nested classes: {@link Feeds}, {@link States}, {@link Properties},
 * {@link Tokens}, {@link Events}, {@link Fencing}, {@link Queries}, {@link Conflicts},
 * {@link Runs}, {@link BatchedStates}, {@link ThroughTheEngine}, {@link TenantIsolation} and {@link Concurrency}.
 */
public abstract class StoreContract {

  /** A fixed instant with microseconds: stores must keep at least that precision. */
  protected static final Instant T0 = Instant.parse("2026-08-01T10:15:30.123456Z");

  /** A day in the middle of the kit's stays. */
  protected static final LocalDate D0 = LocalDate.of(2026, 8, 24);

  /** The store under test, created before each test. */
  protected Store store;

  /** A tenant no other test uses. */
  protected String tenant;

  /** A second tenant no other test uses; sorts after {@link #tenant}. */
  protected String otherTenant;

  /** Returns the store to test; called before every test. */
  protected abstract Store createStore();

  /** Releases what {@link #createStore()} opened; called after every test. Does nothing by default. */
  protected void closeStore(Store store) {}

  /**
   * Whether {@link ApplyResult#eventRowsWritten()} leaves out rows that were upserted unchanged (the
   * {@link FeedApply} contract allows skipping them). True by default; a store that cannot tell
   * returns false, and the kit then only checks that such rows stay as they were.
   */
  protected boolean skipsUnchangedRows() {
    return true;
  }

  /**
   * Threads and rounds of the {@link Concurrency} tests. Kept small by default (a shared CI machine);
   * a store may raise them in its own soak tests.
   */
  protected int concurrentWriters() {
    return 4;
  }

  @BeforeEach
  void openStoreUnderTest() {
    store = createStore();
    String base = "tck" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    tenant = base + "a";
    otherTenant = base + "b";
  }

  @AfterEach
  void closeStoreUnderTest() {
    closeStore(store);
  }

  // ------------------------------------------------------------------------------------ fixtures

  /** An active feed of {@code property} with a URL holding a secret in its query. */
  protected static Feed feed(String tenant, String id, String property) {
    return Feed.builder(tenant, id).property(property).source("airbnb").url("https://www.airbnb.com/calendar/ical/" + id + ".ics?s=secret").build();
  }

  /** A confirmed, all-day reservation. */
  protected static CalendarEvent stay(String tenant, String feedId, String property, String uid, LocalDate in,
      LocalDate out) {
    return CalendarEvent.builder()
        .key(EventKey.of(tenant, feedId, uid))
        .property(property)
        .source("airbnb")
        .range(DateRange.allDay(in, out))
        .kind(EventKind.RESERVATION)
        .summary("Reserved")
        .fingerprint(fingerprintOf(uid, in, out))
        .firstSeen(T0)
        .lastSeen(T0)
        .lastChanged(T0)
        .build();
  }

  /** A confirmed, timed event. */
  protected static CalendarEvent timed(String tenant, String feedId, String property, String uid, Instant start,
      Instant end) {
    return CalendarEvent.builder()
        .key(EventKey.of(tenant, feedId, uid))
        .property(property)
        .source("google")
        .range(DateRange.timed(start, end))
        .kind(EventKind.EVENT)
        .summary("Busy")
        .fingerprint(fingerprintOf(uid, start, end))
        .firstSeen(T0)
        .lastSeen(T0)
        .lastChanged(T0)
        .build();
  }

  /** The same event with a new range (fingerprint, sequence and last change follow). */
  protected static CalendarEvent moved(CalendarEvent e, DateRange range, Instant when) {
    return e.toBuilder()
        .range(range)
        .fingerprint(fingerprintOf(e.key().uid(), range, ""))
        .lastSeen(when)
        .lastChanged(when)
        .sequence(e.sequence() + 1)
        .build();
  }

  /** The cancelled event back in its feed: confirmed again. */
  protected static CalendarEvent reinstated(CalendarEvent cancelled, Instant when) {
    return CalendarEvent.builder()
        .key(cancelled.key())
        .property(cancelled.property())
        .source(cancelled.source())
        .range(cancelled.range())
        .kind(cancelled.kind())
        .summary(cancelled.summary())
        .fingerprint(cancelled.fingerprint())
        .firstSeen(cancelled.firstSeen())
        .lastSeen(when)
        .lastChanged(when)
        .sequence(cancelled.sequence() + 1)
        .build();
  }

  private static long fingerprintOf(Object... parts) {
    return Arrays.hashCode(parts) * 0x9E3779B97F4A7C15L;
  }

  /** Saves the feed and starts a sync of it: the returned state holds the generation to apply with. */
  protected FeedState begin(Feed feed, Instant now) {
    store.saveFeed(feed);
    return store.beginSync(feed.tenant(), feed.id(), now);
  }

  /** Applies upserts with the given state (its generation is the fencing token) and no run. */
  protected ApplyResult apply(FeedState state, CalendarEvent... upserts) {
    return store.apply(new FeedApply(state.tenant(), state.feedId(), List.of(), List.of(upserts), state, null));
  }

  /** Saves the feed, begins a sync and applies the events in it. */
  protected FeedState sync(Feed feed, CalendarEvent... upserts) {
    FeedState begun = begin(feed, T0);
    apply(begun, upserts);
    return begun;
  }

  protected static SyncRun run(String tenant, String feedId, long generation, Instant startedAt, String message) {
    return new SyncRun("run-" + UUID.randomUUID(), tenant, feedId, generation, startedAt,
        startedAt.plusMillis(250), SyncOutcome.APPLIED, null, new ChangeCounts(5, 1, 2, 1, 0, 1, 0, 0), message,
        4_096 + generation);
  }

  protected static Conflict conflict(String tenant, String property, EventKey a, EventKey b, Instant openedAt,
      ConflictStatus status) {
    EventKey first = a.compareTo(b) < 0 ? a : b;
    EventKey second = first == a ? b : a;
    return new Conflict(Conflict.idOf(a, b), tenant, property, first, second,
        DateRange.timed(Instant.parse("2026-08-24T15:00:00Z"), Instant.parse("2026-08-26T11:00:00Z")), status,
        null, openedAt, null);
  }

  protected static ExportToken token(String tenant, String property, @Nullable String channel, Instant createdAt) {
    String hash = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    return new ExportToken(hash, tenant, property, channel, createdAt, null, null);
  }

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  private List<String> uids(List<CalendarEvent> events) {
    return events.stream().map(e -> e.key().uid()).toList();
  }

  // --------------------------------------------------------------------------------------- feeds

  /** Feeds: saving, replacing, listing. */
  @Nested
  public class Feeds {

    @Test
    void savedFeedRoundTripsEveryField() {
      Feed f = new Feed("f1", tenant, "villa7", "booking", "https://user:pw@admin.booking.com/hotel/ical/1.ics?t=abc#x",
          Duration.ofSeconds(2225), false, -3);
      store.saveFeed(f);

      assertThat(store.feed(tenant, "f1")).contains(f);
      assertThat(store.feeds(tenant)).containsExactly(f);
    }

    @Test
    void unknownFeedIsEmpty() {
      assertThat(store.feed(tenant, "nofeed")).isEmpty();
      assertThat(store.feeds(tenant)).isEmpty();
    }

    @Test
    void savingAFeedAgainReplacesIt() {
      Feed f = feed(tenant, "f1", "villa7");
      store.saveFeed(f);
      Feed changed = f.withUrl("https://example.com/new.ics").withActive(false).withPollInterval(Duration.ofHours(2));
      store.saveFeed(changed);

      assertThat(store.feed(tenant, "f1")).contains(changed);
      assertThat(store.feeds(tenant)).containsExactly(changed);
    }

    @Test
    void feedsAreOrderedByIdAndIncludeInactiveOnes() {
      store.saveFeed(feed(tenant, "f3", "villa7"));
      store.saveFeed(feed(tenant, "f1", "villa8").withActive(false));
      store.saveFeed(feed(tenant, "f2", "villa7"));

      assertThat(store.feeds(tenant)).extracting(Feed::id).containsExactly("f1", "f2", "f3");
    }

    @Test
    void feedsWithStatesReadsEachFeedWithItsStateInTheOrderAsked() {
      Feed f1 = feed(tenant, "f1", "villa7");
      Feed f2 = feed(tenant, "f2", "villa7").withActive(false);
      FeedState begun = begin(f1, T0);
      store.saveFeed(f2);
      store.saveFeed(feed(otherTenant, "f3", "villa7")); // another tenant's feed is not this tenant's f3

      List<FeedWithState> read = store.feedsWithStates(tenant, List.of("f2", "nofeed", "f3", "f1"));

      assertThat(read).containsExactly(new FeedWithState(f2, store.state(tenant, "f2")),
          new FeedWithState(f1, store.state(tenant, "f1")));
      assertThat(read.get(1).state().generation()).isEqualTo(begun.generation());
      assertThat(store.feedsWithStates(tenant, List.of())).isEmpty();
    }

    @Test
    void feedsWithStatesReadsManyFeedsAtOnce() {
      List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 1_205; i++) { // more than a statement of a batching store may hold
        ids.add("f" + i);
      }
      for (int i = 0; i < ids.size(); i += 100) {
        begin(feed(tenant, ids.get(i), "villa7"), T0);
      }
      for (int i = 0; i < ids.size(); i++) {
        if (i % 100 != 0) {
          store.saveFeed(feed(tenant, ids.get(i), "villa7"));
        }
      }

      List<FeedWithState> read = store.feedsWithStates(tenant, ids);

      assertThat(read).extracting(fs -> fs.feed().id()).containsExactlyElementsOf(ids);
      assertThat(read).allSatisfy(fs -> assertThat(fs.state())
          .isEqualTo(store.state(tenant, fs.feed().id())));
      assertThat(read).filteredOn(fs -> fs.state().generation() == 1).hasSize(13);
    }

    @Test
    void allFeedsAreOrderedByTenantThenId() {
      store.saveFeed(feed(otherTenant, "f1", "villa7"));
      store.saveFeed(feed(tenant, "f2", "villa7"));
      store.saveFeed(feed(otherTenant, "f0", "villa7"));
      store.saveFeed(feed(tenant, "f1", "villa7"));

      List<String> ours = store.allFeeds().stream()
          .filter(f -> f.tenant().equals(tenant) || f.tenant().equals(otherTenant))
          .map(f -> f.tenant() + "/" + f.id())
          .toList();
      assertThat(ours).containsExactly(tenant + "/f1", tenant + "/f2", otherTenant + "/f0", otherTenant + "/f1");
    }
  }

  // -------------------------------------------------------------------------------------- states

  /** Feed state: initial state, beginSync, round trips. */
  @Nested
  public class States {

    @Test
    void neverSyncedFeedHasTheInitialState() {
      store.saveFeed(feed(tenant, "f1", "villa7"));

      assertThat(store.state(tenant, "f1")).isEqualTo(FeedState.initial(tenant, "f1"));
    }

    @Test
    void beginSyncBumpsTheGenerationAndSetsLastAttempt() {
      Feed f = feed(tenant, "f1", "villa7");
      FeedState first = begin(f, T0);
      FeedState second = store.beginSync(tenant, "f1", T0.plusSeconds(60));

      assertThat(first.generation()).isEqualTo(1);
      assertThat(first.lastAttempt()).isEqualTo(T0);
      assertThat(second.generation()).isEqualTo(2);
      assertThat(second.lastAttempt()).isEqualTo(T0.plusSeconds(60));
      assertThat(store.state(tenant, "f1")).isEqualTo(second);
    }

    @Test
    void beginSyncKeepsEveryOtherField() {
      FeedState begun = begin(feed(tenant, "f1", "villa7"), T0);
      FeedState full = fullState(tenant, "f1", begun.generation());
      store.apply(FeedApply.stateOnly(full, null));

      Instant now = T0.plus(Duration.ofHours(1));
      FeedState next = store.beginSync(tenant, "f1", now);

      FeedState expected = full.toBuilder()
          .tenant(tenant)
          .feedId("f1")
          .lastAttempt(now)
          .generation(full.generation() + 1)
          .build();
      assertThat(next).isEqualTo(expected);
      assertThat(store.state(tenant, "f1")).isEqualTo(expected);
    }

    @Test
    void appliedStateRoundTripsEveryField() {
      FeedState begun = begin(feed(tenant, "f1", "villa7"), T0);
      FeedState full = fullState(tenant, "f1", begun.generation());

      ApplyResult result = store.apply(FeedApply.stateOnly(full, null));

      assertThat(result).isEqualTo(new ApplyResult(0, 0));
      assertThat(store.state(tenant, "f1")).isEqualTo(full);
      assertThat(store.eventsOfFeed(tenant, "f1")).isEmpty();
    }

    @Test
    void stateWithoutOptionalFieldsRoundTrips() {
      FeedState begun = begin(feed(tenant, "f1", "villa7"), T0);
      FeedState sparse = FeedState.builder()
          .tenant(tenant)
          .feedId("f1")
          .generation(begun.generation())
          .build();

      store.apply(FeedApply.stateOnly(sparse, null));

      assertThat(store.state(tenant, "f1")).isEqualTo(sparse);
    }

    @Test
    void reactivatingAFeedForgetsItsValidatorsAndDigest() {
      Feed f = feed(tenant, "f1", "villa7");
      FeedState begun = begin(f, T0);
      FeedState full = fullState(tenant, "f1", begun.generation());
      store.apply(FeedApply.stateOnly(full, null));

      store.saveFeed(f.withActive(false)); // removed
      assertThat(store.state(tenant, "f1")).isEqualTo(full);
      store.saveFeed(f.withActive(false).withPollInterval(Duration.ofHours(1)));
      assertThat(store.state(tenant, "f1")).isEqualTo(full);

      store.saveFeed(f); // added again under the same id: the next fetch must not be answered by a 304
      FeedState after = store.state(tenant, "f1");
      assertThat(after).isEqualTo(full.withoutValidators());
      assertThat(after.etag()).isNull();
      assertThat(after.lastModified()).isNull();
      assertThat(after.contentDigest()).isNull();
      assertThat(after.generation()).isEqualTo(full.generation());
      assertThat(store.feed(tenant, "f1")).contains(f);
    }

    @Test
    void savingAnActiveFeedAgainKeepsItsValidators() {
      Feed f = feed(tenant, "f1", "villa7");
      FeedState begun = begin(f, T0);
      FeedState full = fullState(tenant, "f1", begun.generation());
      store.apply(FeedApply.stateOnly(full, null));

      store.saveFeed(f);
      store.saveFeed(f.withPollInterval(Duration.ofHours(2)));

      assertThat(store.state(tenant, "f1")).isEqualTo(full);
    }

    @Test
    void activatingAFeedThatNeverSyncedLeavesTheInitialState() {
      Feed f = feed(tenant, "f1", "villa7");
      store.saveFeed(f.withActive(false));
      store.saveFeed(f);

      assertThat(store.state(tenant, "f1")).isEqualTo(FeedState.initial(tenant, "f1"));
    }

    @Test
    void stateOfOneFeedDoesNotLeakIntoAnother() {
      FeedState begun = begin(feed(tenant, "f1", "villa7"), T0);
      store.saveFeed(feed(tenant, "f2", "villa7"));
      store.apply(FeedApply.stateOnly(fullState(tenant, "f1", begun.generation()), null));

      assertThat(store.state(tenant, "f2")).isEqualTo(FeedState.initial(tenant, "f2"));
    }
  }

  /** A state with every field set, quarantine included. */
  protected static FeedState fullState(String tenant, String feedId, long generation) {
    Quarantine q = new Quarantine("would cancel 12 of 20 future events", T0.minusSeconds(3600), 12,
        "a3f1c2d4e5b6a7980112233445566778", 2);
    return FeedState.builder()
        .tenant(tenant)
        .feedId(feedId)
        .etag("W/\"5e1f-17a\"")
        .lastModified("Wed, 21 Oct 2026 07:28:00 GMT")
        .contentDigest("9b74c9897bac770ffc029102a200c5de")
        .parserVersion(7)
        .lastAttempt(T0)
        .lastSuccess(T0.minusSeconds(900))
        .consecutiveFailures(3)
        .lastError("SERVER_ERROR: 503 from www.airbnb.com")
        .nextDue(T0.plusSeconds(900))
        .quarantine(q)
        .generation(generation)
        .build();
  }

  // ---------------------------------------------------------------------------------- properties

  /** Property settings. */
  @Nested
  public class Properties {

    @Test
    void propertySettingsRoundTrip() {
      PropertySettings p = new PropertySettings(tenant, "villa7", ZoneId.of("America/St_Johns"),
          LocalTime.of(16, 30), LocalTime.of(10, 15));
      store.saveProperty(p);

      assertThat(store.property(tenant, "villa7")).contains(p);
    }

    @Test
    void savingAgainReplaces() {
      store.saveProperty(PropertySettings.defaults(tenant, "villa7"));
      PropertySettings lisbon = new PropertySettings(tenant, "villa7", ZoneId.of("Europe/Lisbon"),
          LocalTime.of(14, 0), LocalTime.of(12, 0));
      store.saveProperty(lisbon);

      assertThat(store.property(tenant, "villa7")).contains(lisbon);
    }

    @Test
    void unknownPropertyIsEmpty() {
      store.saveProperty(PropertySettings.defaults(tenant, "villa7"));

      assertThat(store.property(tenant, "villa8")).isEmpty();
    }
  }

  // -------------------------------------------------------------------------------------- tokens

  /** Export tokens. */
  @Nested
  public class Tokens {

    @Test
    void tokenRoundTripsEveryField() {
      ExportToken full = new ExportToken(token(tenant, "villa7", null, T0).hash(), tenant, "villa7", "airbnb", T0,
          T0.plus(Duration.ofDays(1)), T0.plusSeconds(30));
      ExportToken sparse = token(tenant, "villa7", null, T0.plusSeconds(1));
      store.saveToken(full);
      store.saveToken(sparse);

      assertThat(store.tokenByHash(full.hash())).contains(full);
      assertThat(store.tokenByHash(sparse.hash())).contains(sparse);
    }

    @Test
    void unknownHashIsEmpty() {
      store.saveToken(token(tenant, "villa7", null, T0));

      assertThat(store.tokenByHash("0".repeat(64))).isEmpty();
    }

    @Test
    void tokensOfAPropertyAreNewestFirst() {
      ExportToken old = token(tenant, "villa7", "airbnb", T0);
      ExportToken newest = token(tenant, "villa7", null, T0.plusSeconds(120));
      ExportToken middle = token(tenant, "villa7", "vrbo", T0.plusSeconds(60));
      ExportToken elsewhere = token(tenant, "villa8", null, T0.plusSeconds(90));
      for (ExportToken t : List.of(old, newest, middle, elsewhere)) {
        store.saveToken(t);
      }

      assertThat(store.tokens(tenant, "villa7")).containsExactly(newest, middle, old);
      assertThat(store.tokens(tenant, "villa9")).isEmpty();
    }

    @Test
    void savingATokenAgainReplacesItByHash() {
      ExportToken t = token(tenant, "villa7", "airbnb", T0);
      store.saveToken(t);
      ExportToken revoked = new ExportToken(t.hash(), t.tenant(), t.property(), t.channel(), t.createdAt(),
          null, T0.plusSeconds(5));
      store.saveToken(revoked);

      assertThat(store.tokenByHash(t.hash())).contains(revoked);
      assertThat(store.tokens(tenant, "villa7")).containsExactly(revoked);
    }
  }

  // -------------------------------------------------------------------------------------- events

  /** Applying events: round trips, idempotence, cancellation, reinstatement, rekeys. */
  @Nested
  public class Events {

    @Test
    void eventsRoundTripEveryField() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent allDay = CalendarEvent.builder()
          .key(new EventKey(tenant, "f1", "uid1@airbnb.com", "20260824"))
          .property("villa7")
          .source("airbnb")
          .range(DateRange.allDay(D0, D0.plusDays(3)))
          .kind(EventKind.RESERVATION)
          .status(EventStatus.TENTATIVE)
          .summary("Réservé \u2013 Zoë \uD83C\uDFD6 \"quoted\", semi;colon\\back\nline")
          .fingerprint(-8_123_456_789_012_345_678L)
          .firstSeen(T0.minusSeconds(86_400))
          .lastSeen(T0)
          .lastChanged(T0.minusSeconds(3600))
          .sequence(4)
          .build();
      CalendarEvent timed = CalendarEvent.builder()
          .key(new EventKey(tenant, "f1", "uid2", ""))
          .property("villa7")
          .source("airbnb")
          .range(DateRange.timed(at("2026-09-01T13:00:00.000001Z"), at("2026-09-03T09:30:00Z")))
          .kind(EventKind.BLOCK)
          .status(EventStatus.CANCELLED)
          .fingerprint(Long.MIN_VALUE)
          .firstSeen(T0)
          .lastSeen(T0)
          .lastChanged(T0)
          .sequence(Integer.MAX_VALUE)
          .cancelledAt(T0.plusNanos(1000))
          .build();
      CalendarEvent hold = CalendarEvent.builder()
          .key(new EventKey(tenant, "f1", "uid2", "20260901T130000Z"))
          .property("villa7")
          .source("airbnb")
          .range(DateRange.allDay(D0, D0))
          .kind(EventKind.TENTATIVE)
          .summary("x".repeat(2000))
          .fingerprint(Long.MAX_VALUE)
          .firstSeen(T0)
          .lastSeen(T0)
          .lastChanged(T0)
          .build();

      sync(f, timed, hold, allDay);

      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(allDay, timed, hold);
    }

    @Test
    void everyKindAndStatusRoundTrips() {
      Feed f = feed(tenant, "f1", "villa7");
      List<CalendarEvent> all = new ArrayList<>();
      int i = 0;
      for (EventKind kind : EventKind.values()) {
        for (EventStatus status : EventStatus.values()) {
          CalendarEvent base = stay(tenant, "f1", "villa7", "u" + i, D0.plusDays(i), D0.plusDays(i + 1));
          all.add(CalendarEvent.builder()
              .key(base.key())
              .property(base.property())
              .source(base.source())
              .range(base.range())
              .kind(kind)
              .status(status)
              .summary(kind + " " + status)
              .fingerprint(base.fingerprint())
              .firstSeen(T0)
              .lastSeen(T0)
              .lastChanged(T0)
              .sequence(i)
              .cancelledAt(status == EventStatus.CANCELLED ? T0 : null)
              .build());
          i++;
        }
      }
      sync(f, all.toArray(CalendarEvent[]::new));

      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void applyCountsTheRowsItWrites() {
      FeedState begun = begin(feed(tenant, "f1", "villa7"), T0);

      ApplyResult result = apply(begun,
          stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2)),
          stay(tenant, "f1", "villa7", "b", D0.plusDays(2), D0.plusDays(4)),
          stay(tenant, "f1", "villa7", "c", D0.plusDays(4), D0.plusDays(6)));

      assertThat(result).isEqualTo(new ApplyResult(3, 0));
    }

    @Test
    void theSameApplyTwiceLeavesTheSameState() {
      FeedState begun = begin(feed(tenant, "f1", "villa7"), T0);
      FeedState after = fullState(tenant, "f1", begun.generation());
      FeedApply once = new FeedApply(tenant, "f1", List.of(),
          List.of(stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2)),
              stay(tenant, "f1", "villa7", "b", D0.plusDays(2), D0.plusDays(4)).cancel(T0)),
          after, null);

      ApplyResult first = store.apply(once);
      List<CalendarEvent> eventsAfterFirst = store.eventsOfFeed(tenant, "f1");
      ApplyResult second = store.apply(once);

      assertThat(first.eventRowsWritten()).isEqualTo(2);
      assertThat(store.eventsOfFeed(tenant, "f1")).isEqualTo(eventsAfterFirst).hasSize(2);
      assertThat(store.state(tenant, "f1")).isEqualTo(after);
      if (skipsUnchangedRows()) {
        assertThat(second).as("a second identical apply writes no event row").isEqualTo(new ApplyResult(0, 0));
      }
    }

    @Test
    void onlyChangedRowsAreCounted() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent a = stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2));
      CalendarEvent b = stay(tenant, "f1", "villa7", "b", D0.plusDays(2), D0.plusDays(4));
      sync(f, a, b);

      FeedState next = store.beginSync(tenant, "f1", T0.plusSeconds(60));
      CalendarEvent bMoved = moved(b, DateRange.allDay(D0.plusDays(3), D0.plusDays(5)), T0.plusSeconds(60));
      ApplyResult result = apply(next, a, bMoved);

      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(a, bMoved);
      if (skipsUnchangedRows()) {
        assertThat(result.eventRowsWritten()).isEqualTo(1);
      }
    }

    @Test
    void changedEventIsUpdatedInPlace() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent a = stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2));
      sync(f, a);

      FeedState next = store.beginSync(tenant, "f1", T0.plusSeconds(60));
      CalendarEvent longer = moved(a, DateRange.allDay(D0, D0.plusDays(5)), T0.plusSeconds(60));
      ApplyResult result = apply(next, longer);

      assertThat(result.eventRowsWritten()).isEqualTo(1);
      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(longer);
    }

    @Test
    void allDayEventCanChangeToTimedAndBack() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent a = stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2));
      sync(f, a);
      CalendarEvent asTimed = moved(a, DateRange.timed(at("2026-08-24T15:00:00Z"), at("2026-08-26T11:00:00Z")),
          T0.plusSeconds(1));
      apply(store.beginSync(tenant, "f1", T0.plusSeconds(1)), asTimed);
      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(asTimed);

      CalendarEvent back = moved(asTimed, DateRange.allDay(D0, D0.plusDays(3)), T0.plusSeconds(2));
      apply(store.beginSync(tenant, "f1", T0.plusSeconds(2)), back);
      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(back);
    }

    @Test
    void cancellationKeepsTheEventAsCancelled() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent a = stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2));
      CalendarEvent b = stay(tenant, "f1", "villa7", "b", D0.plusDays(2), D0.plusDays(4));
      sync(f, a, b);

      Instant later = T0.plusSeconds(3600);
      CalendarEvent cancelled = a.cancel(later);
      ApplyResult result = apply(store.beginSync(tenant, "f1", later), cancelled);

      assertThat(result.eventRowsWritten()).isEqualTo(1);
      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(cancelled, b);
      assertThat(cancelled.status()).isEqualTo(EventStatus.CANCELLED);
      assertThat(store.eventsOfFeed(tenant, "f1").get(0).cancelledAt()).isEqualTo(later);
      assertThat(store.events(EventQuery.active(tenant, "villa7"))).containsExactly(b);
      assertThat(store.events(new EventQuery(tenant, "villa7", null, null, true))).containsExactly(cancelled, b);
    }

    @Test
    void cancelledEventIsReinstatedWhenItComesBack() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent a = stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2));
      sync(f, a);
      CalendarEvent cancelled = a.cancel(T0.plusSeconds(60));
      apply(store.beginSync(tenant, "f1", T0.plusSeconds(60)), cancelled);
      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(cancelled);
      assertThat(store.events(EventQuery.active(tenant, "villa7"))).isEmpty();

      CalendarEvent back = reinstated(cancelled, T0.plusSeconds(120));
      ApplyResult result = apply(store.beginSync(tenant, "f1", T0.plusSeconds(120)), back);

      assertThat(result.eventRowsWritten()).isEqualTo(1);
      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(back);
      assertThat(back.cancelledAt()).isNull();
      assertThat(store.events(EventQuery.active(tenant, "villa7"))).containsExactly(back);
    }

    @Test
    void eventsOfAFeedAreInKeyOrder() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent c = stay(tenant, "f1", "villa7", "c", D0, D0.plusDays(1));
      CalendarEvent a = stay(tenant, "f1", "villa7", "a", D0.plusDays(5), D0.plusDays(6));
      CalendarEvent bMaster = stay(tenant, "f1", "villa7", "b", D0.plusDays(9), D0.plusDays(10));
      CalendarEvent bLater = withKey(bMaster, new EventKey(tenant, "f1", "b", "20260903"));
      CalendarEvent bEarlier = withKey(bMaster, new EventKey(tenant, "f1", "b", "20260826"));
      sync(f, c, bLater, a, bMaster, bEarlier);

      assertThat(store.eventsOfFeed(tenant, "f1")).extracting(CalendarEvent::key)
          .containsExactly(a.key(), bMaster.key(), bEarlier.key(), bLater.key(), c.key());
    }

    @Test
    void feedsSharingAUidKeepSeparateEvents() {
      CalendarEvent one = stay(tenant, "f1", "villa7", "same", D0, D0.plusDays(2));
      CalendarEvent two = stay(tenant, "f2", "villa7", "same", D0.plusDays(5), D0.plusDays(7));
      sync(feed(tenant, "f1", "villa7"), one);
      sync(feed(tenant, "f2", "villa7"), two);

      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(one);
      assertThat(store.eventsOfFeed(tenant, "f2")).containsExactly(two);
      assertThat(store.events(EventQuery.active(tenant, "villa7"))).containsExactly(one, two);
    }

    @Test
    void applyingToOneFeedLeavesTheOthersAlone() {
      CalendarEvent one = stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2));
      CalendarEvent two = stay(tenant, "f2", "villa7", "a", D0.plusDays(5), D0.plusDays(7));
      sync(feed(tenant, "f1", "villa7"), one);
      sync(feed(tenant, "f2", "villa7"), two);

      apply(store.beginSync(tenant, "f1", T0.plusSeconds(9)), one.cancel(T0.plusSeconds(9)));

      assertThat(store.eventsOfFeed(tenant, "f2")).containsExactly(two);
      assertThat(store.state(tenant, "f2").generation()).isEqualTo(1);
    }

    @Test
    void rekeyRenamesTheEventAndKeepsItsFields() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent old = stay(tenant, "f1", "villa7", "old", D0, D0.plusDays(3));
      CalendarEvent other = stay(tenant, "f1", "villa7", "other", D0.plusDays(3), D0.plusDays(4));
      sync(f, old, other);

      EventKey to = EventKey.of(tenant, "f1", "new");
      FeedState next = store.beginSync(tenant, "f1", T0.plusSeconds(60));
      ApplyResult result = store.apply(new FeedApply(tenant, "f1", List.of(new FeedApply.Rekey(old.key(), to)),
          List.of(), next, null));

      assertThat(result.rekeyed()).isEqualTo(1);
      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(withKey(old, to), other);
      assertThat(store.events(EventQuery.active(tenant, "villa7"))).extracting(CalendarEvent::key)
          .containsExactly(to, other.key());
    }

    @Test
    void rekeyRunsBeforeTheUpsertsOfTheSameApply() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent old = stay(tenant, "f1", "villa7", "old", D0, D0.plusDays(3));
      sync(f, old);

      EventKey to = EventKey.of(tenant, "f1", "new");
      CalendarEvent renamedAndMoved = moved(withKey(old, to), DateRange.allDay(D0, D0.plusDays(4)),
          T0.plusSeconds(60));
      FeedState next = store.beginSync(tenant, "f1", T0.plusSeconds(60));
      ApplyResult result = store.apply(new FeedApply(tenant, "f1", List.of(new FeedApply.Rekey(old.key(), to)),
          List.of(renamedAndMoved), next, null));

      assertThat(result.rekeyed()).isEqualTo(1);
      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(renamedAndMoved);
    }
  }

  /** The event under another key (same feed). */
  protected static CalendarEvent withKey(CalendarEvent e, EventKey key) {
    return e.toBuilder()
        .key(key)
        .build();
  }

  // ------------------------------------------------------------------------------------- fencing

  /** Generation fencing: a stale worker's apply is rejected whole. */
  @Nested
  public class Fencing {

    @Test
    void applyWithAnOlderGenerationThrowsAndWritesNothing() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent a = stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2));
      FeedState first = sync(f, a);
      FeedState slowWorker = store.beginSync(tenant, "f1", T0.plusSeconds(10));
      FeedState fastWorker = store.beginSync(tenant, "f1", T0.plusSeconds(20));
      assertThat(fastWorker.generation()).isGreaterThan(slowWorker.generation()).isGreaterThan(first.generation());

      FeedState staleState = fullState(tenant, "f1", slowWorker.generation());
      FeedApply stale = new FeedApply(tenant, "f1",
          List.of(new FeedApply.Rekey(a.key(), EventKey.of(tenant, "f1", "renamed"))),
          List.of(a.cancel(T0.plusSeconds(30)), stay(tenant, "f1", "villa7", "b", D0.plusDays(4), D0.plusDays(5))),
          staleState, run(tenant, "f1", slowWorker.generation(), T0.plusSeconds(10), "stale"));

      assertThatThrownBy(() -> store.apply(stale)).isInstanceOf(StaleGenerationException.class);

      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(a);
      assertThat(store.state(tenant, "f1")).isEqualTo(fastWorker);
      assertThat(store.runs(tenant, "f1", 10)).isEmpty();
    }

    @Test
    void applyWithAGenerationNeverHandedOutIsRejected() {
      FeedState begun = begin(feed(tenant, "f1", "villa7"), T0);
      FeedState ahead = fullState(tenant, "f1", begun.generation() + 5);

      assertThatThrownBy(() -> apply(ahead, stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(1))))
          .isInstanceOf(StaleGenerationException.class);

      assertThat(store.eventsOfFeed(tenant, "f1")).isEmpty();
      assertThat(store.state(tenant, "f1")).isEqualTo(begun);
    }

    @Test
    void stateOnlyApplyIsFencedToo() {
      FeedState old = begin(feed(tenant, "f1", "villa7"), T0);
      FeedState current = store.beginSync(tenant, "f1", T0.plusSeconds(1));

      assertThatThrownBy(() -> store.apply(FeedApply.stateOnly(fullState(tenant, "f1", old.generation()),
          run(tenant, "f1", old.generation(), T0, "stale")))).isInstanceOf(StaleGenerationException.class);

      assertThat(store.state(tenant, "f1")).isEqualTo(current);
      assertThat(store.runs(tenant, "f1", 10)).isEmpty();
    }

    @Test
    void currentWorkerStillAppliesAfterAStaleOneWasRejected() {
      Feed f = feed(tenant, "f1", "villa7");
      FeedState old = begin(f, T0);
      FeedState current = store.beginSync(tenant, "f1", T0.plusSeconds(1));
      CalendarEvent a = stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(2));
      assertThatThrownBy(() -> apply(old, a)).isInstanceOf(StaleGenerationException.class);

      ApplyResult result = apply(current, a);

      assertThat(result.eventRowsWritten()).isEqualTo(1);
      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(a);
    }

    @Test
    void ofTwoWorkersThatReadOneGenerationAtMostOneBegins() {
      store.saveFeed(feed(tenant, "f1", "villa7"));
      FeedState first = store.beginSync(tenant, "f1", T0, 0).orElseThrow();
      assertThat(first.generation()).isEqualTo(1);
      assertThat(first.lastAttempt()).isEqualTo(T0);

      FeedState winner = store.beginSync(tenant, "f1", T0.plusSeconds(1), 1).orElseThrow();
      assertThat(winner.generation()).isEqualTo(2);

      // the second worker that read generation 1 does not begin; a stale begin never hands out a
      // generation (the default of the SPI may still bump the stored one: then both lose, never both win)
      assertThat(store.beginSync(tenant, "f1", T0.plusSeconds(2), 1)).isEmpty();
      assertThat(store.beginSync(tenant, "f1", T0.plusSeconds(3), 0)).isEmpty();
      assertThat(store.state(tenant, "f1").generation()).isGreaterThanOrEqualTo(winner.generation());
    }

    @Test
    void concurrentBeginSyncsHandOutDistinctGenerations() throws Exception {
      store.saveFeed(feed(tenant, "f1", "villa7"));
      int threads = concurrentWriters();
      int each = 10;
      List<Long> generations = Collections.synchronizedList(new ArrayList<>());

      runConcurrently(threads, n -> {
        for (int i = 0; i < each; i++) {
          generations.add(store.beginSync(tenant, "f1", T0.plusSeconds(i)).generation());
        }
        return null;
      });

      assertThat(new HashSet<>(generations)).hasSize(threads * each);
      assertThat(store.state(tenant, "f1").generation()).isEqualTo(threads * each);
    }
  }

  // ------------------------------------------------------------------------------ batched states

  /** A synced feed's state as a 304 leaves it: validators, digest, no failure, no quarantine. */
  private FeedState synced(String feedId, String digest) {
    FeedState begun = begin(feed(tenant, feedId, "villa7"), T0);
    FeedState s = FeedState.builder().tenant(tenant).feedId(feedId).etag("\"e1\"").contentDigest(digest).parserVersion(7).lastAttempt(T0).lastSuccess(T0).consecutiveFailures(0).nextDue(T0.plusSeconds(900)).generation(begun.generation()).build();
    apply(s);
    return s;
  }

  /** What a later 304 of {@code read} writes: new validator, last success, next due; same generation. */
  private static FeedState notModified(FeedState read, Instant at) {
    return FeedState.builder().tenant(read.tenant()).feedId(read.feedId()).etag("\"e2\"").lastModified("Wed, 21 Oct 2026 07:28:00 GMT").contentDigest(read.contentDigest()).parserVersion(read.parserVersion()).lastAttempt(at).lastSuccess(at).consecutiveFailures(0).nextDue(at.plusSeconds(900)).generation(read.generation()).build();
  }

  /**
   * What a poll of a feed writes: a 304 with new validators, or one that keeps the validators it sent
   * (a store may write the latter's times alone, and must fence it all the same).
   */
  enum Poll {
    NEW_VALIDATORS, SAME_VALIDATORS;

    FeedState of(FeedState read, Instant at) {
      return this == NEW_VALIDATORS ? notModified(read, at)
          : read.toBuilder().lastAttempt(at).lastSuccess(at).consecutiveFailures(0).lastError(null)
              .nextDue(at.plusSeconds(900)).build();
    }
  }

  /**
   * {@link Store#saveStates}: the one write of a 304 or an unchanged body, batched across feeds and
   * fenced by the state the sync read before fetching (never by a new generation).
   */
  @Nested
  public class BatchedStates {

    @Test
    void savesEveryStateThatIsStillCurrentInOneCall() {
      FeedState a = synced("f1", "d1");
      FeedState b = synced("f2", "d2");
      FeedState c = FeedState.builder().tenant(otherTenant).feedId("f3").parserVersion(0).consecutiveFailures(0).generation(0).build();
      store.saveFeed(feed(otherTenant, "f3", "villa7"));
      FeedState cBegun = store.beginSync(otherTenant, "f3", T0);
      FeedState cRead = FeedState.builder().tenant(otherTenant).feedId("f3").etag("\"e1\"").contentDigest("d3").parserVersion(7).lastAttempt(T0).lastSuccess(T0).consecutiveFailures(2).lastError("NETWORK: reset").nextDue(T0.plusSeconds(60)).generation(cBegun.generation()).build();
      apply(cRead);
      FeedState a2 = notModified(a, T0.plusSeconds(1000));
      FeedState b2 = notModified(b, T0.plusSeconds(1001));
      FeedState c2 = notModified(cRead, T0.plusSeconds(1002));

      int saved = store.saveStates(List.of(new StateUpdate(a, a2, null), new StateUpdate(b, b2, null),
          new StateUpdate(cRead, c2, null)));

      assertThat(saved).isEqualTo(3);
      assertThat(store.state(tenant, "f1")).isEqualTo(a2);
      assertThat(store.state(tenant, "f2")).isEqualTo(b2);
      assertThat(store.state(otherTenant, "f3")).isEqualTo(c2);
      assertThat(c.generation()).isZero();
      assertThat(store.saveStates(List.of())).isZero();
    }

    @Test
    void statesWhoseTimesAloneChangeAreSavedBesideStatesThatChangeMore() {
      FeedState a = synced("f1", "d1");
      FeedState b = synced("f2", "d2");
      FeedState cBegun = begin(feed(tenant, "f3", "villa7"), T0);
      FeedState cRead = FeedState.builder().tenant(tenant).feedId("f3").etag("\"e1\"").contentDigest("d3").parserVersion(7).lastAttempt(T0).lastSuccess(T0).consecutiveFailures(2).lastError("NETWORK: reset").nextDue(T0.plusSeconds(60)).generation(cBegun.generation()).build();
      apply(cRead);
      FeedState a2 = Poll.SAME_VALIDATORS.of(a, T0.plusSeconds(1000));
      FeedState b2 = Poll.NEW_VALIDATORS.of(b, T0.plusSeconds(1001));
      FeedState c2 = Poll.SAME_VALIDATORS.of(cRead, T0.plusSeconds(1002)); // clears the failures

      int saved = store.saveStates(List.of(new StateUpdate(a, a2, run(tenant, "f1", a.generation(),
          T0.plusSeconds(1000), "not modified")), new StateUpdate(b, b2, null), new StateUpdate(cRead, c2, null)));

      assertThat(saved).isEqualTo(3);
      assertThat(store.state(tenant, "f1")).isEqualTo(a2);
      assertThat(store.state(tenant, "f2")).isEqualTo(b2);
      assertThat(store.state(tenant, "f3")).isEqualTo(c2);
      assertThat(c2.consecutiveFailures()).isZero();
      assertThat(c2.lastError()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Poll.class)
    void aStaleWorkersBatchedStateCannotOverwriteANewerGenerationsState(Poll poll) {
      FeedState read = synced("f1", "d1");
      FeedState other = synced("f2", "d2");
      // another worker begins and applies a changed body after this one read the state
      FeedState newer = store.beginSync(tenant, "f1", T0.plusSeconds(5));
      FeedState applied = FeedState.builder().tenant(tenant).feedId("f1").etag("\"e9\"").contentDigest("d9").parserVersion(7).lastAttempt(newer.lastAttempt()).lastSuccess(T0.plusSeconds(6)).consecutiveFailures(0).nextDue(T0.plusSeconds(906)).generation(newer.generation()).build();
      apply(applied);

      int saved = store.saveStates(List.of(new StateUpdate(read, poll.of(read, T0.plusSeconds(7)), null),
          new StateUpdate(other, poll.of(other, T0.plusSeconds(7)), null)));

      assertThat(saved).isEqualTo(1);
      assertThat(store.state(tenant, "f1")).isEqualTo(applied);
      assertThat(store.state(tenant, "f2")).isEqualTo(poll.of(other, T0.plusSeconds(7)));
    }

    @ParameterizedTest
    @EnumSource(Poll.class)
    void aStaleWorkersBatchedStateCannotUnholdAQuarantinedFeed(Poll poll) {
      // a sync of another worker began before this one read the state, and quarantines the feed after
      // (holding its result back: the last success stays, only the quarantine tells the states apart)
      FeedState begun = begin(feed(tenant, "f1", "villa7"), T0);
      FeedState read = FeedState.builder().tenant(tenant).feedId("f1").etag("\"e1\"").contentDigest("d1").parserVersion(7).lastAttempt(T0).lastSuccess(T0).consecutiveFailures(0).nextDue(T0.plusSeconds(900)).generation(begun.generation()).build();
      apply(read);
      FeedState held = FeedState.builder().tenant(tenant).feedId("f1").etag("\"e1\"").contentDigest("d1").parserVersion(7).lastAttempt(T0).lastSuccess(T0).consecutiveFailures(0).nextDue(T0.plusSeconds(902)).quarantine(new Quarantine("feed came back empty", T0.plusSeconds(2), 5, "q1", 0)).generation(begun.generation()).build();
      apply(held);

      int saved = store.saveStates(List.of(new StateUpdate(read, poll.of(read, T0.plusSeconds(3)), null)));

      assertThat(saved).isZero();
      assertThat(store.state(tenant, "f1")).isEqualTo(held);
      assertThat(store.state(tenant, "f1").isQuarantined()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Poll.class)
    void aStateIsNotSavedAfterAFailureOrAReset(Poll poll) {
      FeedState failedRead = synced("f1", "d1");
      apply(FeedState.builder().tenant(tenant).feedId("f1").etag("\"e1\"").contentDigest("d1").parserVersion(7).lastAttempt(T0).lastSuccess(T0).consecutiveFailures(1).lastError("NETWORK: reset").nextDue(T0.plusSeconds(60)).generation(failedRead.generation()).build());
      FeedState resetRead = synced("f2", "d2");
      FeedState reset = resetRead.withoutValidators();
      apply(reset);

      int saved = store.saveStates(List.of(new StateUpdate(failedRead, poll.of(failedRead, T0.plusSeconds(3)),
          run(tenant, "f1", failedRead.generation(), T0.plusSeconds(3), "not modified")),
          new StateUpdate(resetRead, poll.of(resetRead, T0.plusSeconds(3)), null)));

      assertThat(saved).isZero();
      assertThat(store.state(tenant, "f1").consecutiveFailures()).isEqualTo(1);
      assertThat(store.state(tenant, "f2")).isEqualTo(reset);
      assertThat(store.runs(tenant, "f1", 10)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Poll.class)
    void aFeedWithoutAStoredStateIsSkipped(Poll poll) {
      store.saveFeed(feed(tenant, "f1", "villa7"));
      FeedState initial = FeedState.initial(tenant, "f1");

      int saved = store.saveStates(List.of(new StateUpdate(initial, poll.of(initial, T0), null)));

      assertThat(saved).isZero();
      assertThat(store.state(tenant, "f1")).isEqualTo(initial);
    }
  }

  // ------------------------------------------------------------------------------------- queries

  /** {@link EventQuery}: window boundaries, scope and order. */
  @Nested
  public class Queries {

    private List<String> query(@Nullable LocalDate from, @Nullable LocalDate to) {
      return uids(store.events(new EventQuery(tenant, "villa7", from, to, false)));
    }

    @Test
    void checkOutDayIsTheNextCheckInDay() {
      CalendarEvent first = stay(tenant, "f1", "villa7", "first", D0.minusDays(4), D0);
      CalendarEvent second = stay(tenant, "f1", "villa7", "second", D0, D0.plusDays(3));
      sync(feed(tenant, "f1", "villa7"), first, second);

      assertThat(query(D0, D0.plusDays(1))).as("window starting on the check-out day").containsExactly("second");
      assertThat(query(D0.minusDays(1), D0)).as("window ending (exclusive) on the check-in day")
          .containsExactly("first");
      assertThat(query(D0.minusDays(1), D0.plusDays(1))).containsExactly("first", "second");
      assertThat(query(D0.plusDays(3), D0.plusDays(10))).as("window starting on the second check-out day")
          .isEmpty();
      assertThat(query(D0.minusDays(10), D0.minusDays(4))).as("window ending on the first check-in day")
          .isEmpty();
    }

    @Test
    void allDayWindowMatchesOverlapOnly() {
      CalendarEvent stay = stay(tenant, "f1", "villa7", "s", D0, D0.plusDays(5));
      sync(feed(tenant, "f1", "villa7"), stay);

      assertThat(query(D0.plusDays(1), D0.plusDays(2))).as("window inside the stay").containsExactly("s");
      assertThat(query(D0.minusDays(2), D0.plusDays(9))).as("stay inside the window").containsExactly("s");
      assertThat(query(D0.plusDays(4), D0.plusDays(5))).as("last night").containsExactly("s");
      assertThat(query(D0.minusDays(1), D0.minusDays(1))).as("empty window before").isEmpty();
    }

    @Test
    void openBoundsMatchEverythingOnTheirSide() {
      CalendarEvent early = stay(tenant, "f1", "villa7", "early", D0.minusYears(3), D0.minusYears(3).plusDays(2));
      CalendarEvent late = stay(tenant, "f1", "villa7", "late", D0.plusYears(3), D0.plusYears(3).plusDays(2));
      sync(feed(tenant, "f1", "villa7"), early, late);

      assertThat(query(null, null)).containsExactly("early", "late");
      assertThat(query(D0, null)).containsExactly("late");
      assertThat(query(null, D0)).containsExactly("early");
    }

    @Test
    void timedEventsMatchAWindowWidenedByOneDayAtUtcMidnight() {
      // window [D0, D0 + 2) -> timed events overlapping [D0 - 1 at 00:00Z, D0 + 3 at 00:00Z)
      sync(feed(tenant, "f1", "villa7"),
          timed(tenant, "f1", "villa7", "endsatlower", at("2026-08-22T20:00:00Z"), at("2026-08-23T00:00:00Z")),
          timed(tenant, "f1", "villa7", "endsafterlower", at("2026-08-22T20:00:00Z"), at("2026-08-23T00:00:00.000001Z")),
          timed(tenant, "f1", "villa7", "startsbeforeupper", at("2026-08-26T23:59:59.999999Z"), at("2026-08-27T02:00:00Z")),
          timed(tenant, "f1", "villa7", "startsatupper", at("2026-08-27T00:00:00Z"), at("2026-08-27T02:00:00Z")),
          timed(tenant, "f1", "villa7", "inside", at("2026-08-24T13:00:00Z"), at("2026-08-24T14:00:00Z")));

      assertThat(query(D0, D0.plusDays(2)))
          .containsExactly("endsafterlower", "inside", "startsbeforeupper");
    }

    @Test
    void allDayEventsGetNoSlack() {
      // the same edges as the timed test, as dates: they stay outside the window
      sync(feed(tenant, "f1", "villa7"),
          stay(tenant, "f1", "villa7", "daybefore", D0.minusDays(1), D0),
          stay(tenant, "f1", "villa7", "dayafter", D0.plusDays(2), D0.plusDays(3)),
          timed(tenant, "f1", "villa7", "timedbefore", at("2026-08-23T10:00:00Z"), at("2026-08-23T11:00:00Z")),
          timed(tenant, "f1", "villa7", "timedafter", at("2026-08-26T10:00:00Z"), at("2026-08-26T11:00:00Z")));

      assertThat(query(D0, D0.plusDays(2))).containsExactly("timedbefore", "timedafter");
    }

    @Test
    void resultsAreOrderedByStartThenKeyAcrossFeeds() {
      // all-day events start at UTC midnight of their first day
      sync(feed(tenant, "fb", "villa7"),
          stay(tenant, "fb", "villa7", "b2", D0, D0.plusDays(2)),
          stay(tenant, "fb", "villa7", "b1", D0.plusDays(1), D0.plusDays(2)),
          timed(tenant, "fb", "villa7", "b3", at("2026-08-23T23:00:00Z"), at("2026-08-24T01:00:00Z")));
      sync(feed(tenant, "fa", "villa7"),
          stay(tenant, "fa", "villa7", "a9", D0, D0.plusDays(1)),
          timed(tenant, "fa", "villa7", "a1", at("2026-08-24T00:00:00.000001Z"), at("2026-08-24T01:00:00Z")),
          stay(tenant, "fa", "villa7", "a5", D0.plusDays(1), D0.plusDays(3)));

      assertThat(query(null, null)).containsExactly("b3", "a9", "b2", "a1", "a5", "b1");
      assertThat(uids(store.events(new EventQuery(tenant, "villa7", D0, D0.plusDays(5), true))))
          .containsExactly("b3", "a9", "b2", "a1", "a5", "b1");
    }

    @Test
    void queryIsScopedToTheProperty() {
      sync(feed(tenant, "f1", "villa7"), stay(tenant, "f1", "villa7", "here", D0, D0.plusDays(2)));
      sync(feed(tenant, "f2", "villa8"), stay(tenant, "f2", "villa8", "there", D0, D0.plusDays(2)));

      assertThat(query(null, null)).containsExactly("here");
      assertThat(uids(store.events(EventQuery.active(tenant, "villa8")))).containsExactly("there");
      assertThat(store.events(EventQuery.active(tenant, "villa9"))).isEmpty();
    }

    @Test
    void cancelledEventsOnlyWhenAskedFor() {
      Feed f = feed(tenant, "f1", "villa7");
      CalendarEvent kept = stay(tenant, "f1", "villa7", "kept", D0, D0.plusDays(2));
      CalendarEvent gone = stay(tenant, "f1", "villa7", "gone", D0.plusDays(2), D0.plusDays(4)).cancel(T0);
      sync(f, kept, gone);

      assertThat(uids(store.events(new EventQuery(tenant, "villa7", D0, D0.plusDays(9), false))))
          .containsExactly("kept");
      assertThat(uids(store.events(new EventQuery(tenant, "villa7", D0, D0.plusDays(9), true))))
          .containsExactly("kept", "gone");
      assertThat(uids(store.events(new EventQuery(tenant, "villa7", D0.plusDays(4), D0.plusDays(9), true))))
          .as("cancelled events obey the window too").isEmpty();
    }
  }

  // ----------------------------------------------------------------------------------- conflicts

  /** Conflicts: round trips, replacement by id, filters, order. */
  @Nested
  public class Conflicts {

    private EventKey key(String t, String feedId, String uid) {
      return EventKey.of(t, feedId, uid);
    }

    @Test
    void conflictRoundTripsEveryField() {
      EventKey one = key(tenant, "fa", "a");
      EventKey two = new EventKey(tenant, "fb", "b", "20260824T130000Z");
      Conflict full = new Conflict(Conflict.idOf(one, two), tenant, "villa7", one, two,
          DateRange.timed(at("2026-08-24T15:00:00.000001Z"), at("2026-08-26T11:00:00Z")), ConflictStatus.RESOLVED,
          two, T0, T0.plusSeconds(3600));
      Conflict sparse = conflict(tenant, "villa7", key(tenant, "fa", "c"), key(tenant, "fb", "d"), T0,
          ConflictStatus.OPEN);
      store.saveConflicts(tenant, List.of(full, sparse));

      assertThat(store.conflicts(tenant, null, null)).containsExactlyInAnyOrder(full, sparse);
    }

    @Test
    void savingAConflictAgainReplacesItById() {
      Conflict open = conflict(tenant, "villa7", key(tenant, "fa", "a"), key(tenant, "fb", "b"), T0,
          ConflictStatus.OPEN);
      store.saveConflicts(tenant, List.of(open));
      Conflict resolved = new Conflict(open.id(), tenant, "villa7", open.first(), open.second(), open.overlap(),
          ConflictStatus.RESOLVED, open.first(), open.openedAt(), T0.plusSeconds(60));
      store.saveConflicts(tenant, List.of(resolved));

      assertThat(store.conflicts(tenant, null, null)).containsExactly(resolved);
    }

    @Test
    void savingNoConflictsChangesNothing() {
      Conflict open = conflict(tenant, "villa7", key(tenant, "fa", "a"), key(tenant, "fb", "b"), T0,
          ConflictStatus.OPEN);
      store.saveConflicts(tenant, List.of(open));
      store.saveConflicts(tenant, List.of());

      assertThat(store.conflicts(tenant, null, null)).containsExactly(open);
    }

    @Test
    void conflictsFilterByPropertyAndStatusInOrder() {
      Conflict v8late = conflict(tenant, "villa8", key(tenant, "fa", "a"), key(tenant, "fb", "b"),
          T0.plusSeconds(60), ConflictStatus.OPEN);
      Conflict v7late = conflict(tenant, "villa7", key(tenant, "fa", "c"), key(tenant, "fb", "d"),
          T0.plusSeconds(60), ConflictStatus.IGNORED);
      Conflict v7early = conflict(tenant, "villa7", key(tenant, "fa", "e"), key(tenant, "fb", "f"), T0,
          ConflictStatus.OPEN);
      Conflict v8early = conflict(tenant, "villa8", key(tenant, "fa", "g"), key(tenant, "fb", "h"), T0,
          ConflictStatus.RESOLVED);
      Conflict v7sameTimeA = conflict(tenant, "villa7", key(tenant, "fa", "i"), key(tenant, "fb", "j"),
          T0.plusSeconds(30), ConflictStatus.OPEN);
      Conflict v7sameTimeB = conflict(tenant, "villa7", key(tenant, "fa", "k"), key(tenant, "fb", "l"),
          T0.plusSeconds(30), ConflictStatus.OPEN);
      store.saveConflicts(tenant, List.of(v8late, v7late, v7early, v8early, v7sameTimeB, v7sameTimeA));
      List<Conflict> sameTime = new ArrayList<>(List.of(v7sameTimeA, v7sameTimeB));
      sameTime.sort((x, y) -> x.id().compareTo(y.id()));

      List<Conflict> all = new ArrayList<>();
      all.add(v7early);
      all.addAll(sameTime);
      all.add(v7late);
      all.add(v8early);
      all.add(v8late);
      assertThat(store.conflicts(tenant, null, null)).containsExactlyElementsOf(all);
      assertThat(store.conflicts(tenant, "villa7", null))
          .containsExactly(v7early, sameTime.get(0), sameTime.get(1), v7late);
      assertThat(store.conflicts(tenant, null, ConflictStatus.OPEN))
          .containsExactly(v7early, sameTime.get(0), sameTime.get(1), v8late);
      assertThat(store.conflicts(tenant, "villa8", ConflictStatus.RESOLVED)).containsExactly(v8early);
      assertThat(store.conflicts(tenant, "villa9", null)).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------- runs

  /** The change log. */
  @Nested
  public class Runs {

    @Test
    void runsAreNewestFirstAndLimited() {
      store.saveFeed(feed(tenant, "f1", "villa7"));
      List<SyncRun> written = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        FeedState s = store.beginSync(tenant, "f1", T0.plusSeconds(i * 60L));
        SyncRun r = run(tenant, "f1", s.generation(), T0.plusSeconds(i * 60L), "run " + i);
        store.apply(FeedApply.stateOnly(s, r));
        written.add(r);
      }
      Collections.reverse(written);

      assertThat(store.runs(tenant, "f1", 3)).containsExactlyElementsOf(written.subList(0, 3));
      assertThat(store.runs(tenant, "f1", 1)).containsExactly(written.get(0));
      assertThat(store.runs(tenant, "f1", 100)).containsExactlyElementsOf(written);
    }

    @Test
    void runRoundTripsEveryField() {
      FeedState s = begin(feed(tenant, "f1", "villa7"), T0);
      SyncRun failed = new SyncRun("run-" + UUID.randomUUID(), tenant, "f1", s.generation(), T0,
          T0.plusMillis(1234).plusNanos(5000), SyncOutcome.FAILED, FailureReason.RATE_LIMITED,
          new ChangeCounts(1, 2, 3, 4, 5, 6, 7, 8), "429 from www.airbnb.com, retry after PT10M");
      store.apply(FeedApply.stateOnly(s, failed));

      assertThat(store.runs(tenant, "f1", 10)).containsExactly(failed);
    }

    @Test
    void applyWithoutARunRecordsNone() {
      FeedState s = begin(feed(tenant, "f1", "villa7"), T0);
      apply(s, stay(tenant, "f1", "villa7", "a", D0, D0.plusDays(1)));

      assertThat(store.runs(tenant, "f1", 10)).isEmpty();
    }

    @Test
    void runsAreOfOneFeed() {
      FeedState one = begin(feed(tenant, "f1", "villa7"), T0);
      FeedState two = begin(feed(tenant, "f2", "villa7"), T0);
      SyncRun r1 = run(tenant, "f1", one.generation(), T0, "one");
      SyncRun r2 = run(tenant, "f2", two.generation(), T0, "two");
      store.apply(FeedApply.stateOnly(one, r1));
      store.apply(FeedApply.stateOnly(two, r2));

      assertThat(store.runs(tenant, "f1", 10)).containsExactly(r1);
      assertThat(store.runs(tenant, "f2", 10)).containsExactly(r2);
    }

    /** Appends {@code count} runs to a feed, one an hour from {@code first}; returns them newest first. */
    private List<SyncRun> hourlyRuns(String tenant, String feedId, Instant first, int count) {
      store.saveFeed(feed(tenant, feedId, "villa7"));
      List<SyncRun> written = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Instant at = first.plus(Duration.ofHours(i));
        FeedState s = store.beginSync(tenant, feedId, at);
        SyncRun r = run(tenant, feedId, s.generation(), at, "run " + i);
        store.apply(FeedApply.stateOnly(s, r));
        written.add(0, r);
      }
      return written;
    }

    /**
     * Without pruning the change log grows by a run per poll for ever. A prune deletes, across
     * tenants and in as many batches as it takes, every run that finished before the cutoff and is
     * not among its feed's newest {@code keepRuns}; it keeps the window and the newest runs.
     */
    @Test
    void pruneRunsKeepsTheWindowAndTheNewestRunsOfEveryFeed() {
      // f1: 30 hourly runs, the last 10 inside a 10-hour window; f2: 8 old runs, of which the
      // newest 5 stay; f3 (another tenant): 3 old runs, all among its newest 5
      List<SyncRun> f1 = hourlyRuns(tenant, "f1", T0, 30);
      List<SyncRun> f2 = hourlyRuns(tenant, "f2", T0, 8);
      List<SyncRun> f3 = hourlyRuns(otherTenant, "f3", T0, 3);
      Instant now = T0.plus(Duration.ofHours(29)).plusSeconds(60);
      HistoryRetention retention = HistoryRetention.builder()
          .keepFor(Duration.ofHours(10)).keepRuns(5).batchSize(4).build();

      long deleted = store.pruneRuns(retention, now);

      // the store may hold other tests' runs too: at least these 20 + 3 went
      assertThat(deleted).isGreaterThanOrEqualTo(23);
      assertThat(store.runs(tenant, "f1", 100)).containsExactlyElementsOf(f1.subList(0, 10));
      assertThat(store.runs(tenant, "f2", 100)).containsExactlyElementsOf(f2.subList(0, 5));
      assertThat(store.runs(otherTenant, "f3", 100)).containsExactlyElementsOf(f3);
      assertThat(store.pruneRuns(retention, now)).isZero();
    }

    @Test
    void pruneRunsNeverDeletesARunInsideTheWindow() {
      List<SyncRun> f1 = hourlyRuns(tenant, "f1", T0, 12);

      store.pruneRuns(HistoryRetention.builder().keepFor(Duration.ofDays(2)).keepRuns(1).batchSize(1).build(),
          T0.plus(Duration.ofHours(12)));

      assertThat(store.runs(tenant, "f1", 100)).containsExactlyElementsOf(f1);
    }
  }

  // ---------------------------------------------------------------------------- through the engine

  /**
   * Syncs through {@link IcsSync} into the store under test: what the engine promises whatever the
   * store, with a fetcher that answers from memory and a clock fixed at {@link #T0}.
   */
  @Nested
  public class ThroughTheEngine {

    /** A body of all-day events, one per {@code uid|summary} pair, a week apart from {@link #D0}. */
    private String body(String... uidAndSummary) {
      StringBuilder sb = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tck//EN\r\n");
      for (int i = 0; i < uidAndSummary.length; i++) {
        String[] parts = uidAndSummary[i].split("\\|", 2);
        LocalDate in = D0.plusDays(7L * i);
        sb.append("BEGIN:VEVENT\r\nUID:").append(parts[0]).append("\r\nDTSTAMP:20260801T000000Z\r\n")
            .append("DTSTART;VALUE=DATE:").append(in.toString().replace("-", "")).append("\r\n")
            .append("DTEND;VALUE=DATE:").append(in.plusDays(3).toString().replace("-", "")).append("\r\n")
            .append("SUMMARY:").append(parts.length > 1 ? parts[1] : "Reserved").append("\r\n")
            .append("END:VEVENT\r\n");
      }
      return sb.append("END:VCALENDAR\r\n").toString();
    }

    private IcsSync engine(Store on, AtomicReference<String> body, ChannelProfile... profiles) {
      IcsSync.Builder b = IcsSync.builder().store(on)
          .fetcher(request -> FetchResult.Fetched.of(java.util.Objects.requireNonNull(body.get(), "body").getBytes(StandardCharsets.UTF_8)))
          .clock(Clock.fixed(T0, ZoneOffset.UTC));
      for (ChannelProfile p : profiles) {
        b.profile(p);
      }
      return b.build();
    }

    private static boolean storable(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == 0) {
          return false;
        }
        if (Character.isHighSurrogate(c)) {
          if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
            return false;
          }
          i++;
        } else if (Character.isLowSurrogate(c)) {
          return false;
        }
      }
      return true;
    }

    /**
     * A NUL in a UID (PostgreSQL rejects 0x00 in text), a lone surrogate (not UTF-8, so PostgreSQL
     * cannot store it either), a UID longer than a database index entry may be, and summaries with
     * both (from a host's profile that keeps the summary and cuts it short, splitting an emoji):
     * every event is stored under a key the store accepts, the rest of the feed applies with them,
     * and the same feed read again maps every UID to the same key (no churn), two UIDs that differ
     * only in the unstorable character stay two events (PostgreSQL's driver sends a lone surrogate
     * as {@code ?}, so "cut-" with half an emoji and "cut-?" would be one row), and a clean UID is
     * stored as it is.
     */
    @Test
    void textNoDatabaseCanStoreNeverBlocksTheFeed() {
      ChannelProfile keepsSummaries = new ChannelProfile() {
        @Override
        public String source() {
          return "rawtext";
        }

        @Override
        public boolean recognises(@Nullable String prodId, String sampleUid) {
          return false;
        }

        @Override
        public ChannelProfile.Normalized normalize(ParsedEvent event) {
          String summary = event.summary() == null ? "" : event.summary();
          String uid = event.uid().startsWith("cut-") ? event.uid().substring(0, 5) : null;
          return new ChannelProfile.Normalized(EventKind.RESERVATION, EventStatus.CONFIRMED,
              summary.length() > 8 ? summary.substring(0, 8) : summary, uid, null);
        }
      };
      StringBuilder longUid = new StringBuilder();
      while (longUid.length() < 6000) {
        longUid.append(UUID.randomUUID());
      }
      AtomicReference<String> body = new AtomicReference<>(body(
          "plain-1@tck|Owner",
          "nul\u0000-2@tck|Guest",
          "nul-2@tck|Guest",
          longUid + "|Guest",
          "cut-\uD83D\uDE00-tail@tck|Owner",
          "cut-?-tail@tck|Owner",
          "summary-5@tck|Nul\u0000here",
          "summary-6@tck|Smiles \uD83D\uDE00"));
      store.saveFeed(Feed.builder(tenant, "f1").property("villa7").source("rawtext").url("https://cal.example.com/f1.ics").build());
      try (IcsSync sync = engine(store, body, keepsSummaries)) {
        SyncReport first = sync.syncFeed(tenant, "f1");

        assertThat(first.outcome()).as(first.message()).isEqualTo(SyncOutcome.APPLIED);
        assertThat(first.counts().created()).isEqualTo(8);
        FeedState state = store.state(tenant, "f1");
        assertThat(state.consecutiveFailures()).isZero();
        assertThat(state.lastError()).isNull();
        List<CalendarEvent> stored = store.eventsOfFeed(tenant, "f1");
        assertThat(stored).hasSize(8);
        assertThat(stored).allSatisfy(e -> {
          assertThat(storable(e.key().uid())).as("uid storable").isTrue();
          assertThat(storable(e.key().recurrenceId())).as("recurrence id storable").isTrue();
          assertThat(storable(e.summary())).as("summary storable").isTrue();
          assertThat(e.key().uid().length()).isLessThan(1000);
        });
        assertThat(uids(stored)).doesNotHaveDuplicates().contains("plain-1@tck", "nul-2@tck", "cut-?");

        SyncReport again = sync.syncFeed(tenant, "f1", SyncMode.RELOAD);

        assertThat(again.outcome()).as(again.message()).isEqualTo(SyncOutcome.APPLIED);
        assertThat(again.counts().seen()).isEqualTo(8);
        assertThat(again.counts().created()).isZero();
        assertThat(again.counts().updated()).isZero();
        assertThat(again.counts().cancelled()).isZero();
        assertThat(store.eventsOfFeed(tenant, "f1")).containsExactlyInAnyOrderElementsOf(stored);
      }
    }

    /**
     * The store fails the apply of a sync's events (a constraint, a lost connection): the report is
     * a {@code STORAGE} failure and the feed's state says so, as for a failed fetch: failures
     * counted, the last error, a later next due. The next successful sync clears them.
     */
    @Test
    void aFailedApplyShowsInTheFeedState() {
      AtomicBoolean failing = new AtomicBoolean(true);
      Store failingApplies = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(),
          new Class<?>[] {Store.class}, (proxy, method, args) -> {
            if (method.getName().equals("apply") && failing.get()
                && !((FeedApply) args[0]).upserts().isEmpty()) {
              throw new StorageException("apply failed: invalid byte sequence", null);
            }
            try {
              return method.invoke(store, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      AtomicReference<String> body = new AtomicReference<>(body("a1@tck", "a2@tck"));
      store.saveFeed(feed(tenant, "f1", "villa7"));
      try (IcsSync sync = engine(failingApplies, body)) {
        SyncReport first = sync.syncFeed(tenant, "f1");

        assertThat(first.outcome()).isEqualTo(SyncOutcome.FAILED);
        assertThat(first.failure()).isEqualTo(FailureReason.STORAGE);
        FeedState once = store.state(tenant, "f1");
        assertThat(once.consecutiveFailures()).isEqualTo(1);
        assertThat(once.lastError()).isNotNull().containsIgnoringCase("stor");
        assertThat(once.nextDue()).isNotNull().isAfter(T0);
        assertThat(once.lastSuccess()).isNull();
        assertThat(store.eventsOfFeed(tenant, "f1")).isEmpty();
        assertThat(store.runs(tenant, "f1", 10)).extracting(SyncRun::outcome).containsExactly(SyncOutcome.FAILED);

        sync.syncFeed(tenant, "f1");
        FeedState twice = store.state(tenant, "f1");
        assertThat(twice.consecutiveFailures()).isEqualTo(2);
        assertThat(twice.nextDue()).isAfter(once.nextDue());

        failing.set(false);
        SyncReport recovered = sync.syncFeed(tenant, "f1");

        assertThat(recovered.outcome()).isEqualTo(SyncOutcome.APPLIED);
        FeedState ok = store.state(tenant, "f1");
        assertThat(ok.consecutiveFailures()).isZero();
        assertThat(ok.lastError()).isNull();
        assertThat(uids(store.eventsOfFeed(tenant, "f1"))).containsExactlyInAnyOrder("a1@tck", "a2@tck");
      }
    }
  }

  // ----------------------------------------------------------------------------- tenant isolation

  /** Tenant B never sees tenant A's rows, even when every id is equal. */
  @Nested
  public class TenantIsolation {

    @Test
    void feedsAreScopedByTenant() {
      Feed mine = feed(tenant, "f1", "villa7");
      store.saveFeed(mine);

      assertThat(store.feeds(otherTenant)).isEmpty();
      assertThat(store.feed(otherTenant, "f1")).isEmpty();

      Feed theirs = new Feed("f1", otherTenant, "villa7", "vrbo", "https://www.vrbo.com/icalendar/x.ics",
          Duration.ofMinutes(30), true, 1);
      store.saveFeed(theirs);

      assertThat(store.feed(tenant, "f1")).contains(mine);
      assertThat(store.feed(otherTenant, "f1")).contains(theirs);
      assertThat(store.feeds(tenant)).containsExactly(mine);
      assertThat(store.feeds(otherTenant)).containsExactly(theirs);
    }

    @Test
    void statesAndGenerationsAreScopedByTenant() {
      begin(feed(tenant, "f1", "villa7"), T0);
      store.beginSync(tenant, "f1", T0);
      FeedState mine = store.beginSync(tenant, "f1", T0);
      store.saveFeed(feed(otherTenant, "f1", "villa7"));

      assertThat(store.state(otherTenant, "f1")).isEqualTo(FeedState.initial(otherTenant, "f1"));
      FeedState theirs = store.beginSync(otherTenant, "f1", T0.plusSeconds(5));
      assertThat(theirs.generation()).isEqualTo(1);

      store.apply(FeedApply.stateOnly(fullState(otherTenant, "f1", theirs.generation()), null));
      assertThat(store.state(tenant, "f1")).isEqualTo(mine);
    }

    @Test
    void eventsAreScopedByTenant() {
      CalendarEvent mine = stay(tenant, "f1", "villa7", "same", D0, D0.plusDays(2));
      sync(feed(tenant, "f1", "villa7"), mine);

      assertThat(store.eventsOfFeed(otherTenant, "f1")).isEmpty();
      assertThat(store.events(new EventQuery(otherTenant, "villa7", null, null, true))).isEmpty();

      CalendarEvent theirs = stay(otherTenant, "f1", "villa7", "same", D0.plusDays(1), D0.plusDays(4)).cancel(T0);
      sync(feed(otherTenant, "f1", "villa7"), theirs);

      assertThat(store.eventsOfFeed(tenant, "f1")).containsExactly(mine);
      assertThat(store.eventsOfFeed(otherTenant, "f1")).containsExactly(theirs);
      assertThat(store.events(new EventQuery(tenant, "villa7", null, null, true))).containsExactly(mine);
      assertThat(store.events(new EventQuery(otherTenant, "villa7", null, null, true))).containsExactly(theirs);
    }

    @Test
    void conflictsAreScopedByTenant() {
      Conflict mine = conflict(tenant, "villa7", EventKey.of(tenant, "fa", "a"), EventKey.of(tenant, "fb", "b"), T0,
          ConflictStatus.OPEN);
      store.saveConflicts(tenant, List.of(mine));

      assertThat(store.conflicts(otherTenant, null, null)).isEmpty();

      Conflict theirs = conflict(otherTenant, "villa7", EventKey.of(otherTenant, "fa", "a"),
          EventKey.of(otherTenant, "fb", "b"), T0.plusSeconds(1), ConflictStatus.IGNORED);
      assertThat(theirs.id()).isEqualTo(mine.id());
      store.saveConflicts(otherTenant, List.of(theirs));

      assertThat(store.conflicts(tenant, null, null)).containsExactly(mine);
      assertThat(store.conflicts(otherTenant, "villa7", null)).containsExactly(theirs);
    }

    @Test
    void tokensAreScopedByTenant() {
      ExportToken mine = token(tenant, "villa7", null, T0);
      store.saveToken(mine);

      assertThat(store.tokens(otherTenant, "villa7")).isEmpty();

      ExportToken theirs = token(otherTenant, "villa7", null, T0);
      store.saveToken(theirs);

      assertThat(store.tokens(tenant, "villa7")).containsExactly(mine);
      assertThat(store.tokens(otherTenant, "villa7")).containsExactly(theirs);
      assertThat(store.tokenByHash(theirs.hash())).get().extracting(ExportToken::tenant).isEqualTo(otherTenant);
    }

    @Test
    void runsAreScopedByTenant() {
      FeedState mineState = begin(feed(tenant, "f1", "villa7"), T0);
      SyncRun mine = run(tenant, "f1", mineState.generation(), T0, "mine");
      store.apply(FeedApply.stateOnly(mineState, mine));

      assertThat(store.runs(otherTenant, "f1", 10)).isEmpty();

      FeedState theirsState = begin(feed(otherTenant, "f1", "villa7"), T0);
      SyncRun theirs = run(otherTenant, "f1", theirsState.generation(), T0.plusSeconds(1), "theirs");
      store.apply(FeedApply.stateOnly(theirsState, theirs));

      assertThat(store.runs(tenant, "f1", 10)).containsExactly(mine);
      assertThat(store.runs(otherTenant, "f1", 10)).containsExactly(theirs);
    }

    @Test
    void propertiesAreScopedByTenant() {
      PropertySettings mine = new PropertySettings(tenant, "villa7", ZoneId.of("Europe/Paris"), LocalTime.of(16, 0),
          LocalTime.of(10, 0));
      store.saveProperty(mine);

      assertThat(store.property(otherTenant, "villa7")).isEmpty();

      PropertySettings theirs = PropertySettings.defaults(otherTenant, "villa7");
      store.saveProperty(theirs);

      assertThat(store.property(tenant, "villa7")).contains(mine);
      assertThat(store.property(otherTenant, "villa7")).contains(theirs);
    }
  }

  // --------------------------------------------------------------------------------- concurrency

  /** Writers on different feeds at once: every row lands; readers see whole applies. */
  @Nested
  public class Concurrency {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentWritersOnDifferentFeedsLoseNothing() throws Exception {
      int writers = concurrentWriters();
      int rounds = 8;
      int perRound = 10;
      for (int w = 0; w < writers; w++) {
        store.saveFeed(feed(tenant, "f" + w, "villa7"));
      }

      runConcurrently(writers, w -> {
        String feedId = "f" + w;
        for (int r = 0; r < rounds; r++) {
          FeedState s = store.beginSync(tenant, feedId, T0.plusSeconds(r));
          List<CalendarEvent> batch = new ArrayList<>();
          for (int i = 0; i < perRound; i++) {
            LocalDate in = D0.plusDays((long) r * perRound + i);
            batch.add(stay(tenant, feedId, "villa7", String.format(Locale.ROOT, "r%02di%02d", r, i), in, in.plusDays(1)));
          }
          store.apply(new FeedApply(tenant, feedId, List.of(), batch, s,
              run(tenant, feedId, s.generation(), T0.plusSeconds(r), "round " + r)));
        }
        return null;
      });

      for (int w = 0; w < writers; w++) {
        String feedId = "f" + w;
        assertThat(store.eventsOfFeed(tenant, feedId)).as(feedId).hasSize(rounds * perRound);
        assertThat(store.state(tenant, feedId).generation()).as(feedId).isEqualTo(rounds);
        assertThat(store.runs(tenant, feedId, 100)).as(feedId).hasSize(rounds);
      }
      assertThat(store.events(EventQuery.active(tenant, "villa7"))).hasSize(writers * rounds * perRound);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readersNeverSeeHalfAnApply() throws Exception {
      int perApply = 25;
      int rounds = 12;
      store.saveFeed(feed(tenant, "f1", "villa7"));
      AtomicBoolean done = new AtomicBoolean();
      List<Integer> torn = Collections.synchronizedList(new ArrayList<>());

      runConcurrently(2, n -> {
        if (n == 0) {
          try {
            for (int r = 0; r < rounds; r++) {
              FeedState s = store.beginSync(tenant, "f1", T0.plusSeconds(r));
              List<CalendarEvent> batch = new ArrayList<>();
              for (int i = 0; i < perApply; i++) {
                LocalDate in = D0.plusDays(i);
                batch.add(stay(tenant, "f1", "villa7", String.format(Locale.ROOT, "r%02di%02d", r, i), in,
                    in.plusDays(1)));
              }
              store.apply(new FeedApply(tenant, "f1", List.of(), batch, s, null));
            }
          } finally {
            done.set(true);
          }
        } else {
          while (!done.get()) {
            int seen = store.eventsOfFeed(tenant, "f1").size();
            if (seen % perApply != 0) {
              torn.add(seen);
            }
            int queried = store.events(EventQuery.active(tenant, "villa7")).size();
            if (queried % perApply != 0) {
              torn.add(queried);
            }
          }
        }
        return null;
      });

      assertThat(torn).as("event counts seen mid-apply").isEmpty();
      assertThat(store.eventsOfFeed(tenant, "f1")).hasSize(perApply * rounds);
    }
  }

  /** A task of one of {@link #runConcurrently}'s threads. */
  @FunctionalInterface
  protected interface Worker {
    @Nullable Object run(int index) throws Exception;
  }

  /**
   * Runs {@code threads} workers at once (released together by a latch) and rethrows the first
   * failure.
   */
  protected static void runConcurrently(int threads, Worker worker) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<@Nullable Object>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int index = t;
        Callable<@Nullable Object> task = () -> {
          start.await();
          return worker.run(index);
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<@Nullable Object> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
