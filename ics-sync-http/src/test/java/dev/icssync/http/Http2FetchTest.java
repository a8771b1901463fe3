package dev.icssync.http;

import static dev.icssync.http.Fixtures.CALENDAR;
import static dev.icssync.http.Fixtures.ascii;
import static dev.icssync.http.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.HttpVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fetcher against an https server that offers h2 by ALPN: every behaviour of a fetch holds over
 * HTTP/2, and each test checks on the server side that the request did travel over HTTP/2.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2FetchTest {
  private static H2TestServer server;
  private static H2TestServer http1Only;
  private HttpFeedFetcher fetcher;

  @BeforeAll
  static void start() throws IOException {
    server = H2TestServer.start(H2TestServer.Mode.NEGOTIATE);
    http1Only = H2TestServer.start(H2TestServer.Mode.HTTP_1_ONLY);
  }

  @AfterAll
  static void stop() {
    server.close();
    http1Only.close();
  }

  @BeforeEach
  void newFetcher() {
    server.resetCounts();
    http1Only.resetCounts();
    fetcher = builder().build();
  }

  @AfterEach
  void closeFetcher() {
    fetcher.close();
  }

  /** Loopback allowed, no politeness delay, short bounds, trusting the test certificate. */
  private static HttpFeedFetcher.Builder builder() {
    return Fixtures.loopback().sslContext(server.clientContext());
  }

  private static FetchResult.Fetched fetched(FetchResult r) {
    assertThat(r).as("%s", r).isInstanceOf(FetchResult.Fetched.class);
    return (FetchResult.Fetched) r;
  }

  private static FetchResult.Failed failed(FetchResult r) {
    assertThat(r).as("%s", r).isInstanceOf(FetchResult.Failed.class);
    return (FetchResult.Failed) r;
  }

  /** Every request the server saw for {@code path} came over HTTP/2 (and there was one). */
  private static void assertHttp2(String path) {
    List<H2TestServer.Recorded> seen = server.requests(path);
    assertThat(seen).as("requests to %s", path).isNotEmpty();
    assertThat(seen).extracting(H2TestServer.Recorded::version).as(path)
        .containsOnly(HttpVersion.HTTP_2);
  }

  // ---- success and validators

  @Test
  void calendarIsFetchedOverHttp2() {
    server.reply("/cal.ics", H2TestServer.Reply.ok(ascii(CALENDAR)).header("ETag", "\"v1\""));

    FetchResult.Fetched f = fetched(fetcher.fetch(request(server.url("/cal.ics"))));

    assertThat(f.body()).isEqualTo(ascii(CALENDAR));
    assertThat(f.contentType()).isEqualTo("text/calendar");
    assertThat(f.charset()).isEqualTo(StandardCharsets.UTF_8);
    assertThat(f.etag()).isEqualTo("\"v1\"");
    assertHttp2("/cal.ics");
    H2TestServer.Recorded seen = server.onlyRequest("/cal.ics");
    assertThat(seen.header("User-Agent")).isEqualTo(HttpFeedFetcher.DEFAULT_USER_AGENT);
    assertThat(seen.header("Accept-Encoding")).contains("gzip");
    assertThat(seen.header("If-None-Match")).isNull();
    assertThat(seen.header("Authorization")).isNull();
  }

  @Test
  void emptyOrBlankBodiesAndA204AreEmptyBodyFailuresOverHttp2() {
    server.reply("/empty.ics", H2TestServer.Reply.ok(new byte[0]));
    server.reply("/blank.ics", H2TestServer.Reply.ok(ascii(" \r\n\r\n")));
    server.reply("/204.ics", H2TestServer.Reply.status(204));
    server.reply("/none.ics", H2TestServer.Reply.ok(ascii("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")));

    for (String path : List.of("/empty.ics", "/blank.ics", "/204.ics")) {
      FetchResult.Failed f = failed(fetcher.fetch(request(server.url(path))));
      assertThat(f.reason()).as(path).isEqualTo(FailureReason.EMPTY_BODY);
      assertHttp2(path);
    }
    fetched(fetcher.fetch(request(server.url("/none.ics"))));
  }

  @Test
  void conditionalGetRoundTripEndsInNotModified() {
    server.reply("/cond.ics", H2TestServer.Reply.ok(ascii(CALENDAR)).header("ETag", "\"v1\""));
    FetchResult.Fetched first = fetched(fetcher.fetch(request(server.url("/cond.ics"))));
    server.reply("/cond.ics", H2TestServer.Reply.status(304).header("ETag", "\"v1\""));

    Feed feed = Feed.builder("tenant-1", "feed-1").property("prop-1").source("airbnb").url(server.url("/cond.ics")).build();
    FetchResult second = fetcher.fetch(new FetchRequest(feed, first.etag(), null));

    assertThat(second).isEqualTo(new FetchResult.NotModified("\"v1\"", null, null));
    List<H2TestServer.Recorded> seen = server.requests("/cond.ics");
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).header("If-None-Match")).isNull();
    assertThat(seen.get(1).header("If-None-Match")).isEqualTo("\"v1\"");
    assertHttp2("/cond.ics");
    assertThat(server.connections()).as("the second fetch reused the connection").isEqualTo(1);
  }

  @Test
  void userInfoBecomesBasicAuthorizationOverHttp2() {
    server.reply("/private.ics", H2TestServer.Reply.ok(ascii(CALENDAR)));
    String url = "https://owner:s3cret@127.0.0.1:" + server.port() + "/private.ics";

    fetched(fetcher.fetch(request(url)));

    String expected = "Basic " + Base64.getEncoder()
        .encodeToString("owner:s3cret".getBytes(StandardCharsets.UTF_8));
    assertThat(server.onlyRequest("/private.ics").header("Authorization")).isEqualTo(expected);
    assertHttp2("/private.ics");
  }

  // ---- bodies: encoding and size

  @Test
  void gzipContentEncodingIsDecoded() {
    server.reply("/gz.ics", H2TestServer.Reply.ok(Fixtures.gzip(ascii(CALENDAR)))
        .header("Content-Encoding", "gzip"));

    FetchResult.Fetched f = fetched(fetcher.fetch(request(server.url("/gz.ics"))));

    assertThat(f.body()).isEqualTo(ascii(CALENDAR));
    assertHttp2("/gz.ics");
  }

  @Test
  void gzipBombStopsAtTheDecodedCap() {
    byte[] huge = new byte[16 * 1024 * 1024]; // 16 MiB of zeros: about 16 KB gzipped
    System.arraycopy(ascii("BEGIN:VCALENDAR\r\n"), 0, huge, 0, 17);
    byte[] bomb = Fixtures.gzip(huge);
    assertThat(bomb.length).isLessThan(64 * 1024);
    server.reply("/bomb.ics", H2TestServer.Reply.ok(bomb).header("Content-Encoding", "gzip"));

    try (HttpFeedFetcher small = builder().maxBodyBytes(1024 * 1024).build()) {
      FetchResult.Failed f = failed(small.fetch(request(server.url("/bomb.ics"))));
      assertThat(f.reason()).as(f.message()).isEqualTo(FailureReason.TOO_LARGE);
    }
    assertHttp2("/bomb.ics");
  }

  @Test
  void identityBodyOverTheCapIsTooLargeWithAndWithoutContentLength() {
    byte[] big = new byte[256 * 1024];
    Arrays.fill(big, (byte) 'x');
    System.arraycopy(ascii("BEGIN:VCALENDAR\r\n"), 0, big, 0, 17);
    server.reply("/big.ics", H2TestServer.Reply.ok(big));
    // no Content-Length: the cap must hold while the body streams
    server.reply("/big-stream.ics", H2TestServer.Reply.ok(big).drip(16 * 1024, Duration.ofMillis(1)));

    try (HttpFeedFetcher small = builder().maxBodyBytes(64 * 1024).build()) {
      FetchResult.Failed declared = failed(small.fetch(request(server.url("/big.ics"))));
      assertThat(declared.reason()).as(declared.message()).isEqualTo(FailureReason.TOO_LARGE);
      FetchResult.Failed streamed = failed(small.fetch(request(server.url("/big-stream.ics"))));
      assertThat(streamed.reason()).as(streamed.message()).isEqualTo(FailureReason.TOO_LARGE);
      // the cut-off stream left the shared connection usable
      server.reply("/after-big.ics", H2TestServer.Reply.ok(ascii(CALENDAR)));
      fetched(small.fetch(request(server.url("/after-big.ics"))));
    }
    assertHttp2("/big.ics");
    assertHttp2("/big-stream.ics");
  }

  // ---- slow and broken servers

  @Test
  void slowDripIsCutOffByTheDeadline() {
    // 177 bytes at 8 bytes per 200 ms: about 4.4 s for the whole calendar
    server.reply("/drip.ics", H2TestServer.Reply.ok(ascii(CALENDAR)).drip(8, Duration.ofMillis(200)));

    try (HttpFeedFetcher quick = builder().timeout(Duration.ofSeconds(1)).build()) {
      long start = System.nanoTime();
      FetchResult.Failed f = failed(quick.fetch(request(server.url("/drip.ics"))));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(f.reason()).as(f.message()).isEqualTo(FailureReason.TIMEOUT);
      assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofMillis(3000));
    }
    assertHttp2("/drip.ics");
  }

  @Test
  void calendarWithoutEndIsATruncatedTransfer() {
    String cut = CALENDAR.substring(0, CALENDAR.indexOf("END:VCALENDAR"));
    server.reply("/cut.ics", H2TestServer.Reply.ok(ascii(cut)));

    FetchResult.Failed f = failed(fetcher.fetch(request(server.url("/cut.ics"))));

    assertThat(f.reason()).as(f.message()).isEqualTo(FailureReason.NETWORK);
    assertThat(f.message()).contains("END:VCALENDAR");
    assertHttp2("/cut.ics");
  }

  @Test
  void streamResetMidBodyIsANetworkFailureNeverABody() {
    server.reply("/reset.ics", H2TestServer.Reply.ok(ascii(CALENDAR)).resetAfter(60));

    FetchResult r = fetcher.fetch(request(server.url("/reset.ics")));

    assertThat(r).isNotInstanceOf(FetchResult.Fetched.class);
    FetchResult.Failed f = failed(r);
    assertThat(f.reason()).as(f.message()).isEqualTo(FailureReason.NETWORK);
    assertHttp2("/reset.ics");
    assertThat(server.errors()).as("the server reset the stream")
        .anySatisfy(e -> assertThat(e).hasMessageContaining("scripted reset after 60 bytes"));
    // RST_STREAM ends one stream, not the connection: the next fetch still works
    server.reply("/after-reset.ics", H2TestServer.Reply.ok(ascii(CALENDAR)));
    fetched(fetcher.fetch(request(server.url("/after-reset.ics"))));
  }

  // ---- statuses

  @Test
  void htmlIsNotACalendar() {
    server.reply("/login", H2TestServer.Reply.of(200, ascii("<!DOCTYPE html><html>sign in</html>"))
        .header("Content-Type", "text/html; charset=utf-8"));

    FetchResult.Failed f = failed(fetcher.fetch(request(server.url("/login"))));

    assertThat(f.reason()).as(f.message()).isEqualTo(FailureReason.NOT_A_CALENDAR);
    assertThat(f.httpStatus()).isEqualTo(200);
    assertHttp2("/login");
  }

  @Test
  void notFoundIsGoneAndUnauthorizedIsUnauthorized() {
    server.reply("/gone.ics", H2TestServer.Reply.of(404, ascii("no such feed")));
    server.reply("/auth.ics", H2TestServer.Reply.status(401)
        .header("WWW-Authenticate", "Basic realm=\"feeds\""));

    FetchResult.Failed gone = failed(fetcher.fetch(request(server.url("/gone.ics"))));
    FetchResult.Failed auth = failed(fetcher.fetch(request(server.url("/auth.ics"))));

    assertThat(gone.reason()).isEqualTo(FailureReason.GONE);
    assertThat(gone.httpStatus()).isEqualTo(404);
    assertThat(auth.reason()).isEqualTo(FailureReason.UNAUTHORIZED);
    assertThat(auth.httpStatus()).isEqualTo(401);
    assertHttp2("/gone.ics");
    assertHttp2("/auth.ics");
  }

  @Test
  void tooManyRequestsIsRateLimitedWithRetryAfter() {
    server.reply("/busy.ics", H2TestServer.Reply.status(429).header("Retry-After", "120"));

    FetchResult.Failed f = failed(fetcher.fetch(request(server.url("/busy.ics"))));

    assertThat(f.reason()).isEqualTo(FailureReason.RATE_LIMITED);
    assertThat(f.httpStatus()).isEqualTo(429);
    assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(120));
    assertHttp2("/busy.ics");
  }

  @Test
  void redirectToAPrivateAddressIsRefusedBeforeConnecting() {
    server.reply("/to-private-https", H2TestServer.Reply.status(302)
        .header("Location", "https://10.0.0.1/cal.ics"));
    server.reply("/to-private-http", H2TestServer.Reply.status(302)
        .header("Location", "http://10.0.0.1/"));

    FetchResult.Failed https = failed(fetcher.fetch(request(server.url("/to-private-https"))));
    FetchResult.Failed http = failed(fetcher.fetch(request(server.url("/to-private-http"))));

    // the SSRF guard judges every hop
    assertThat(https.reason()).as(https.message()).isEqualTo(FailureReason.REFUSED);
    assertThat(https.message()).contains("10.0.0.1");
    // from https, an http target is refused earlier still, as a downgrade
    assertThat(http.reason()).as(http.message()).isEqualTo(FailureReason.REDIRECT);
    assertThat(http.message()).contains("downgrade");
    assertHttp2("/to-private-https");
    assertHttp2("/to-private-http");
  }

  // ---- connections and protocol choice

  /**
   * Runs ten fetches at once against {@code path}, whose reply holds every response until all ten
   * requests are in flight on the server (proof that they were concurrent), and returns the reply.
   * One fetch first opens the connection: a fetch to a host with no open connection goes alone.
   */
  private static H2TestServer.Reply tenAtOnce(HttpFeedFetcher wide, String path) throws Exception {
    server.reply("/warm-up.ics", H2TestServer.Reply.ok(ascii(CALENDAR)));
    fetched(wide.fetch(request(server.url("/warm-up.ics"))));
    H2TestServer.Reply held = H2TestServer.Reply.ok(ascii(CALENDAR))
        .holdUntil(10, Duration.ofSeconds(5));
    server.reply(path, held);
    List<FetchResult> results = tenFetches(wide, path);
    for (FetchResult r : results) {
      assertThat(fetched(r).body()).isEqualTo(ascii(CALENDAR));
    }
    assertThat(held.peakHeld()).as("requests in flight at once").isEqualTo(10);
    assertThat(server.requests(path)).hasSize(10);
    assertHttp2(path);
    return held;
  }

  private static List<FetchResult> tenFetches(HttpFeedFetcher wide, String path) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Future<FetchResult>> futures = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        futures.add(pool.submit(() -> wide.fetch(request(server.url(path)))));
      }
      List<FetchResult> results = new ArrayList<>();
      for (Future<FetchResult> f : futures) {
        results.add(f.get(20, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tenConcurrentFetchesAllSucceedOverHttp2WithinThePerHostBound() throws Exception {
    try (HttpFeedFetcher wide = builder().maxConcurrentPerHost(10).build()) {
      tenAtOnce(wide, "/ten.ics");
    }
    assertThat(server.connections()).as("TCP connections").isBetween(1, 10);
  }

  /**
   * Ten fetches that start together on a cold fetcher: the first opens the connection alone and
   * the others multiplex over it instead of opening one connection each (ten, without the gate).
   * Apache's pool can still open a second connection when two leases race it, hence the bound.
   */
  @Test
  void aColdBurstOfFetchesOpensOneConnectionFirstAndSharesIt() throws Exception {
    server.reply("/cold.ics", H2TestServer.Reply.ok(ascii(CALENDAR)));
    try (HttpFeedFetcher wide = builder().maxConcurrentPerHost(10).build()) {
      for (FetchResult r : tenFetches(wide, "/cold.ics")) {
        assertThat(fetched(r).body()).isEqualTo(ascii(CALENDAR));
      }
    }
    assertThat(server.requests("/cold.ics")).hasSize(10);
    assertHttp2("/cold.ics");
    assertThat(server.connections()).as("TCP connections").isBetween(1, 3);
  }

  @Test
  void serverThatOffersOnlyHttp11IsFetchedOverHttp11() {
    http1Only.reply("/cal.ics", H2TestServer.Reply.ok(ascii(CALENDAR)));

    FetchResult.Fetched f = fetched(fetcher.fetch(request(http1Only.url("/cal.ics"))));

    assertThat(f.body()).isEqualTo(ascii(CALENDAR));
    assertThat(http1Only.onlyRequest("/cal.ics").version()).isEqualTo(HttpVersion.HTTP_1_1);
  }

  @Test
  void http2FalseFetchesOverHttp11FromAServerThatOffersH2() {
    server.reply("/h1.ics", H2TestServer.Reply.ok(ascii(CALENDAR)));

    try (HttpFeedFetcher h1 = builder().http2(false).build()) {
      FetchResult.Fetched f = fetched(h1.fetch(request(server.url("/h1.ics"))));
      assertThat(f.body()).isEqualTo(ascii(CALENDAR));
    }
    assertThat(server.onlyRequest("/h1.ics").version()).isEqualTo(HttpVersion.HTTP_1_1);
  }
}
