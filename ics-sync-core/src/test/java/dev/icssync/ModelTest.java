package dev.icssync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation and behaviour of the model records. */
class ModelTest {
  static final Instant T0 = Instant.parse("2026-08-01T10:00:00Z");
  static final LocalDate D0 = LocalDate.of(2026, 8, 24);

  static CalendarEvent stay(String tenant, String feedId, String uid) {
    return CalendarEvent.builder()
        .key(EventKey.of(tenant, feedId, uid))
        .property("villa7")
        .source("airbnb")
        .range(DateRange.allDay(D0, D0.plusDays(3)))
        .kind(EventKind.RESERVATION)
        .summary("Reserved")
        .fingerprint(42L)
        .firstSeen(T0)
        .lastSeen(T0)
        .lastChanged(T0)
        .build();
  }

  @Nested
  class DateRanges {

    @Test
    void rangeNeverEndsBeforeItStarts() {
      assertThatThrownBy(() -> DateRange.allDay(D0, D0.minusDays(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2026-08-23").hasMessageContaining("2026-08-24");
      assertThatThrownBy(() -> DateRange.timed(T0, T0.minusNanos(1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before it starts");
    }

    @Test
    void emptyRangesAreAllowedAndKnowIt() {
      assertThat(DateRange.allDay(D0, D0).isEmpty()).isTrue();
      assertThat(DateRange.timed(T0, T0).isEmpty()).isTrue();
      assertThat(DateRange.allDay(D0, D0.plusDays(1)).isEmpty()).isFalse();
      assertThat(DateRange.timed(T0, T0.plusNanos(1)).isEmpty()).isFalse();
    }

    @Test
    void boundsAreRequired() {
      assertThatNullPointerException().isThrownBy(() -> DateRange.allDay(null, D0)).withMessage("start");
      assertThatNullPointerException().isThrownBy(() -> DateRange.timed(T0, null)).withMessage("end");
    }

    @Test
    void allDayRangeBecomesInstantsInThePropertyZone() {
      DateRange.Timed t = DateRange.allDay(D0, D0.plusDays(3))
          .toInstants(ZoneId.of("Europe/Paris"), LocalTime.of(15, 0), LocalTime.of(11, 0));

      assertThat(t.start()).isEqualTo(Instant.parse("2026-08-24T13:00:00Z"));
      assertThat(t.end()).isEqualTo(Instant.parse("2026-08-27T09:00:00Z"));
    }

    @Test
    void emptyAllDayRangeCollapsesAtCheckIn() {
      DateRange.Timed t = DateRange.allDay(D0, D0).toInstants(ZoneId.of("UTC"), LocalTime.of(15, 0), LocalTime.of(11, 0));

      assertThat(t.start()).isEqualTo(Instant.parse("2026-08-24T15:00:00Z"));
      assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void sameDayTurnoverDoesNotOverlap() {
      ZoneId zone = ZoneId.of("America/New_York");
      DateRange.Timed out = DateRange.allDay(D0.minusDays(2), D0).toInstants(zone, LocalTime.of(15, 0), LocalTime.of(11, 0));
      DateRange.Timed in = DateRange.allDay(D0, D0.plusDays(2)).toInstants(zone, LocalTime.of(15, 0), LocalTime.of(11, 0));
      DateRange.Timed touching = DateRange.timed(out.end(), in.start());

      assertThat(out.overlaps(in)).isFalse();
      assertThat(in.overlaps(out)).isFalse();
      assertThat(touching.overlaps(out)).isFalse();
      assertThat(DateRange.timed(T0, T0.plusSeconds(10)).overlaps(DateRange.timed(T0.plusSeconds(9), T0.plusSeconds(20))))
          .isTrue();
    }

    @Test
    void timedRangeIsAlreadyInstants() {
      DateRange.Timed t = DateRange.timed(T0, T0.plusSeconds(60));
      assertThat(t.toInstants(ZoneId.of("Asia/Tokyo"), LocalTime.NOON, LocalTime.NOON)).isSameAs(t);
      assertThat(t.isAllDay()).isFalse();
      assertThat(DateRange.allDay(D0, D0).isAllDay()).isTrue();
    }
  }

  @Nested
  class Keys {

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void idsMustNotBeBlank(String blank) {
      assertThatThrownBy(() -> EventKey.of(blank, "f", "u")).hasMessage("tenant must not be blank");
      assertThatThrownBy(() -> EventKey.of("t", blank, "u")).hasMessage("feedId must not be blank");
      assertThatThrownBy(() -> EventKey.of("t", "f", blank)).hasMessage("uid must not be blank");
      assertThatThrownBy(() -> Feed.builder("t", blank).property("p").source("airbnb").url("https://x").build()).hasMessage("id must not be blank");
      assertThatThrownBy(() -> Feed.builder(blank, "f").property("p").source("airbnb").url("https://x").build()).hasMessage("tenant must not be blank");
      assertThatThrownBy(() -> Feed.builder("t", "f").property(blank).source("airbnb").url("https://x").build()).hasMessage("property must not be blank");
      assertThatThrownBy(() -> Feed.builder("t", "f").property("p").source(blank).url("https://x").build()).hasMessage("source must not be blank");
      assertThatThrownBy(() -> Feed.builder("t", "f").property("p").source("airbnb").url(blank).build()).hasMessage("url must not be blank");
      assertThatThrownBy(() -> FeedState.initial(blank, "f")).hasMessage("tenant must not be blank");
      assertThatThrownBy(() -> PropertySettings.defaults("t", blank)).hasMessage("property must not be blank");
      assertThatThrownBy(() -> new ExportToken(blank, "t", "p", null, T0, null, null)).hasMessage("hash must not be blank");
      assertThatThrownBy(() -> EventQuery.active(blank, "p")).hasMessage("tenant must not be blank");
      assertThatThrownBy(() -> Feed.of("f", "t", "p", "airbnb", blank))
          .as("one exception family for every rejected setting or argument")
          .isInstanceOf(IcsSyncException.ConfigurationException.class);
    }

    @Test
    void nullIdsAreRejectedByName() {
      assertThatNullPointerException().isThrownBy(() -> EventKey.of(null, "f", "u")).withMessage("tenant");
      assertThatNullPointerException().isThrownBy(() -> new EventKey("t", "f", "u", null)).withMessage("recurrenceId");
    }

    @Test
    void keysOrderByTenantFeedUidThenRecurrenceId() {
      List<EventKey> keys = new ArrayList<>(List.of(
          new EventKey("t2", "a", "a", ""),
          new EventKey("t1", "b", "a", ""),
          new EventKey("t1", "a", "b", ""),
          new EventKey("t1", "a", "a", "20260901"),
          new EventKey("t1", "a", "a", "")));
      keys.sort(null);

      assertThat(keys).containsExactly(
          new EventKey("t1", "a", "a", ""),
          new EventKey("t1", "a", "a", "20260901"),
          new EventKey("t1", "a", "b", ""),
          new EventKey("t1", "b", "a", ""),
          new EventKey("t2", "a", "a", ""));
      assertThat(keys.get(0).hasRecurrenceId()).isFalse();
      assertThat(keys.get(1).hasRecurrenceId()).isTrue();
    }
  }

  @Nested
  class Feeds {

    @Test
    void hostIsTheLowerCaseHostOfTheUrlOrEmpty() {
      assertThat(Feed.of("f", "t", "p", "s", "https://Calendar.Example.com:8443/a.ics?token=x").host())
          .contains("calendar.example.com");
      assertThat(Feed.of("f", "t", "p", "s", "webcal://ical.example.org/x").host()).contains("ical.example.org");
      assertThat(Feed.of("f", "t", "p", "s", "not a url").host()).isEmpty();
      assertThat(Feed.of("f", "t", "p", "s", "file:/etc/passwd").host()).isEmpty();
    }

    @Test
    void toStringRedactsTheUrl() {
      Feed f = Feed.builder("t1", "f1").property("villa7").source("airbnb").url("https://owner:hunter2@www.airbnb.com/calendar/ical/99.ics?s=topsecret#x").build();

      assertThat(f.toString())
          .contains("f1", "t1", "villa7", "airbnb", "www.airbnb.com/calendar/ical/99.ics")
          .doesNotContain("topsecret").doesNotContain("hunter2").doesNotContain("owner");
      assertThat(f.redactedUrl()).isEqualTo("https://***@www.airbnb.com/calendar/ical/99.ics?s=***et");
      assertThat(f.url()).contains("topsecret");

      Feed vrbo = Feed.builder("t1", "f2").property("villa7").source("vrbo").url("https://www.vrbo.com/icalendar/5d1f0e2b7c3a49e8b6f1a2c3d4e59f2c.ics").build();
      assertThat(vrbo.toString()).contains("url=https://www.vrbo.com/icalendar/***9f2c.ics")
          .doesNotContain("5d1f0e2b7c3a49e8b6f1a2c3d4e5");
    }

    @Test
    void sourceIsNormalised() {
      assertThat(Feed.builder("t", "f").property("p").source("  Booking ").url("https://x").build().source()).isEqualTo("booking");
    }

    @Test
    void pollIntervalMustBePositive() {
      Feed f = Feed.builder("t", "f").property("p").source("airbnb").url("https://x").build();
      assertThatThrownBy(() -> f.withPollInterval(Duration.ZERO)).hasMessageContaining("pollInterval")
          .isInstanceOf(IcsSyncException.ConfigurationException.class);
      assertThatThrownBy(() -> f.withPollInterval(Duration.ofSeconds(-1))).hasMessageContaining("pollInterval");
      assertThat(f.pollInterval()).isEqualTo(Feed.DEFAULT_POLL_INTERVAL);
      assertThat(f.active()).isTrue();
    }

    @Test
    void withersChangeOneField() {
      Feed f = Feed.builder("t", "f").property("p").source("airbnb").url("https://x").build();
      assertThat(f.withUrl("https://y")).isEqualTo(new Feed("f", "t", "p", "airbnb", "https://y", f.pollInterval(), true, 0));
      assertThat(f.withActive(false).active()).isFalse();
      assertThat(f.withPollInterval(Duration.ofHours(1)).pollInterval()).isEqualTo(Duration.ofHours(1));
    }
  }

  @Nested
  class Events {

    @Test
    void cancelledEventNeedsCancelledAtAndActiveEventMustNotHaveIt() {
      CalendarEvent e = stay("t", "f", "u");
      assertThatThrownBy(() -> CalendarEvent.builder()
          .key(e.key())
          .property(e.property())
          .source(e.source())
          .range(e.range())
          .kind(e.kind())
          .status(EventStatus.CANCELLED)
          .summary(e.summary())
          .fingerprint(e.fingerprint())
          .firstSeen(T0)
          .lastSeen(T0)
          .lastChanged(T0)
          .build())
          .hasMessageContaining("cancelledAt");
      assertThatThrownBy(() -> CalendarEvent.builder()
          .key(e.key())
          .property(e.property())
          .source(e.source())
          .range(e.range())
          .kind(e.kind())
          .status(EventStatus.TENTATIVE)
          .summary(e.summary())
          .fingerprint(e.fingerprint())
          .firstSeen(T0)
          .lastSeen(T0)
          .lastChanged(T0)
          .cancelledAt(T0)
          .build())
          .hasMessageContaining("cancelledAt");
    }

    @Test
    void sequenceIsNeverNegative() {
      CalendarEvent e = stay("t", "f", "u");
      assertThatThrownBy(() -> CalendarEvent.builder()
          .key(e.key())
          .property(e.property())
          .source(e.source())
          .range(e.range())
          .kind(e.kind())
          .status(e.status())
          .summary(e.summary())
          .fingerprint(e.fingerprint())
          .firstSeen(T0)
          .lastSeen(T0)
          .lastChanged(T0)
          .sequence(-1)
          .build()).hasMessageContaining("sequence");
    }

    @Test
    void cancelBumpsSequenceAndStampsTheTime() {
      CalendarEvent e = stay("t", "f", "u");
      Instant when = T0.plusSeconds(99);
      CalendarEvent c = e.cancel(when);

      assertThat(c.isCancelled()).isTrue();
      assertThat(c.isActive()).isFalse();
      assertThat(c.cancelledAt()).isEqualTo(when);
      assertThat(c.lastChanged()).isEqualTo(when);
      assertThat(c.sequence()).isEqualTo(e.sequence() + 1);
      assertThat(c.range()).isEqualTo(e.range());
      assertThat(c.key()).isEqualTo(e.key());
      assertThat(e.isActive()).isTrue();
      assertThat(c.tenant()).isEqualTo("t");
      assertThat(c.feedId()).isEqualTo("f");
    }
  }

  @Nested
  class States {

    @Test
    void countersAreNeverNegative() {
      assertThatThrownBy(() -> FeedState.initial("t", "f").withGeneration(-1)).hasMessageContaining("generation");
      assertThatThrownBy(() -> FeedState.builder()
          .tenant("t")
          .feedId("f")
          .consecutiveFailures(-1)
          .build())
          .hasMessageContaining("consecutiveFailures");
    }

    @Test
    void withoutValidatorsDropsEtagLastModifiedAndDigestOnly() {
      Quarantine q = new Quarantine("feed came back empty", T0, 3, "d", 1);
      FeedState s = FeedState.builder()
          .tenant("t")
          .feedId("f")
          .etag("\"e\"")
          .lastModified("Wed, 21 Oct 2026 07:28:00 GMT")
          .contentDigest("digest")
          .parserVersion(3)
          .lastAttempt(T0)
          .lastSuccess(T0)
          .consecutiveFailures(2)
          .lastError("x")
          .nextDue(T0)
          .quarantine(q)
          .generation(7)
          .build();

      assertThat(s.withoutValidators())
          .isEqualTo(FeedState.builder()
              .tenant("t")
              .feedId("f")
              .parserVersion(3)
              .lastAttempt(T0)
              .lastSuccess(T0)
              .consecutiveFailures(2)
              .lastError("x")
              .nextDue(T0)
              .quarantine(q)
              .generation(7)
              .build());
      assertThat(s.isQuarantined()).isTrue();
      assertThat(FeedState.initial("t", "f").isQuarantined()).isFalse();
      assertThat(FeedState.initial("t", "f").generation()).isZero();
    }
  }

  @Nested
  class Conflicts {

    @Test
    void idIsDeterministicAndSymmetric() {
      EventKey a = EventKey.of("t", "fa", "a");
      EventKey b = EventKey.of("t", "fb", "b");

      assertThat(Conflict.idOf(a, b)).isEqualTo(Conflict.idOf(b, a)).hasSize(32).matches("[0-9a-f]{32}");
      assertThat(Conflict.idOf(a, b)).isNotEqualTo(Conflict.idOf(a, EventKey.of("t", "fb", "c")));
      // the separator keeps ("ab","c") and ("a","bc") apart
      assertThat(Conflict.idOf(EventKey.of("t", "ab", "c"), b))
          .isNotEqualTo(Conflict.idOf(EventKey.of("t", "a", "bc"), b));
    }

    @Test
    void firstSortsBeforeSecond() {
      EventKey a = EventKey.of("t", "fa", "a");
      EventKey b = EventKey.of("t", "fb", "b");
      DateRange.Timed overlap = DateRange.timed(T0, T0.plusSeconds(3600));

      assertThatThrownBy(() -> new Conflict(Conflict.idOf(a, b), "t", "p", b, a, overlap, ConflictStatus.OPEN, null,
          T0, null)).hasMessageContaining("first");
      assertThatThrownBy(() -> new Conflict(Conflict.idOf(a, a), "t", "p", a, a, overlap, ConflictStatus.OPEN, null,
          T0, null)).hasMessageContaining("first");
      Conflict c = new Conflict(Conflict.idOf(a, b), "t", "p", a, b, overlap, ConflictStatus.OPEN, null, T0, null);
      assertThat(c.involves(a)).isTrue();
      assertThat(c.involves(EventKey.of("t", "fc", "c"))).isFalse();
    }
  }

  @Nested
  class Tokens {

    @Test
    void validityFollowsExpiryAndRevocation() {
      ExportToken open = new ExportToken("ab".repeat(32), "t", "p", null, T0, null, null);
      ExportToken expiring = new ExportToken("cd".repeat(32), "t", "p", "airbnb", T0, T0.plusSeconds(60), null);
      ExportToken revoked = new ExportToken("ef".repeat(32), "t", "p", null, T0, null, T0.plusSeconds(1));

      assertThat(open.isValidAt(T0.plus(Duration.ofDays(3650)))).isTrue();
      assertThat(expiring.isValidAt(T0.plusSeconds(59))).isTrue();
      assertThat(expiring.isValidAt(T0.plusSeconds(60))).isFalse();
      assertThat(revoked.isValidAt(T0)).isFalse();
    }

    @Test
    void toStringShowsOnlyAHashPrefix() {
      ExportToken t = new ExportToken("0123456789abcdef".repeat(4), "t", "p", null, T0, null, null);
      assertThat(t.toString()).contains("01234567...").doesNotContain("0123456789abcdef");
    }
  }

  @Nested
  class Applies {

    @Test
    void upsertsAndStateMustBelongToTheFeed() {
      FeedState state = FeedState.initial("t", "f");
      assertThatThrownBy(() -> new FeedApply("t", "f", List.of(), List.of(stay("t", "other", "u")), state, null))
          .hasMessageContaining("another feed");
      assertThatThrownBy(() -> new FeedApply("t", "f", List.of(), List.of(stay("t2", "f", "u")), state, null))
          .hasMessageContaining("another feed");
      assertThatThrownBy(() -> new FeedApply("t", "f2", List.of(), List.of(), state, null))
          .hasMessageContaining("state belongs to another feed");
    }

    @Test
    void rekeyStaysWithinOneFeed() {
      assertThatThrownBy(() -> new FeedApply.Rekey(EventKey.of("t", "f", "a"), EventKey.of("t", "g", "a")))
          .hasMessageContaining("one feed");
      assertThatThrownBy(() -> new FeedApply.Rekey(EventKey.of("t", "f", "a"), EventKey.of("u", "f", "a")))
          .hasMessageContaining("one feed");
    }

    @Test
    void listsAreCopied() {
      List<CalendarEvent> upserts = new ArrayList<>(List.of(stay("t", "f", "u")));
      FeedApply apply = new FeedApply("t", "f", List.of(), upserts, FeedState.initial("t", "f"), null);
      upserts.clear();

      assertThat(apply.upserts()).hasSize(1);
      assertThatThrownBy(() -> apply.upserts().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class Queries {

    @Test
    void windowNeverEndsBeforeItStarts() {
      assertThatThrownBy(() -> new EventQuery("t", "p", D0, D0.minusDays(1), false))
          .hasMessageContaining("to (2026-08-23) is before from (2026-08-24)");
      assertThat(new EventQuery("t", "p", D0, D0, false).to()).isEqualTo(D0);
      assertThat(EventQuery.active("t", "p")).isEqualTo(new EventQuery("t", "p", null, null, false));
    }
  }

  @Test
  void changeCountsWritesAddUpTheWrittenRows() {
    assertThat(new ChangeCounts(100, 1, 2, 3, 4, 50, 5, 6).writes()).isEqualTo(1 + 2 + 3 + 4 + 5);
    assertThat(ChangeCounts.NONE.writes()).isZero();
  }

  @Test
  void propertyDefaultsAreUtcFifteenToEleven() {
    PropertySettings p = PropertySettings.defaults("t", "p");
    assertThat(p.zone()).isEqualTo(ZoneId.of("Z"));
    assertThat(p.checkIn()).isEqualTo(LocalTime.of(15, 0));
    assertThat(p.checkOut()).isEqualTo(LocalTime.of(11, 0));
  }
}
