package dev.icssync.http;

import static dev.icssync.http.Fixtures.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncListener;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole pipeline (engine, real {@link HttpFeedFetcher}, in-memory store) against a loopback
 * server that first serves three future stays and then misbehaves: every fault ends in a failed report
 * with its typed reason, the stored events stay exactly as they were, the listener hears a
 * {@code FeedFailed} and no message or stored error carries the feed's secret.
 */
class FetchFaultSyncTest {
  static final String T = "t1";
  static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
  static final String SECRET = "s3cretTok";
  static final String GOOD = calendar(3);

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private volatile RawServer.Handler serving = ok(GOOD);
  private RawServer server;
  private Store store;
  private IcsSync sync;
  private final List<ChangeEvent> changes = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    server = new RawServer((head, socket, out) -> serving.handle(head, socket, out));
    store = Store.inMemory();
    sync = IcsSync.builder().store(store).clock(clock)
        .fetcher(Fixtures.loopback().clock(clock).maxBodyBytes(1024 * 1024)
            .timeout(Duration.ofMillis(2500)).build())
        .listener(new SyncListener() {
          @Override
          public void onChange(ChangeEvent change) {
            changes.add(change);
          }
        })
        .build();
    store.saveFeed(Feed.builder(T, "f").property("villa").source("airbnb").url(server.url("/cal.ics?token=" + SECRET)).build());
  }

  @AfterEach
  void stop() throws IOException {
    sync.close();
    server.close();
  }

  static String calendar(int stays) {
    StringBuilder b = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\n");
    for (int i = 0; i < stays; i++) {
      String from = String.format("202607%02d", 1 + 3 * i);
      String to = String.format("202607%02d", 3 + 3 * i);
      b.append("BEGIN:VEVENT\r\nDTSTAMP:20260610T120000Z\r\nDTSTART;VALUE=DATE:").append(from)
          .append("\r\nDTEND;VALUE=DATE:").append(to).append("\r\nSUMMARY:Reserved\r\nUID:stay").append(i)
          .append("@airbnb.com\r\nEND:VEVENT\r\n");
    }
    return b.append("END:VCALENDAR\r\n").toString();
  }

  static RawServer.Handler ok(String body) {
    return raw("HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: " + body.length()
        + "\r\nConnection: close\r\n\r\n" + body);
  }

  static RawServer.Handler raw(String response) {
    return (head, socket, out) -> out.write(ascii(response));
  }

  static RawServer.Handler status(int code, String... headers) {
    return raw("HTTP/1.1 " + code + " X\r\n" + String.join("", headers) + "Content-Length: 4\r\n"
        + "Connection: close\r\n\r\nnope");
  }

  /** The first good sync, then the stored events a fault must leave alone. */
  private List<CalendarEvent> baseline() {
    SyncReport first = sync.syncFeed(T, "f");
    assertThat(first.outcome()).as("%s", first).isEqualTo(SyncOutcome.APPLIED);
    List<CalendarEvent> events = store.eventsOfFeed(T, "f");
    assertThat(events).hasSize(3).allMatch(CalendarEvent::isActive);
    changes.clear();
    return events;
  }

  private SyncReport failsWith(FailureReason reason, List<CalendarEvent> before) {
    SyncReport r = sync.syncFeed(T, "f");
    assertThat(r.outcome()).as("%s", r).isEqualTo(SyncOutcome.FAILED);
    assertThat(r.failure()).as("%s", r).isEqualTo(reason);
    assertThat(store.eventsOfFeed(T, "f")).as("no event changes").isEqualTo(before);
    assertThat(changes).as("only a FeedFailed change").singleElement()
        .isInstanceOfSatisfying(ChangeEvent.FeedFailed.class, f -> assertThat(f.reason()).isEqualTo(reason));
    FeedState s = store.state(T, "f");
    assertThat(s.consecutiveFailures()).isEqualTo(1);
    assertThat(r.message() + " " + s.lastError()).doesNotContain(SECRET);
    return r;
  }

  static Stream<Arguments> bodyFaults() {
    byte[] zeros = new byte[64 * 1024 * 1024];
    System.arraycopy(ascii("BEGIN:VCALENDAR\r\n"), 0, zeros, 0, 17);
    byte[] bomb = Fixtures.gzip(zeros);
    RawServer.Handler endless = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"));
      byte[] chunk = new byte[64 * 1024];
      System.arraycopy(ascii("BEGIN:VCALENDAR\r\n"), 0, chunk, 0, 17);
      for (long sent = 0; sent < 1L << 30; sent += chunk.length) {
        out.write(chunk);
      }
    };
    RawServer.Handler declaredHuge = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\nBEGIN:VCALENDAR\r\n"));
    };
    RawServer.Handler gzipBomb = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + bomb.length
          + "\r\nConnection: close\r\n\r\n"));
      out.write(bomb);
    };
    RawServer.Handler drip = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nBEGIN:VCALENDAR\r\n"));
      out.flush();
      for (int i = 0; i < 30; i++) { // one byte a second, far beyond the 2.5 s deadline
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
        out.write('X');
        out.flush();
      }
    };
    RawServer.Handler reset = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + GOOD.substring(0, 120)));
      out.flush();
      socket.setSoLinger(true, 0);
      socket.close();
    };
    String cut = GOOD.substring(0, GOOD.lastIndexOf("BEGIN:VEVENT"));
    return Stream.of(
        Arguments.of("1 GB body of unknown length", endless, FailureReason.TOO_LARGE),
        Arguments.of("1 GB declared by Content-Length", declaredHuge, FailureReason.TOO_LARGE),
        Arguments.of("gzip bomb (64 MiB of zeros)", gzipBomb, FailureReason.TOO_LARGE),
        Arguments.of("Content-Length longer than the body", raw("HTTP/1.1 200 OK\r\nContent-Length: "
            + (GOOD.length() + 500) + "\r\n\r\n" + GOOD), FailureReason.NETWORK),
        Arguments.of("Content-Length shorter than the body", raw("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n"
            + "Connection: close\r\n\r\n" + GOOD), FailureReason.NETWORK),
        Arguments.of("1 byte per second", drip, FailureReason.TIMEOUT),
        Arguments.of("reset mid-body", reset, FailureReason.NETWORK),
        Arguments.of("calendar cut before END:VCALENDAR", ok(cut), FailureReason.NETWORK));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodyFaults")
  void bodyFaultsAreTypedFailuresThatChangeNoEvent(String name, RawServer.Handler fault, FailureReason reason) {
    List<CalendarEvent> before = baseline();
    serving = fault;
    failsWith(reason, before);
    serving = ok(GOOD);
    assertThat(sync.syncFeed(T, "f").isSuccess()).as("the feed recovers").isTrue();
    assertThat(store.eventsOfFeed(T, "f")).extracting(CalendarEvent::key)
        .isEqualTo(before.stream().map(CalendarEvent::key).toList());
  }

  static Stream<Arguments> notCalendars() {
    byte[] noise = new byte[4096];
    new Random(13).nextBytes(noise);
    RawServer.Handler binary = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
          + noise.length + "\r\nConnection: close\r\n\r\n"));
      out.write(noise);
    };
    String html = "<!DOCTYPE html><html><body><form>Please log in</form></body></html>";
    String json = "{\"error\":\"invalid_token\"}";
    return Stream.of(
        Arguments.of("HTML login page", raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
            + html.length() + "\r\nConnection: close\r\n\r\n" + html)),
        Arguments.of("JSON", raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + json.length() + "\r\nConnection: close\r\n\r\n" + json)),
        Arguments.of("HTML labelled as a calendar", ok(html)),
        Arguments.of("binary noise", binary));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notCalendars")
  void contentThatIsNotACalendarCancelsNothing(String name, RawServer.Handler body) {
    List<CalendarEvent> before = baseline();
    serving = body;
    failsWith(FailureReason.NOT_A_CALENDAR, before);
    assertThat(store.eventsOfFeed(T, "f")).allMatch(CalendarEvent::isActive);
  }

  static Stream<Arguments> statuses() {
    String farDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(NOW, ZoneOffset.UTC).plusYears(3));
    return Stream.of(
        Arguments.of(500, "", FailureReason.SERVER_ERROR, null),
        Arguments.of(503, "", FailureReason.SERVER_ERROR, null),
        Arguments.of(503, "Retry-After: 90\r\n", FailureReason.SERVER_ERROR, Duration.ofSeconds(90)),
        Arguments.of(429, "Retry-After: 120\r\n", FailureReason.RATE_LIMITED, Duration.ofSeconds(120)),
        Arguments.of(429, "Retry-After: " + farDate + "\r\n", FailureReason.RATE_LIMITED, Duration.ofHours(6)),
        Arguments.of(401, "", FailureReason.UNAUTHORIZED, null),
        Arguments.of(403, "", FailureReason.UNAUTHORIZED, null),
        Arguments.of(404, "", FailureReason.GONE, null),
        Arguments.of(410, "", FailureReason.GONE, null));
  }

  static Stream<Arguments> emptyAnswers() {
    return Stream.of(
        Arguments.of("200, empty body", ok("")),
        Arguments.of("200, blank body", ok(" \r\n\r\n ")),
        Arguments.of("204", raw("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")),
        Arguments.of("200, chunked and empty", raw("HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("emptyAnswers")
  void emptyAnswersAreTypedFailuresThatChangeNoEvent(String what, RawServer.Handler answer) {
    List<CalendarEvent> before = baseline();
    serving = answer;
    failsWith(FailureReason.EMPTY_BODY, before);
    assertThat(store.state(T, "f").quarantine()).isNull();
    // three more of them cancel nothing either
    for (int i = 0; i < 3; i++) {
      assertThat(sync.syncFeed(T, "f").failure()).isEqualTo(FailureReason.EMPTY_BODY);
    }
    assertThat(store.eventsOfFeed(T, "f")).isEqualTo(before);
  }

  @ParameterizedTest(name = "HTTP {0} {1}")
  @MethodSource("statuses")
  void statusCodesAreTypedFailuresThatChangeNoEvent(int code, String header, FailureReason reason,
      Duration retryAfter) {
    List<CalendarEvent> before = baseline();
    serving = status(code, header);
    SyncReport r = failsWith(reason, before);
    assertThat(r.retryAfter()).isEqualTo(retryAfter);
    FeedState s = store.state(T, "f");
    Duration poll = Duration.ofMinutes(15);
    Duration wait = retryAfter != null && retryAfter.compareTo(poll) > 0 ? retryAfter : poll;
    assertThat(s.nextDue()).as("next poll: the interval, or a longer Retry-After").isEqualTo(NOW.plus(wait));
  }

  @Test
  void unauthorizedIsAPermanentFailureRaisedToListenersForAnAlert() {
    List<CalendarEvent> before = baseline();
    serving = status(401);
    failsWith(FailureReason.UNAUTHORIZED, before);
    assertThat(FailureReason.UNAUTHORIZED.isTransient()).as("retrying alone will not help").isFalse();
    ChangeEvent.FeedFailed alert = (ChangeEvent.FeedFailed) changes.get(0);
    assertThat(alert.feed().id()).isEqualTo("f");
    assertThat(alert.consecutiveFailures()).isEqualTo(1);
    assertThat(alert.message()).doesNotContain(SECRET);
    changes.clear();
    SyncReport again = sync.syncFeed(T, "f");
    assertThat(again.failure()).isEqualTo(FailureReason.UNAUTHORIZED);
    assertThat(changes).singleElement().isInstanceOfSatisfying(ChangeEvent.FeedFailed.class,
        f -> assertThat(f.consecutiveFailures()).isEqualTo(2));
    assertThat(store.eventsOfFeed(T, "f")).isEqualTo(before);
  }

  @Test
  void repeatedServerErrorsBackOffDoublingUpToADayThenRecover() {
    List<CalendarEvent> before = baseline();
    serving = status(503);
    Duration poll = Duration.ofMinutes(15);
    for (int n = 1; n <= 10; n++) {
      SyncReport r = sync.syncFeed(T, "f");
      assertThat(r.failure()).isEqualTo(FailureReason.SERVER_ERROR);
      FeedState s = store.state(T, "f");
      assertThat(s.consecutiveFailures()).isEqualTo(n);
      Duration expected = poll.multipliedBy(1L << (n - 1));
      if (expected.compareTo(Duration.ofDays(1)) > 0) {
        expected = Duration.ofDays(1);
      }
      assertThat(Duration.between(NOW, s.nextDue())).as("after %d failures", n).isEqualTo(expected);
    }
    assertThat(store.eventsOfFeed(T, "f")).isEqualTo(before);
    serving = ok(GOOD);
    SyncReport back = sync.syncFeed(T, "f");
    assertThat(back.isSuccess()).isTrue();
    assertThat(back.changes()).anyMatch(c -> c instanceof ChangeEvent.FeedRecovered);
    assertThat(store.state(T, "f").consecutiveFailures()).isZero();
    assertThat(store.state(T, "f").nextDue()).isEqualTo(NOW.plus(poll));
  }

  @Test
  void aPermanentRedirectChainIsReportedRedactedForAUrlUpdate() {
    serving = (head, socket, out) -> {
      if (head.startsWith("GET /cal.ics")) {
        out.write(ascii("HTTP/1.1 301 Moved\r\nLocation: /v2/cal.ics?token=" + SECRET
            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
      } else if (head.startsWith("GET /v2/cal.ics")) {
        out.write(ascii("HTTP/1.1 308 Moved\r\nLocation: /v3/cal.ics?token=" + SECRET
            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
      } else {
        ok(GOOD).handle(head, socket, out);
      }
    };
    SyncReport r = sync.syncFeed(T, "f");
    assertThat(r.outcome()).isEqualTo(SyncOutcome.APPLIED);
    assertThat(r.permanentRedirect()).isEqualTo(server.url("/v3/cal.ics?token=***ok"));
    assertThat(store.feed(T, "f").orElseThrow().url()).as("the stored URL is the user's to change")
        .endsWith("/cal.ics?token=" + SECRET);
  }

  @Test
  void anEmptyCalendarIsQuarantinedNotApplied() {
    List<CalendarEvent> before = baseline();
    serving = ok(calendar(0));
    SyncReport r = sync.syncFeed(T, "f");
    assertThat(r.outcome()).isEqualTo(SyncOutcome.QUARANTINED);
    assertThat(r.counts().heldBack()).isEqualTo(3);
    assertThat(store.eventsOfFeed(T, "f")).isEqualTo(before);
  }
}
