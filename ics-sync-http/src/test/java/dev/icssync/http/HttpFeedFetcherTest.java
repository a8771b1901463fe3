package dev.icssync.http;

import static dev.icssync.http.Fixtures.CALENDAR;
import static dev.icssync.http.Fixtures.ascii;
import static dev.icssync.http.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpFeedFetcherTest {
  private MockWebServer server;
  private HttpFeedFetcher fetcher;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    fetcher = Fixtures.loopback().build();
  }

  @AfterEach
  void stop() throws IOException {
    fetcher.close();
    server.shutdown();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getPort() + path;
  }

  private static FetchResult.Failed failed(FetchResult r) {
    assertThat(r).isInstanceOf(FetchResult.Failed.class);
    return (FetchResult.Failed) r;
  }

  private static FetchResult.Fetched fetched(FetchResult r) {
    assertThat(r).as("%s", r).isInstanceOf(FetchResult.Fetched.class);
    return (FetchResult.Fetched) r;
  }

  // ---- economy

  @Test
  void conditionalGetRoundTripEndsIn304() throws Exception {
    server.enqueue(new MockResponse().setBody(CALENDAR).setHeader("ETag", "\"v1\"")
        .setHeader("Last-Modified", "Wed, 21 Oct 2026 07:28:00 GMT")
        .setHeader("Content-Type", "text/calendar; charset=utf-8"));
    server.enqueue(new MockResponse().setResponseCode(304).setHeader("ETag", "\"v1\""));

    FetchResult.Fetched first = fetched(fetcher.fetch(request(url("/cal.ics"))));
    assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo(CALENDAR);
    assertThat(first.etag()).isEqualTo("\"v1\"");
    assertThat(first.contentType()).isEqualTo("text/calendar");
    assertThat(first.charset()).isEqualTo(StandardCharsets.UTF_8);

    Feed feed = Feed.builder("t", "feed-1").property("p").source("airbnb").url(url("/cal.ics")).build();
    FetchResult second = fetcher.fetch(new FetchRequest(feed, first.etag(), first.lastModified()));
    assertThat(second).isEqualTo(new FetchResult.NotModified("\"v1\"",
        "Wed, 21 Oct 2026 07:28:00 GMT", null));

    RecordedRequest r1 = server.takeRequest();
    RecordedRequest r2 = server.takeRequest();
    assertThat(r1.getHeader("If-None-Match")).isNull();
    assertThat(r1.getHeader("If-Modified-Since")).isNull();
    assertThat(r2.getHeader("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(r2.getHeader("If-Modified-Since")).isEqualTo("Wed, 21 Oct 2026 07:28:00 GMT");
    assertThat(r2.getSequenceNumber()).as("second request reused the connection").isEqualTo(1);
  }

  @Test
  void backToBackFetchesToOneHostReuseOneKeepAliveConnection() throws Exception {
    int n = 30;
    for (int i = 0; i < n; i++) {
      server.enqueue(new MockResponse().setBody(i % 2 == 0 ? CALENDAR : "")
          .setResponseCode(i % 2 == 0 ? 200 : 404));
    }
    for (int i = 0; i < n; i++) {
      fetcher.fetch(request(url("/cal.ics")));
    }
    for (int i = 0; i < n; i++) {
      // the fetch returns once the connection is back in the pool, so the next one finds it there
      assertThat(server.takeRequest().getSequenceNumber()).as("request %d", i).isEqualTo(i);
    }
  }

  @Test
  void a304ToAnUnconditionalRequestIsAnErrorNotAStuckFeed() {
    server.enqueue(new MockResponse().setResponseCode(304));
    FetchResult.Failed f = failed(fetcher.fetch(request(url("/cal.ics"))));
    assertThat(f.reason()).isEqualTo(FailureReason.HTTP_ERROR);
    assertThat(f.httpStatus()).isEqualTo(304);
  }

  @Test
  void gzipAndDeflateAreDecoded() throws Exception {
    byte[] cal = ascii(CALENDAR);
    server.enqueue(new MockResponse().setBody(new Buffer().write(Fixtures.gzip(cal)))
        .setHeader("Content-Encoding", "gzip"));
    ByteArrayOutputStream zlib = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(zlib)) {
      d.write(cal);
    }
    server.enqueue(new MockResponse().setBody(new Buffer().write(zlib.toByteArray()))
        .setHeader("Content-Encoding", "deflate"));
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(raw, new Deflater(6, true))) {
      d.write(cal);
    }
    server.enqueue(new MockResponse().setBody(new Buffer().write(raw.toByteArray()))
        .setHeader("Content-Encoding", "deflate"));

    for (int i = 0; i < 3; i++) {
      assertThat(fetched(fetcher.fetch(request(url("/c")))).body()).isEqualTo(cal);
    }
    assertThat(server.takeRequest().getHeader("Accept-Encoding")).contains("gzip").contains("deflate");
  }

  @Test
  void gzipBombStopsAtTheDecodedCap() throws Exception {
    byte[] huge = new byte[64 * 1024 * 1024]; // 64 MiB of zeros: ~64 KB gzipped
    System.arraycopy(ascii("BEGIN:VCALENDAR\r\n"), 0, huge, 0, 17);
    byte[] bomb = Fixtures.gzip(huge);
    assertThat(bomb.length).isLessThan(1024 * 1024);
    server.enqueue(new MockResponse().setBody(new Buffer().write(bomb))
        .setHeader("Content-Encoding", "gzip"));
    try (HttpFeedFetcher small = Fixtures.loopback().maxBodyBytes(4 * 1024 * 1024).build()) {
      FetchResult.Failed f = failed(small.fetch(request(url("/bomb"))));
      assertThat(f.reason()).isEqualTo(FailureReason.TOO_LARGE);
      assertThat(f.message()).contains("decoded");
    }
  }

  @Test
  void oneGigabyteBodyIsCutAtTheCapWhileStreaming() throws Exception {
    AtomicLong written = new AtomicLong();
    RawServer.Handler endless = (head, socket, out) -> {
      boolean declared = head.contains("/declared");
      String headers = declared
          ? "HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n"
          : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"; // length unknown: read to close
      out.write(ascii(headers));
      byte[] chunk = new byte[64 * 1024];
      System.arraycopy(ascii("BEGIN:VCALENDAR\r\n"), 0, chunk, 0, 17);
      for (long sent = 0; sent < 1L << 30; sent += chunk.length) {
        out.write(chunk);
        written.addAndGet(chunk.length);
      }
    };
    try (RawServer raw = new RawServer(endless)) {
      FetchResult.Failed undeclared = failed(fetcher.fetch(request(raw.url("/stream"))));
      assertThat(undeclared.reason()).isEqualTo(FailureReason.TOO_LARGE);
      FetchResult.Failed declared = failed(fetcher.fetch(request(raw.url("/declared"))));
      assertThat(declared.reason()).isEqualTo(FailureReason.TOO_LARGE);
      assertThat(declared.message()).contains("Content-Length");
    }
    // the server could only push what the socket buffers took after the client hung up
    assertThat(written.get()).isLessThan(200L * 1024 * 1024);
  }

  @Test
  void contentLengthLyingShortAndLong() throws Exception {
    RawServer.Handler liar = (head, socket, out) -> {
      if (head.contains("/short")) { // promises 5000, sends the calendar, hangs up
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + CALENDAR));
      } else { // promises 40 bytes, sends the whole calendar
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 40\r\nConnection: close\r\n\r\n"
            + CALENDAR));
      }
    };
    try (RawServer raw = new RawServer(liar)) {
      FetchResult.Failed shortBody = failed(fetcher.fetch(request(raw.url("/short"))));
      assertThat(shortBody.reason()).isEqualTo(FailureReason.NETWORK);
      FetchResult.Failed longBody = failed(fetcher.fetch(request(raw.url("/long"))));
      assertThat(longBody.reason()).as(longBody.message()).isEqualTo(FailureReason.NETWORK);
      assertThat(longBody.message()).contains("truncated");
    }
  }

  @Test
  void slowDripIsCutOffByTheTotalDeadline() throws Exception {
    RawServer.Handler drip = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nBEGIN:VCALENDAR\r\n"));
      out.flush();
      for (int i = 0; i < 100; i++) {
        out.write('X');
        out.flush();
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    };
    try (RawServer raw = new RawServer(drip);
        HttpFeedFetcher quick = Fixtures.loopback().timeout(Duration.ofMillis(1200)).build()) {
      long t0 = System.nanoTime();
      FetchResult.Failed f = failed(quick.fetch(request(raw.url("/drip"))));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(f.reason()).isEqualTo(FailureReason.TIMEOUT);
      assertThat(ms).as("cut off near the deadline, not at the end of the drip").isLessThan(5_000);
    }
  }

  @Test
  void serverThatNeverAnswersTimesOut() throws Exception {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    try (HttpFeedFetcher quick = Fixtures.loopback().timeout(Duration.ofMillis(800)).build()) {
      assertThat(failed(quick.fetch(request(url("/stall")))).reason())
          .isEqualTo(FailureReason.TIMEOUT);
    }
  }

  @Test
  void resetMidBodyIsANetworkFailure() throws Exception {
    RawServer.Handler reset = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + CALENDAR.substring(0, 60)));
      out.flush();
      socket.setSoLinger(true, 0); // close with RST
      socket.close();
    };
    try (RawServer raw = new RawServer(reset)) {
      FetchResult.Failed f = failed(fetcher.fetch(request(raw.url("/reset"))));
      assertThat(f.reason()).isEqualTo(FailureReason.NETWORK);
      assertThat(f.reason().isTransient()).isTrue();
    }
  }

  @Test
  void truncatedFeedWithoutEndVcalendarIsNotAppliedAsComplete() {
    String cut = CALENDAR.substring(0, CALENDAR.indexOf("END:VEVENT"));
    server.enqueue(new MockResponse().setBody(cut)); // complete HTTP message, incomplete calendar
    server.enqueue(new MockResponse().setChunkedBody(CALENDAR, 16)
        .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
    FetchResult.Failed f = failed(fetcher.fetch(request(url("/cut"))));
    assertThat(f.reason()).isEqualTo(FailureReason.NETWORK);
    assertThat(f.message()).contains("END:VCALENDAR");
    assertThat(failed(fetcher.fetch(request(url("/chunked")))).reason())
        .isEqualTo(FailureReason.NETWORK);
  }

  @Test
  void truncationCheckCanBeTurnedOff() {
    String cut = CALENDAR.substring(0, CALENDAR.indexOf("END:VEVENT"));
    server.enqueue(new MockResponse().setBody(cut));
    try (HttpFeedFetcher lenient = Fixtures.loopback().rejectTruncatedCalendars(false).build()) {
      assertThat(fetched(lenient.fetch(request(url("/cut")))).body()).isEqualTo(ascii(cut));
    }
  }

  // ---- statuses

  @Test
  void statusesMapToTypedReasons() {
    int[] codes = {404, 410, 401, 403, 500, 502, 418, 400};
    FailureReason[] expected = {FailureReason.GONE, FailureReason.GONE,
        FailureReason.UNAUTHORIZED, FailureReason.UNAUTHORIZED, FailureReason.SERVER_ERROR,
        FailureReason.SERVER_ERROR, FailureReason.HTTP_ERROR, FailureReason.HTTP_ERROR};
    for (int code : codes) {
      server.enqueue(new MockResponse().setResponseCode(code).setBody("nope"));
    }
    for (int i = 0; i < codes.length; i++) {
      FetchResult.Failed f = failed(fetcher.fetch(request(url("/s" + codes[i]))));
      assertThat(f.reason()).as("HTTP %s", codes[i]).isEqualTo(expected[i]);
      assertThat(f.httpStatus()).isEqualTo(codes[i]);
      assertThat(f.retryAfter()).isNull();
    }
  }

  @Test
  void retryAfterInSecondsAndAsADateIsParsedAndCapped() {
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    String in90s = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(now.plusSeconds(90), ZoneOffset.UTC));
    String fiveYears = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(now, ZoneOffset.UTC).plusYears(5));
    server.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "120"));
    server.enqueue(new MockResponse().setResponseCode(503).setHeader("Retry-After", in90s));
    server.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", fiveYears));
    server.enqueue(new MockResponse().setResponseCode(503).setHeader("Retry-After", "99999999"));
    server.enqueue(new MockResponse().setResponseCode(503).setHeader("Retry-After", "soon"));
    try (HttpFeedFetcher f = Fixtures.loopback().clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
      FetchResult.Failed a = failed(f.fetch(request(url("/a"))));
      assertThat(a.reason()).isEqualTo(FailureReason.RATE_LIMITED);
      assertThat(a.retryAfter()).isEqualTo(Duration.ofSeconds(120));
      FetchResult.Failed b = failed(f.fetch(request(url("/b"))));
      assertThat(b.reason()).isEqualTo(FailureReason.SERVER_ERROR);
      assertThat(b.httpStatus()).isEqualTo(503);
      assertThat(b.retryAfter()).isEqualTo(Duration.ofSeconds(90));
      assertThat(failed(f.fetch(request(url("/c")))).retryAfter()).isEqualTo(Duration.ofHours(6));
      assertThat(failed(f.fetch(request(url("/d")))).retryAfter()).isEqualTo(Duration.ofHours(6));
      assertThat(failed(f.fetch(request(url("/e")))).retryAfter()).isNull();
    }
  }

  @Test
  void htmlOrJsonWith200IsNotACalendar() {
    server.enqueue(new MockResponse().setHeader("Content-Type", "text/html")
        .setBody("<!DOCTYPE html><html><body>Log in</body></html>"));
    server.enqueue(new MockResponse().setHeader("Content-Type", "application/json")
        .setBody("{\"error\":\"token\"}"));
    server.enqueue(new MockResponse().setHeader("Content-Type", "text/html")
        .setBody("\uFEFF\r\n" + CALENDAR)); // mislabelled calendar with a BOM passes

    FetchResult.Failed html = failed(fetcher.fetch(request(url("/h"))));
    assertThat(html.reason()).isEqualTo(FailureReason.NOT_A_CALENDAR);
    assertThat(html.message()).contains("HTML").contains("text/html");
    assertThat(failed(fetcher.fetch(request(url("/j")))).reason())
        .isEqualTo(FailureReason.NOT_A_CALENDAR);
    assertThat(fetched(fetcher.fetch(request(url("/m")))).contentType()).isEqualTo("text/html");
  }

  @Test
  void emptyOrBlank200AndA204AreEmptyBodyFailures() {
    server.enqueue(new MockResponse().setBody(""));
    server.enqueue(new MockResponse().setHeader("Content-Type", "text/calendar").setBody(" \r\n\r\n\t "));
    server.enqueue(new MockResponse().setHeader("Content-Type", "text/calendar").setBody("\uFEFF\r\n"));
    server.enqueue(new MockResponse().setResponseCode(204));
    server.enqueue(new MockResponse().setHeader("Content-Encoding", "gzip")
        .setBody(new Buffer().write(Fixtures.gzip(ascii("\r\n\r\n")))));
    server.enqueue(new MockResponse().setChunkedBody("", 8));
    server.enqueue(new MockResponse().setHeader("Content-Type", "text/calendar")
        .setBody("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"));

    for (String path : List.of("/empty", "/blank", "/bom", "/204", "/gzip", "/chunked")) {
      FetchResult.Failed f = failed(fetcher.fetch(request(url(path + "?token=s3cret"))));
      assertThat(f.reason()).as(path).isEqualTo(FailureReason.EMPTY_BODY);
      assertThat(f.message()).as(path).contains("not a calendar").doesNotContain("s3cret");
    }
    // a calendar with no events is a result, not a failure
    assertThat(fetched(fetcher.fetch(request(url("/none")))).body()).isNotEmpty();
  }

  // ---- redirects

  @Test
  void redirectLoopIsDetected() {
    server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "/b"));
    server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", url("/a")));
    FetchResult.Failed f = failed(fetcher.fetch(request(url("/a"))));
    assertThat(f.reason()).isEqualTo(FailureReason.REDIRECT);
    assertThat(f.message()).contains("loop");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void fiveRedirectsAreFollowedSixAreNot() {
    for (int i = 1; i <= 5; i++) {
      server.enqueue(new MockResponse().setResponseCode(307).setHeader("Location", "/r" + i));
    }
    server.enqueue(new MockResponse().setBody(CALENDAR));
    assertThat(fetched(fetcher.fetch(request(url("/r0")))).body()).isEqualTo(ascii(CALENDAR));

    for (int i = 1; i <= 6; i++) {
      server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "/s" + i));
    }
    server.enqueue(new MockResponse().setBody(CALENDAR));
    FetchResult.Failed f = failed(fetcher.fetch(request(url("/s0"))));
    assertThat(f.reason()).isEqualTo(FailureReason.REDIRECT);
    assertThat(f.message()).contains("more than 5 redirects");
    assertThat(server.getRequestCount()).isEqualTo(6 + 6);
  }

  @Test
  void permanentRedirectChainIsReportedRedacted() {
    server.enqueue(new MockResponse().setResponseCode(301).setHeader("Location", "/b?token=s3cr3t"));
    server.enqueue(new MockResponse().setResponseCode(308).setHeader("Location", "/c?token=s3cr3t"));
    server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "/d"));
    server.enqueue(new MockResponse().setBody(CALENDAR));
    FetchResult.Fetched r = fetched(fetcher.fetch(request(url("/a"))));
    assertThat(r.permanentRedirect()).isEqualTo(url("/c?token=***t"));

    server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "/x"));
    server.enqueue(new MockResponse().setResponseCode(301).setHeader("Location", "/y"));
    server.enqueue(new MockResponse().setResponseCode(404));
    FetchResult.Failed f = failed(fetcher.fetch(request(url("/w"))));
    assertThat(f.reason()).isEqualTo(FailureReason.GONE);
    assertThat(f.permanentRedirect()).as("a temporary hop first: keep the stored URL").isNull();
  }

  @Test
  void redirectToAPrivateAddressIsRefusedWithoutConnecting() throws Exception {
    // the fetcher allows exactly "127.0.0.1" (and so its other spellings, which name the same
    // address); other loopback names and addresses stay refused
    try (RawServer inside = RawServer.counter(new java.net.InetSocketAddress(0))) {
      String[] targets = {
        "http://localhost:" + inside.port() + "/admin",
        "http://127.0.0.2:" + inside.port() + "/admin",
        "http://0x7f.0.0.3:" + inside.port() + "/admin",
        "http://[::1]:" + inside.port() + "/admin",
        "http://0.0.0.0:" + inside.port() + "/admin",
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
      };
      for (String target : targets) {
        server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", target));
        FetchResult.Failed f = failed(fetcher.fetch(request(url("/feed"))));
        assertThat(f.reason()).as(target).isEqualTo(FailureReason.REFUSED);
      }
      assertThat(inside.accepted()).isZero();
    }
  }

  // ---- requests

  @Test
  void credentialsBecomeBasicAuthForTheSameOriginOnly() throws Exception {
    try (MockWebServer other = new MockWebServer()) {
      other.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      other.enqueue(new MockResponse().setBody(CALENDAR));
      server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "/next"));
      server.enqueue(new MockResponse().setResponseCode(302)
          .setHeader("Location", "http://127.0.0.1:" + other.getPort() + "/cal"));
      String withCreds = "http://us%40er:p%3Ass+word@127.0.0.1:" + server.getPort()
          + "/cal.ics?token=T0KEN";
      FetchResult.Fetched r = fetched(fetcher.fetch(request(withCreds)));
      assertThat(r.body()).isEqualTo(ascii(CALENDAR));

      String expected = "Basic " + Base64.getEncoder()
          .encodeToString("us@er:p:ss+word".getBytes(StandardCharsets.UTF_8));
      RecordedRequest first = server.takeRequest();
      assertThat(first.getHeader("Authorization")).isEqualTo(expected);
      assertThat(first.getPath()).isEqualTo("/cal.ics?token=T0KEN");
      assertThat(server.takeRequest().getHeader("Authorization")).isEqualTo(expected);
      assertThat(other.takeRequest().getHeader("Authorization"))
          .as("credentials never leave their origin").isNull();
    }
  }

  @Test
  void userAgentDefaultNamesTheLibraryAndPerHostOverridesWin() throws Exception {
    server.enqueue(new MockResponse().setBody(CALENDAR));
    server.enqueue(new MockResponse().setBody(CALENDAR));
    fetcher.fetch(request(url("/a")));
    try (HttpFeedFetcher custom = Fixtures.loopback().userAgent("127.0.0.1", "Mozilla/5.0 test")
        .build()) {
      custom.fetch(request(url("/b")));
    }
    assertThat(server.takeRequest().getHeader("User-Agent")).startsWith("ics-sync/");
    assertThat(server.takeRequest().getHeader("User-Agent")).isEqualTo("Mozilla/5.0 test");
  }

  @Test
  void perHostConcurrencyLimitAndMinimumInterval() throws Exception {
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    List<Long> starts = java.util.Collections.synchronizedList(new ArrayList<>());
    RawServer.Handler slow = (head, socket, out) -> {
      starts.add(System.nanoTime());
      int now = active.incrementAndGet();
      maxActive.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        return;
      } finally {
        active.decrementAndGet();
      }
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + CALENDAR.length()
          + "\r\nConnection: close\r\n\r\n" + CALENDAR));
    };
    try (RawServer raw = new RawServer(slow);
        HttpFeedFetcher polite = Fixtures.loopback().maxConcurrentPerHost(2).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<FetchResult>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        results.add(pool.submit(() -> polite.fetch(request(raw.url("/c")))));
      }
      for (Future<FetchResult> r : results) {
        fetched(r.get(20, TimeUnit.SECONDS));
      }
      pool.shutdown();
      assertThat(maxActive.get()).isEqualTo(2);
    }
    starts.clear();
    try (RawServer raw = new RawServer((head, socket, out) -> {
          starts.add(System.nanoTime());
          out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + CALENDAR.length()
              + "\r\nConnection: close\r\n\r\n" + CALENDAR));
        });
        HttpFeedFetcher spaced = Fixtures.loopback()
            .minIntervalPerHost(Duration.ofMillis(150)).build()) {
      // The gate hands out start slots at least the interval apart, the first no earlier than
      // t0, and a request reaches the server only after its slot: so the i-th arrival is at
      // least i intervals after t0, exactly, however late the machine runs any request (a gap
      // between two arrivals can shrink when the earlier one is delayed, so it is not checked).
      long t0 = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        fetched(spaced.fetch(request(raw.url("/c"))));
      }
      assertThat(starts).hasSize(4);
      for (int i = 1; i < 4; i++) {
        assertThat(starts.get(i) - t0).as("arrival %d after t0, in ns", i)
            .isGreaterThanOrEqualTo(i * Duration.ofMillis(150).toNanos());
      }
    }
  }

  @Test
  void badSchemesAndUrlsAreRefusedWithoutThrowing() {
    for (String bad : new String[] {"file:///etc/passwd", "ftp://127.0.0.1/x.ics",
        "gopher://127.0.0.1:70/", "jar:file:/x!/y", "not a url at all", "http:///nohost",
        "http://127.0.0.1:99999/"}) {
      FetchResult.Failed f = failed(fetcher.fetch(request(bad)));
      assertThat(f.reason()).as(bad).isEqualTo(FailureReason.REFUSED);
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void connectionRefusedIsNetwork() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    FetchResult.Failed f = failed(fetcher.fetch(request("http://127.0.0.1:" + port + "/x")));
    assertThat(f.reason()).isEqualTo(FailureReason.NETWORK);
  }

  @Test
  void endlessHeadersAreCutShort() throws Exception {
    RawServer.Handler headers = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\n"));
      for (int i = 0; i < 1_000_000; i++) {
        out.write(ascii("X-Pad-" + i + ": " + "a".repeat(100) + "\r\n"));
      }
    };
    RawServer.Handler longLine = (head, socket, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nX-Long: "));
      byte[] a = new byte[64 * 1024];
      java.util.Arrays.fill(a, (byte) 'a');
      for (int i = 0; i < 10_000; i++) {
        out.write(a);
      }
    };
    for (RawServer.Handler h : List.of(headers, longLine)) {
      try (RawServer raw = new RawServer(h)) {
        FetchResult.Failed f = failed(fetcher.fetch(request(raw.url("/h"))));
        assertThat(f.reason()).isEqualTo(FailureReason.NETWORK);
        assertThat(f.message()).contains("invalid HTTP response");
      }
    }
  }

  @Test
  void unsupportedContentEncodingIsNotReadAsACalendar() {
    server.enqueue(new MockResponse().setHeader("Content-Encoding", "br").setBody("\u0001\u0002"));
    FetchResult.Failed f = failed(fetcher.fetch(request(url("/br"))));
    assertThat(f.reason()).isEqualTo(FailureReason.NOT_A_CALENDAR);
    assertThat(f.message()).contains("br");
  }

  @Test
  void hangingDnsLookupIsBoundedByTheConnectTimeout() {
    try (HttpFeedFetcher f = HttpFeedFetcher.builder().connectTimeout(Duration.ofMillis(300))
        .lookup(host -> {
          try {
            Thread.sleep(5_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new java.net.UnknownHostException(host);
        }).build()) {
      long t0 = System.nanoTime();
      FetchResult.Failed r = failed(f.fetch(request("https://slow-dns.example/cal.ics")));
      assertThat(r.reason()).isEqualTo(FailureReason.TIMEOUT);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(4_000);
    }
  }

  @Test
  void allowHostRefusesPatternsItCouldNeverMatch() {
    for (String pattern : new String[] {"*", "127.0.0.*", "*.example.com", "127.0.0.0/8", "http://host/",
        "host name", "a..b"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpFeedFetcher.builder().allowHost(pattern))
          .as(pattern)
          .isInstanceOf(dev.icssync.IcsSyncException.ConfigurationException.class)
          .hasMessageContaining("host");
    }
    HttpFeedFetcher.builder().allowHost("localhost").allowHost("feeds.example.com.").allowHost("127.0.0.1")
        .allowHost("[::1]").allowHost("my_host.internal").allowHost("bücher.example");
  }

  @Test
  void urlProblemUsesTheWordsOfAFetchRefusal() {
    assertThat(HttpFeedFetcher.urlProblem("https://example.com/a.ics")).isEmpty();
    assertThat(HttpFeedFetcher.urlProblem("webcal://example.com/a.ics")).isEmpty();
    assertThat(HttpFeedFetcher.urlProblem("not a url")).contains("URL has no scheme");
    assertThat(HttpFeedFetcher.urlProblem("gopher://example.com/")).contains("scheme not allowed: gopher");
    assertThat(HttpFeedFetcher.urlProblem("https:///a.ics")).contains("URL has no valid host");
    assertThat(HttpFeedFetcher.urlProblem("https://example.com:70000/")).contains("port out of range");
    try (HttpFeedFetcher f = HttpFeedFetcher.create()) {
      FetchResult.Failed r = failed(f.fetch(request("gopher://example.com/")));
      assertThat(r.reason()).isEqualTo(FailureReason.REFUSED);
      assertThat(r.message()).startsWith(HttpFeedFetcher.urlProblem("gopher://example.com/").orElseThrow());
    }
  }

  @Test
  void builderRejectsBadSettingsNamingTheParameter() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HttpFeedFetcher.builder().timeout(Duration.ZERO).build())
        .isInstanceOf(dev.icssync.IcsSyncException.ConfigurationException.class)
        .hasMessageContaining("timeout");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HttpFeedFetcher.builder().maxRedirects(21).build())
        .hasMessageContaining("maxRedirects");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HttpFeedFetcher.builder().allowCidr("10.0.0.0"))
        .isInstanceOf(dev.icssync.IcsSyncException.class).hasMessageContaining("cidr");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HttpFeedFetcher.builder().maxBodyBytes(0).build())
        .hasMessageContaining("maxBodyBytes");
  }

  @Test
  void waitingTooLongForAPerHostSlotIsATimeout() throws Exception {
    RawServer.Handler slow = (head, socket, out) -> {
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        return;
      }
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + CALENDAR.length()
          + "\r\nConnection: close\r\n\r\n" + CALENDAR));
    };
    try (RawServer raw = new RawServer(slow);
        HttpFeedFetcher one = Fixtures.loopback().maxConcurrentPerHost(1)
            .maxQueueWait(Duration.ofMillis(200)).build()) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<FetchResult> first = pool.submit(() -> one.fetch(request(raw.url("/a"))));
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
          .until(() -> raw.accepted() > 0);
      FetchResult.Failed queued = failed(one.fetch(request(raw.url("/b"))));
      assertThat(queued.reason()).isEqualTo(FailureReason.TIMEOUT);
      assertThat(queued.message()).contains("per-host slot");
      fetched(first.get(10, TimeUnit.SECONDS));
      pool.shutdown();
    }
  }

  static void writeAll(OutputStream out, String s) throws IOException {
    out.write(ascii(s));
  }
}
