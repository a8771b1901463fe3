package dev.icssync.engine.scenario;

import static dev.icssync.engine.scenario.Kit.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSyncException;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.SyncListener;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every rule of the engine, through the public API. Today is 2026-06-10 (UTC). */
class SyncScenarioTest {
  static final LocalDate D = LocalDate.of(2026, 6, 10);

  static String twoStays() {
    return Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7)).reserved("bbb", D.plusDays(10), D.plusDays(12))
        .build();
  }

  @Test
  void firstSyncCreatesSanitisedEvents() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      String body = Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7))
          .notAvailable("bbb", D.plusDays(20), D.plusDays(22)).build();
      k.fetcher.body("air", body);
      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(r.counts().created()).isEqualTo(2);
      assertThat(r.counts().seen()).isEqualTo(2);
      assertThat(r.bytes()).isEqualTo(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
      assertThat(r.timings().parse()).isPositive();
      assertThat(r.timings().apply()).isPositive();
      assertThat(r.timings().total()).isGreaterThanOrEqualTo(r.timings().parse().plus(r.timings().apply()));
      assertThat(r.message()).doesNotContain("s3cret").doesNotContain("cal.example.com");
      assertThat(k.events("air")).extracting(CalendarEvent::kind, CalendarEvent::summary)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(EventKind.RESERVATION, "Reserved"),
              org.assertj.core.groups.Tuple.tuple(EventKind.BLOCK, "Not available"));
      for (CalendarEvent e : k.events("air")) {
        assertThat(e.summary()).doesNotContain("1234").doesNotContain("airbnb.com/hosting");
      }
      assertThat(k.changes).filteredOn(c -> c instanceof ChangeEvent.Created).hasSize(2);
      FeedState s = k.state("air");
      assertThat(s.lastSuccess()).isEqualTo(Kit.START);
      assertThat(s.nextDue()).isEqualTo(Kit.START.plus(Feed.DEFAULT_POLL_INTERVAL));
      assertThat(k.store.runs(T, "air", 5)).singleElement()
          .satisfies(run -> assertThat(run.outcome()).isEqualTo(SyncOutcome.APPLIED));
    }
  }

  @Test
  void sameBodyWithOnlyVolatileChangesIsUnchangedWithZeroEventWrites() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays())
          .body("air", Ics.airbnb("20260611T093000Z").reserved("aaa", D.plusDays(3), D.plusDays(7))
              .reserved("bbb", D.plusDays(10), D.plusDays(12)).build().replace("VERSION:2.0\r\n",
                  "VERSION:2.0\r\nX-DOWNLOAD-ID:8842\r\n").replace("\r\n", "\n"));
      k.sync("air");
      int upserts = k.store.eventUpserts.get();
      int reads = k.store.eventsOfFeedReads.get();
      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.UNCHANGED);
      assertThat(k.store.eventUpserts.get()).isEqualTo(upserts);
      assertThat(k.store.eventsOfFeedReads.get()).as("stored events not even read").isEqualTo(reads);
      assertThat(r.changes()).isEmpty();
    }
  }

  @Test
  void notModifiedSendsValidatorsAndWritesNoEvent() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays(), "\"v1\"").then("air", req -> new FetchResult.NotModified(null, null, null));
      k.sync("air");
      int upserts = k.store.eventUpserts.get();
      k.days(1);
      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);
      assertThat(k.fetcher.requests.get(1).etag()).isEqualTo("\"v1\"");
      assertThat(k.store.eventUpserts.get()).isEqualTo(upserts);
      assertThat(k.state("air").lastSuccess()).isEqualTo(k.clock.instant());
      assertThat(k.state("air").etag()).isEqualTo("\"v1\"");
    }
  }

  @Test
  void reloadFetchesWithoutValidatorsReadsTheBodyAndKeepsTheGuard() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays(), "\"v1\"").body("air", twoStays(), "\"v1\"")
          .body("air", twoStays(), "\"v2\"").body("air", Ics.airbnb().build(), "\"v3\"");
      k.sync("air");
      // Same body again: the stored digest makes it a no-op...
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.UNCHANGED);
      assertThat(k.fetcher.requests.get(1).etag()).isEqualTo("\"v1\"");

      // ...while a reload (say, after the events were restored from a backup) asks without
      // validators and reads the body whatever its digest.
      SyncReport reload = k.sync("air", SyncMode.RELOAD);
      assertThat(k.fetcher.requests.get(2).etag()).isNull();
      assertThat(k.fetcher.requests.get(2).lastModified()).isNull();
      assertThat(reload.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(reload.counts().seen()).isEqualTo(2);
      assertThat(k.state("air").etag()).isEqualTo("\"v2\"");

      // It confirms nothing: an empty body is still held back, unlike FORCE.
      SyncReport empty = k.sync("air", SyncMode.RELOAD);
      assertThat(empty.outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(empty.counts().cancelled()).isZero();
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);
    }
  }

  @Test
  void glitchEmptyAirbnbPollIsQuarantinedAndNothingIsCancelled() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      String empty = Ics.airbnb().build();
      k.fetcher.body("air", twoStays()).body("air", empty).body("air", twoStays());
      k.sync("air");
      SyncReport glitch = k.sync("air");
      assertThat(glitch.outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(glitch.counts().heldBack()).isEqualTo(2);
      assertThat(glitch.counts().cancelled()).isZero();
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);
      assertThat(k.state("air").quarantine()).isNotNull();
      assertThat(k.changes).filteredOn(c -> c instanceof ChangeEvent.FeedQuarantined).hasSize(1);

      SyncReport back = k.sync("air");
      assertThat(back.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(back.counts().writes()).isZero();
      assertThat(k.state("air").quarantine()).isNull();
      assertThat(back.changes()).singleElement().isInstanceOf(ChangeEvent.FeedRecovered.class);
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);
    }
  }

  @Test
  void emptyResultIsAppliedAfterThreeIdenticalResults() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays()).body("air", Ics.airbnb().build());
      k.sync("air");
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      k.minutes(30);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(k.state("air").quarantine().confirmations()).isEqualTo(2);
      k.minutes(30);
      SyncReport third = k.sync("air");
      assertThat(third.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(third.counts().cancelled()).isEqualTo(2);
      assertThat(k.events("air")).allMatch(CalendarEvent::isCancelled);
      assertThat(k.state("air").quarantine()).isNull();
      // Cancelled, never deleted.
      assertThat(k.events("air")).hasSize(2);
    }
  }

  @Test
  @SuppressWarnings("deprecation")
  void forceRefetchesAndConfirmingIsASeparateAct() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays()).body("air", Ics.airbnb().build());
      k.sync("air");
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      SyncReport forced = k.sync("air", SyncMode.FORCE);
      assertThat(forced.outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(forced.counts().cancelled()).isZero();
      assertThat(k.fetcher.requests.get(2).etag()).isNull();
      SyncReport confirmed = k.sync.confirmQuarantine(T, "air");
      assertThat(confirmed.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(confirmed.counts().cancelled()).isEqualTo(2);
      assertThat(confirmed.changes()).filteredOn(c -> c instanceof ChangeEvent.Cancelled).hasSize(2);
    }
  }

  @Test
  void emptyOrBlankBodiesAreFailuresWhateverTheFeedHeldOnlyAnEmptyCalendarIsEmpty() {
    try (Kit k = new Kit()) {
      k.feed("bk", "villa", "booking");
      k.feed("bk2", "villa", "booking");
      k.fetcher.body("bk", Ics.booking().allDay("aa11@booking.com", D.plusDays(5), D.plusDays(8),
          "CLOSED - Not available").build());
      for (String blank : List.of("", " ", "\r\n\r\n", " \t\r\n  \n", "\uFEFF", "\uFEFF\r\n ")) {
        k.fetcher.body("bk", blank);
      }
      k.fetcher.body("bk2", "").body("bk2", Ics.booking().build());
      k.sync("bk");
      for (int i = 1; i <= 6; i++) {
        SyncReport empty = k.sync("bk");
        assertThat(empty.outcome()).as("poll %d", i).isEqualTo(SyncOutcome.FAILED);
        assertThat(empty.failure()).isEqualTo(FailureReason.EMPTY_BODY);
        assertThat(empty.counts()).isEqualTo(dev.icssync.ChangeCounts.NONE);
        assertThat(k.state("bk").consecutiveFailures()).isEqualTo(i);
        assertThat(k.state("bk").quarantine()).isNull();
        assertThat(k.state("bk").nextDue()).as("polled at its interval, no backoff")
            .isEqualTo(k.clock.instant().plus(Duration.ofMinutes(15)));
        k.minutes(30);
      }
      assertThat(k.events("bk")).singleElement().matches(CalendarEvent::isActive);

      // From a feed that never held anything: still a failure, not "no events".
      SyncReport fresh = k.sync("bk2");
      assertThat(fresh.outcome()).isEqualTo(SyncOutcome.FAILED);
      assertThat(fresh.failure()).isEqualTo(FailureReason.EMPTY_BODY);
      assertThat(k.state("bk2").lastSuccess()).isNull();
      // A real calendar with no events is an empty result.
      SyncReport none = k.sync("bk2");
      assertThat(none.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(none.counts().seen()).isZero();
    }
  }

  @Test
  void anEmptyBodyIsAFailureEvenWhenItsDigestWasStoredBefore() {
    try (Kit k = new Kit()) {
      k.feed("bk", "villa", "booking");
      k.fetcher.body("bk", Ics.booking().build()).body("bk", "");
      k.sync("bk");
      // a state written by an earlier version that applied an empty body
      FeedState s = k.state("bk");
      k.store.apply(dev.icssync.spi.FeedApply.stateOnly(FeedState.builder()
          .tenant(s.tenant())
          .feedId(s.feedId())
          .contentDigest(dev.icssync.internal.engine.SemanticDigest.of(new byte[0]))
          .parserVersion(s.parserVersion())
          .lastAttempt(s.lastAttempt())
          .lastSuccess(s.lastSuccess())
          .nextDue(s.nextDue())
          .generation(s.generation())
          .build(), null));
      SyncReport r = k.sync("bk");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.FAILED);
      assertThat(r.failure()).isEqualTo(FailureReason.EMPTY_BODY);
    }
  }

  @Test
  void aCalendarCutOffMidEventIsAFailureWhateverTheFetcher() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      String cut = twoStays().substring(0, twoStays().indexOf("UID:1418fb94e984-bbb"));
      String noEnd = twoStays().replace("END:VCALENDAR\r\n", "");
      k.fetcher.body("air", twoStays()).body("air", cut).body("air", noEnd);
      k.sync("air");
      for (String what : List.of("cut mid-event", "no END:VCALENDAR")) {
        SyncReport r = k.sync("air");
        assertThat(r.outcome()).as(what).isEqualTo(SyncOutcome.FAILED);
        assertThat(r.failure()).as(what).isEqualTo(FailureReason.PARSE_ERROR);
        assertThat(r.message()).as(what).contains("truncated");
        assertThat(k.state("air").quarantine()).isNull();
      }
      assertThat(k.events("air")).hasSize(2).allMatch(CalendarEvent::isActive);
    }
  }

  @Test
  void bookingUidReissueForTheSameStayIsAnUpdate() {
    try (Kit k = new Kit()) {
      k.feed("bk", "villa", "booking");
      k.fetcher.body("bk", Ics.booking().allDay("0001@booking.com", D.plusDays(5), D.plusDays(8),
          "CLOSED - Not available").build())
          .body("bk", Ics.booking().allDay("0002@booking.com", D.plusDays(5), D.plusDays(8),
              "CLOSED - Not available").build());
      k.sync("bk");
      CalendarEvent before = k.events("bk").get(0);
      SyncReport r = k.sync("bk");
      assertThat(r.counts().uidReissued()).isEqualTo(1);
      assertThat(r.counts().cancelled()).isZero();
      assertThat(r.counts().created()).isZero();
      assertThat(k.events("bk")).singleElement().satisfies(e -> {
        assertThat(e.key().uid()).isEqualTo("0002@booking.com");
        assertThat(e.firstSeen()).isEqualTo(before.firstSeen());
        assertThat(e.isActive()).isTrue();
      });
      assertThat(r.changes()).singleElement().isInstanceOf(ChangeEvent.UidReissued.class);
    }
  }

  @Test
  void guestDateChangeKeepsTheUidAndUpdatesInPlace() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays()).body("air", Ics.airbnb().reserved("aaa", D.plusDays(4), D.plusDays(9))
          .reserved("bbb", D.plusDays(10), D.plusDays(12)).build());
      k.sync("air");
      SyncReport r = k.sync("air");
      assertThat(r.counts().updated()).isEqualTo(1);
      assertThat(r.changes()).singleElement().isInstanceOfSatisfying(ChangeEvent.DatesChanged.class, c -> {
        assertThat(c.before()).isEqualTo(DateRange.allDay(D.plusDays(3), D.plusDays(7)));
        assertThat(c.after()).isEqualTo(DateRange.allDay(D.plusDays(4), D.plusDays(9)));
        assertThat(c.event().sequence()).isEqualTo(1);
      });
    }
  }

  @Test
  void cancelledStayThatReappearsIsReinstated() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      String three = Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7))
          .reserved("bbb", D.plusDays(10), D.plusDays(12)).reserved("ccc", D.plusDays(20), D.plusDays(22)).build();
      String withoutA = Ics.airbnb().reserved("bbb", D.plusDays(10), D.plusDays(12))
          .reserved("ccc", D.plusDays(20), D.plusDays(22)).build();
      k.fetcher.body("air", three).body("air", withoutA).body("air", three);
      k.sync("air");
      SyncReport cancel = k.sync("air");
      assertThat(cancel.counts().cancelled()).isEqualTo(1);
      SyncReport back = k.sync("air");
      assertThat(back.counts().reinstated()).isEqualTo(1);
      assertThat(back.changes()).singleElement().isInstanceOf(ChangeEvent.Reinstated.class);
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);
    }
  }

  /** What {@code ics-sync feeds remove} does: deactivate the feed and cancel its events. */
  static void remove(Kit k, Feed feed) {
    k.store.saveFeed(feed.withActive(false));
    java.time.Instant now = k.clock.instant();
    FeedState begun = k.store.beginSync(T, feed.id(), now);
    List<CalendarEvent> cancelled = k.store.eventsOfFeed(T, feed.id()).stream().filter(CalendarEvent::isActive)
        .map(e -> e.cancel(now)).toList();
    k.store.apply(new dev.icssync.spi.FeedApply(T, feed.id(), List.of(), cancelled, begun, null));
  }

  @Test
  void aRemovedFeedAddedAgainIsFetchedInFullAndItsStaysComeBack() {
    try (Kit k = new Kit()) {
      // one server honours ETags (304), the other sends the same bytes again (same digest)
      Feed etag = k.feed("air", "villa", "airbnb");
      Feed digest = k.feed("air2", "villa", "airbnb");
      k.fetcher.then("air", r -> "\"v1\"".equals(r.etag()) ? new FetchResult.NotModified(null, null, null)
          : new FetchResult.Fetched(twoStays().getBytes(java.nio.charset.StandardCharsets.UTF_8), null,
              "text/calendar", "\"v1\"", null, null));
      k.fetcher.body("air2", twoStays());
      for (Feed f : List.of(etag, digest)) {
        assertThat(k.sync(f.id()).counts().created()).isEqualTo(2);
        k.minutes(15);
        assertThat(k.sync(f.id()).outcome()).isIn(SyncOutcome.NOT_MODIFIED, SyncOutcome.UNCHANGED);

        remove(k, f);
        assertThat(k.events(f.id())).allMatch(CalendarEvent::isCancelled);
        k.days(1);
        k.store.saveFeed(f); // added again: active, same id
        int requests = k.fetcher.requests.size();

        SyncReport back = k.sync(f.id());
        assertThat(k.fetcher.requests.get(requests).etag()).as(f.id()).isNull();
        assertThat(back.outcome()).as(f.id()).isEqualTo(SyncOutcome.APPLIED);
        assertThat(back.counts().reinstated()).as(f.id()).isEqualTo(2);
        assertThat(k.events(f.id())).hasSize(2).allMatch(CalendarEvent::isActive);
        assertThat(k.active("villa")).filteredOn(e -> e.feedId().equals(f.id())).hasSize(2);
      }
    }
  }

  @Test
  void pastStaysTrimmedByTheChannelAreHistoryNotCancellations() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", Ics.airbnb().reserved("old", D.minusDays(6), D.minusDays(1))
          .reserved("aaa", D.plusDays(3), D.plusDays(7)).build())
          .body("air", Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7)).build());
      k.sync("air");
      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(r.counts().cancelled()).isZero();
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);
    }
  }

  @Test
  void rollingAirbnbBookingWindowUpdatesOneEventAndNeverConflicts() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      // Day 1: booking window closes everything from +90 days to the end of the calendar (+365).
      k.fetcher.body("air", Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7))
          .notAvailable("w1", D.plusDays(90), D.plusDays(365)).notAvailable("n1", D, D.plusDays(2)).build());
      // Day 2: both rules rolled forward by a day, with new UIDs.
      k.fetcher.body("air", Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7))
          .notAvailable("w2", D.plusDays(91), D.plusDays(366)).notAvailable("n2", D.plusDays(1), D.plusDays(3))
          .build());
      k.fetcher.body("bk", Ics.booking().allDay("77@booking.com", D.plusDays(120), D.plusDays(125),
          "CLOSED - Jane Doe").build());
      k.sync("air");
      k.sync("bk");
      assertThat(k.conflicts("villa", null)).as("a reservation inside the booking window is no conflict").isEmpty();
      List<CalendarEvent> day1 = k.events("air");
      assertThat(day1).hasSize(3);
      k.days(1);
      SyncReport r = k.sync("air");
      assertThat(r.counts().created()).isZero();
      assertThat(r.counts().cancelled()).isZero();
      assertThat(r.counts().updated()).isEqualTo(2);
      assertThat(k.events("air")).hasSize(3).allMatch(CalendarEvent::isActive);
      assertThat(k.events("air")).filteredOn(dev.icssync.ChannelProfiles::isAvailabilityRule).hasSize(2);
      assertThat(k.conflicts("villa", null)).isEmpty();
      // The Booking name never reached the store.
      assertThat(k.events("bk")).singleElement().satisfies(e -> {
        assertThat(e.summary()).isEqualTo("Reserved");
        assertThat(e.kind()).isEqualTo(EventKind.RESERVATION);
      });
    }
  }

  @Test
  void staleGenerationIsRejectedAndWritesNothing() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays());
      // Another worker starts a newer sync of the feed while this one fetches.
      k.store.beforeApply = apply -> k.store.beginSync(T, "air", k.clock.instant());
      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.STALE);
      assertThat(k.events("air")).isEmpty();
      assertThat(k.changes).isEmpty();
      assertThat(k.store.runs(T, "air", 5)).isEmpty();
    }
  }

  @Test
  void listenerFailureDoesNotUndoTheSync() {
    AtomicInteger later = new AtomicInteger();
    try (Kit k = new Kit(b -> b.listener(new SyncListener() {
      @Override
      public void onChange(ChangeEvent change) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onSyncFinished(Feed feed, SyncReport report) {
        throw new IllegalStateException("listener bug");
      }
    }).listener(new SyncListener() {
      @Override
      public void onSyncFinished(Feed feed, SyncReport report) {
        later.incrementAndGet();
      }
    }))) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays());
      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(k.events("air")).hasSize(2);
      assertThat(later.get()).isEqualTo(1);
    }
  }

  @Test
  void fetchFailureChangesOnlyTheStateAndBacksOff() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays())
          .then("air", r -> new FetchResult.Failed(FailureReason.SERVER_ERROR, "HTTP 503", 503, null, null))
          .then("air", r -> new FetchResult.Failed(FailureReason.RATE_LIMITED, "HTTP 429", 429, Duration.ofHours(6),
              null))
          .body("air", twoStays());
      k.sync("air");
      List<CalendarEvent> before = k.events("air");
      SyncReport f1 = k.sync("air");
      assertThat(f1.outcome()).isEqualTo(SyncOutcome.FAILED);
      assertThat(f1.failure()).isEqualTo(FailureReason.SERVER_ERROR);
      assertThat(k.events("air")).isEqualTo(before);
      assertThat(k.state("air").consecutiveFailures()).isEqualTo(1);
      assertThat(k.state("air").nextDue()).isEqualTo(k.clock.instant().plus(Duration.ofMinutes(15)));
      SyncReport f2 = k.sync("air");
      assertThat(f2.retryAfter()).isEqualTo(Duration.ofHours(6));
      assertThat(k.state("air").consecutiveFailures()).isEqualTo(2);
      assertThat(k.state("air").nextDue()).isEqualTo(k.clock.instant().plus(Duration.ofHours(6)));
      assertThat(k.state("air").lastError()).contains("rate limited").doesNotContain("s3cret");
      SyncReport ok = k.sync("air");
      assertThat(ok.isSuccess()).isTrue();
      assertThat(ok.changes()).anyMatch(c -> c instanceof ChangeEvent.FeedRecovered);
      assertThat(k.state("air").consecutiveFailures()).isZero();
      assertThat(k.changes).filteredOn(c -> c instanceof ChangeEvent.FeedFailed).hasSize(2);
    }
  }

  @Test
  void notACalendarBodyIsAFailureThatChangesNoEvent() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays()).body("air", "<!DOCTYPE html><html><body>Please log in</body></html>");
      k.sync("air");
      int upserts = k.store.eventUpserts.get();
      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.FAILED);
      assertThat(r.failure()).isEqualTo(FailureReason.NOT_A_CALENDAR);
      assertThat(k.store.eventUpserts.get()).isEqualTo(upserts);
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);
    }
  }

  @Test
  void storageFailureIsAFailedReportNotAnException() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays());
      k.store.beforeApply = apply -> {
        throw new IcsSyncException.StorageException("connection lost", null);
      };
      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.FAILED);
      assertThat(r.failure()).isEqualTo(FailureReason.STORAGE);
    }
  }

  @Test
  void dryRunReturnsTheDiffAndWritesNothing() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays());
      SyncReport r = k.sync("air", SyncMode.DRY_RUN);
      assertThat(r.outcome()).isEqualTo(SyncOutcome.DRY_RUN);
      assertThat(r.counts().created()).isEqualTo(2);
      assertThat(r.changes()).hasSize(2);
      assertThat(k.events("air")).isEmpty();
      assertThat(k.state("air").generation()).isZero();
      assertThat(k.store.applies.get()).isZero();
      assertThat(k.changes).as("listeners hear nothing of a dry run").isEmpty();
    }
  }

  @Test
  void unknownInactiveAndLimitedFeedsAreSkipped() {
    try (Kit k = new Kit(b -> b.limiter(tenant -> false))) {
      assertThat(k.sync("nope").outcome()).isEqualTo(SyncOutcome.SKIPPED);
      k.store.saveFeed(k.feed("off", "villa", "airbnb").withActive(false));
      assertThat(k.sync("off").message()).contains("inactive");
      k.feed("air", "villa", "airbnb");
      assertThat(k.sync("air").message()).contains("limiter");
      assertThat(k.fetcher.requests).isEmpty();
    }
  }

  @Test
  void vrboLocalisedSummariesAndTentativeHolds() {
    try (Kit k = new Kit()) {
      k.feed("vr", "villa", "homeaway");
      k.fetcher.body("vr", Ics.vrbo().allDay("a1", D.plusDays(1), D.plusDays(3), "Réservée - Jean Dupont")
          .allDay("a2", D.plusDays(5), D.plusDays(6), "Indisponible")
          .allDay("a3", D.plusDays(8), D.plusDays(10), "Provisoire - Marie Curie").build().replace("\r\n", "\n"));
      k.sync("vr");
      assertThat(k.events("vr")).extracting(CalendarEvent::kind, CalendarEvent::status, CalendarEvent::summary)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(EventKind.RESERVATION, EventStatus.CONFIRMED, "Reserved"),
              org.assertj.core.groups.Tuple.tuple(EventKind.BLOCK, EventStatus.CONFIRMED, "Not available"),
              org.assertj.core.groups.Tuple.tuple(EventKind.TENTATIVE, EventStatus.TENTATIVE, "Tentative"));
    }
  }

  @Test
  void unknownSourceIsDetectedFromProdId() {
    try (Kit k = new Kit()) {
      k.feed("x", "villa", "ical");
      k.fetcher.body("x", Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7)).build());
      k.sync("x");
      assertThat(k.events("x")).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(EventKind.RESERVATION));
    }
  }

  @Test
  void hostProfileTakesPrecedence() {
    dev.icssync.spi.ChannelProfile mine = new dev.icssync.spi.ChannelProfile() {
      @Override
      public String source() {
        return "airbnb";
      }

      @Override
      public boolean recognises(String prodId, String sampleUid) {
        return false;
      }

      @Override
      public Normalized normalize(dev.icssync.ical.ParsedEvent event) {
        return new Normalized(EventKind.EVENT, EventStatus.CONFIRMED, "mine");
      }
    };
    try (Kit k = new Kit(b -> b.profile(mine))) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays());
      k.sync("air");
      assertThat(k.events("air")).extracting(CalendarEvent::summary).containsOnly("mine");
    }
  }
}
