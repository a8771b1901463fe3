package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportTokens;
import dev.icssync.ExportView;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint over a real loopback server and a real client. */
class ExportEndpointTest {
  static final String TENANT = "t1";
  static final String PROPERTY = "villa-7";
  static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

  private Instant now = NOW;
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return Clock.fixed(now, zone);
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final Store store = Store.inMemory();
  private final IcsSync sync = IcsSync.builder()
      .store(store)
      .fetcher(r -> FetchResult.Failed.of(FailureReason.NETWORK, "offline"))
      .clock(clock)
      .build();
  private final ExportTokens tokens = sync.exportTokens();
  private final ExportHttpServer server = ExportHttpServer.start(ExportEndpoint.builder(sync).build(),
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "/export", 2);
  private final HttpClient client = HttpClient.newHttpClient();

  ExportEndpointTest() {
    store.saveFeed(Feed.builder(TENANT, "airbnb-1").property(PROPERTY).source("airbnb").url("https://example.com/a.ics").build());
    store.saveFeed(Feed.builder(TENANT, "booking-1").property(PROPERTY).source("booking").url("https://example.com/b.ics").build());
    put("airbnb-1", "airbnb", "a1", LocalDate.of(2026, 7, 1), LocalDate.of(2026, 7, 5));
    put("booking-1", "booking", "b1", LocalDate.of(2026, 7, 10), LocalDate.of(2026, 7, 12));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void put(String feed, String source, String uid, LocalDate from, LocalDate to) {
    Instant changed = now.minusSeconds(3600);
    CalendarEvent e = CalendarEvent.builder()
        .key(EventKey.of(TENANT, feed, uid))
        .property(PROPERTY)
        .source(source)
        .range(DateRange.allDay(from, to))
        .kind(EventKind.RESERVATION)
        .summary("Reserved")
        .fingerprint(1)
        .firstSeen(changed)
        .lastSeen(changed)
        .lastChanged(changed)
        .build();
    FeedState s = store.beginSync(TENANT, feed, now);
    store.apply(new FeedApply(TENANT, feed, List.of(), List.of(e), s, null));
  }

  private HttpResponse<byte[]> send(String method, String token, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.baseUri().resolve(token + ".ics"))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String h(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void getThenConditionalGetGives200Then304() throws Exception {
    String token = tokens.create(TENANT, PROPERTY, null).token();
    HttpResponse<byte[]> first = send("GET", token);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(h(first, "Content-Type")).isEqualTo("text/calendar; charset=utf-8");
    assertThat(h(first, "Cache-Control")).isEqualTo("public, max-age=300, s-maxage=600");
    assertThat(h(first, "Surrogate-Key")).isEqualTo(ExportView.surrogateKey(TENANT, PROPERTY));
    assertThat(h(first, "Last-Modified")).isEqualTo("Mon, 01 Jun 2026 09:00:00 GMT");
    assertThat(h(first, "Content-Encoding")).isNull();
    assertThat(first.body()).isEqualTo(sync.export(ExportView.forProperty(TENANT, PROPERTY)).body());
    assertThat(new String(first.body(), StandardCharsets.UTF_8)).contains("DTSTART;VALUE=DATE:20260701",
        "DTSTART;VALUE=DATE:20260710");
    String etag = h(first, "ETag");
    assertThat(etag).matches("\"[0-9a-f]{32}\"");

    HttpResponse<byte[]> second = send("GET", token, "If-None-Match", etag);
    assertThat(second.statusCode()).isEqualTo(304);
    assertThat(second.body()).isEmpty();
    assertThat(h(second, "ETag")).isEqualTo(etag);
    assertThat(h(second, "Cache-Control")).isEqualTo("public, max-age=300, s-maxage=600");

    assertThat(send("GET", token, "If-None-Match", "W/" + etag + ", \"other\"").statusCode()).isEqualTo(304);
    assertThat(send("GET", token, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);

    // a change in the store gives a new body and a new tag: the old tag no longer matches
    put("booking-1", "booking", "b2", LocalDate.of(2026, 8, 1), LocalDate.of(2026, 8, 2));
    HttpResponse<byte[]> changed = send("GET", token, "If-None-Match", etag);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(h(changed, "ETag")).isNotEqualTo(etag);
  }

  @Test
  void ifModifiedSinceIsHonouredOnlyWithoutIfNoneMatch() throws Exception {
    String token = tokens.create(TENANT, PROPERTY, null).token();
    assertThat(send("GET", token, "If-Modified-Since", "Mon, 01 Jun 2026 09:00:00 GMT").statusCode())
        .isEqualTo(304);
    assertThat(send("GET", token, "If-Modified-Since", "Mon, 01 Jun 2026 08:59:59 GMT").statusCode())
        .isEqualTo(200);
    assertThat(send("GET", token, "If-Modified-Since", "yesterday-ish").statusCode()).isEqualTo(200);
    assertThat(send("GET", token, "If-None-Match", "\"nope\"", "If-Modified-Since",
        "Mon, 01 Jun 2026 12:00:00 GMT").statusCode()).isEqualTo(200);
  }

  @Test
  void headSendsTheHeadersOfGetWithoutTheBody() throws Exception {
    String token = tokens.create(TENANT, PROPERTY, null).token();
    HttpResponse<byte[]> get = send("GET", token);
    HttpResponse<byte[]> head = send("HEAD", token);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(h(head, "Content-Length")).isEqualTo(Integer.toString(get.body().length));
    for (String name : List.of("ETag", "Last-Modified", "Content-Type", "Cache-Control", "Surrogate-Key")) {
      assertThat(h(head, name)).as(name).isEqualTo(h(get, name));
    }
  }

  @Test
  void gzipWhenAskedWithItsOwnTagThatAlsoRevalidates() throws Exception {
    String token = tokens.create(TENANT, PROPERTY, null).token();
    HttpResponse<byte[]> plain = send("GET", token);
    HttpResponse<byte[]> zipped = send("GET", token, "Accept-Encoding", "br;q=1.0, gzip;q=0.8");
    assertThat(zipped.statusCode()).isEqualTo(200);
    assertThat(h(zipped, "Content-Encoding")).isEqualTo("gzip");
    assertThat(h(zipped, "Vary")).isEqualTo("Accept-Encoding");
    assertThat(h(zipped, "Content-Length")).isEqualTo(Integer.toString(zipped.body().length));
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain.body());
    }
    String plainTag = h(plain, "ETag");
    String zipTag = h(zipped, "ETag");
    assertThat(zipTag).isEqualTo(plainTag.substring(0, plainTag.length() - 1) + "-gzip\"");
    assertThat(send("GET", token, "Accept-Encoding", "gzip").body()).isEqualTo(zipped.body());
    assertThat(send("GET", token, "Accept-Encoding", "gzip", "If-None-Match", zipTag).statusCode())
        .isEqualTo(304);
    assertThat(send("GET", token, "If-None-Match", zipTag).statusCode()).isEqualTo(304);
    assertThat(h(send("GET", token, "Accept-Encoding", "gzip;q=0, identity"), "Content-Encoding")).isNull();
    assertThat(h(send("GET", token, "Accept-Encoding", "*"), "Content-Encoding")).isEqualTo("gzip");
  }

  @Test
  void everyUnusableTokenGetsTheSame404() throws Exception {
    String revoked = tokens.create(TENANT, PROPERTY, "airbnb").token();
    tokens.revoke(revoked);
    String rotated = tokens.create(TENANT, PROPERTY, "booking").token();
    tokens.rotate(TENANT, PROPERTY, "booking", Duration.ZERO);
    String noProperty = tokens.create(TENANT, "sold-villa", null).token();
    String good = tokens.create(TENANT, PROPERTY, null).token();
    String unknown = (good.charAt(0) == 'A' ? "B" : "A") + good.substring(1);

    List<String> cases = List.of(revoked, rotated, noProperty, unknown, "short", "x".repeat(31) + "!",
        good + "A", "%2E%2E", "");
    HttpResponse<byte[]> reference = send("GET", cases.get(0));
    assertThat(reference.statusCode()).isEqualTo(404);
    assertThat(new String(reference.body(), StandardCharsets.UTF_8)).isEqualTo("Not Found\n");
    assertThat(h(reference, "Cache-Control")).isEqualTo("no-store");
    for (String c : cases) {
      HttpResponse<byte[]> r = send("GET", c);
      assertThat(r.statusCode()).as(c).isEqualTo(404);
      assertThat(r.body()).as(c).isEqualTo(reference.body());
      assertThat(withoutDate(r)).as(c).isEqualTo(withoutDate(reference));
    }
    assertThat(send("GET", good).statusCode()).isEqualTo(200);
  }

  @Test
  void rotationKeepsTheOldUrlWorkingForTheGracePeriod() throws Exception {
    String old = tokens.create(TENANT, PROPERTY, "airbnb").token();
    String fresh = tokens.rotate(TENANT, PROPERTY, "airbnb", Duration.ofHours(1)).token();
    assertThat(send("GET", old).statusCode()).isEqualTo(200);
    assertThat(send("GET", fresh).body()).isEqualTo(send("GET", old).body());
    now = NOW.plus(Duration.ofMinutes(59));
    assertThat(send("GET", old).statusCode()).isEqualTo(200);
    now = NOW.plus(Duration.ofMinutes(60));
    HttpResponse<byte[]> gone = send("GET", old);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(send("GET", fresh).statusCode()).isEqualTo(200);
  }

  @Test
  void aChannelTokenServesThatChannelsView() throws Exception {
    String airbnb = tokens.create(TENANT, PROPERTY, "airbnb").token();
    String body = new String(send("GET", airbnb).body(), StandardCharsets.UTF_8);
    assertThat(body).contains("20260710").doesNotContain("20260701");
  }

  @Test
  void otherMethodsAreRefused() throws Exception {
    String token = tokens.create(TENANT, PROPERTY, null).token();
    HttpResponse<byte[]> r = send("POST", token);
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(h(r, "Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void cacheControlIsConfigurable() throws Exception {
    ExportEndpoint e = ExportEndpoint.builder(sync).cacheControl("private, max-age=60").build();
    String token = tokens.create(TENANT, PROPERTY, null).token();
    ExportEndpoint.Response r = e.handle(ExportEndpoint.Request.of("GET", "/" + token, Map.of()));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("cache-control")).isEqualTo("private, max-age=60");
    assertThat(r.header("Surrogate-Key")).isEqualTo(ExportView.surrogateKey(TENANT, PROPERTY));
  }

  @Test
  void parsesAcceptEncodingAndPaths() {
    assertThat(ExportEndpoint.acceptsGzip(List.of("gzip, deflate, br"))).isTrue();
    assertThat(ExportEndpoint.acceptsGzip(List.of("GZIP;Q=0.5"))).isTrue();
    assertThat(ExportEndpoint.acceptsGzip(List.of("gzip;q=0"))).isFalse();
    assertThat(ExportEndpoint.acceptsGzip(List.of("*;q=0.1", "gzip;q=0"))).isFalse();
    assertThat(ExportEndpoint.acceptsGzip(List.of("identity"))).isFalse();
    assertThat(ExportEndpoint.acceptsGzip(List.of())).isFalse();
    String t = "A".repeat(32);
    assertThat(ExportEndpoint.tokenOf("/export/" + t + ".ics")).isEqualTo(t);
    assertThat(ExportEndpoint.tokenOf("/" + t + "?x=1")).isEqualTo(t);
    assertThat(ExportEndpoint.tokenOf("/" + t + ".ics/")).isNull();
    assertThat(ExportEndpoint.tokenOf("/export/")).isNull();
  }

  @Test
  void aFailingStoreGives503AndTheLogNeverShowsTheToken() throws Exception {
    Store failing = (Store) java.lang.reflect.Proxy.newProxyInstance(Store.class.getClassLoader(),
        new Class<?>[] {Store.class}, (proxy, method, args) -> {
          if (method.getName().equals("events") || method.getName().equals("eventsForWrite")) {
            throw new dev.icssync.IcsSyncException.StorageException("connection reset", null);
          }
          try {
            return method.invoke(store, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    IcsSync broken = IcsSync.builder().store(failing)
        .fetcher(r -> FetchResult.Failed.of(FailureReason.NETWORK, "offline")).clock(clock).build();
    String token = tokens.create(TENANT, PROPERTY, null).token();
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    ExportEndpoint.Response r;
    try (ExportHttpServer s = ExportHttpServer.start(ExportEndpoint.builder(broken).build(),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      HttpResponse<byte[]> http = client.send(HttpRequest.newBuilder(s.baseUri().resolve(token + ".ics")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(http.statusCode()).isEqualTo(503);
      assertThat(h(http, "Retry-After")).isEqualTo("30");
      r = ExportEndpoint.builder(broken).build().handle(ExportEndpoint.Request.of("GET", "/" + token, Map.of()));
    } finally {
      System.setErr(saved);
    }
    assertThat(r.status()).isEqualTo(503);
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("export failed").contains("connection reset").doesNotContain(token);
    assertThat(r.toString()).doesNotContain(token);
    assertThat(ExportEndpoint.Request.of("GET", "/" + token, Map.of()).toString()).doesNotContain(token);
  }

  private static Map<String, List<String>> withoutDate(HttpResponse<?> r) {
    Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    m.putAll(r.headers().map());
    m.remove("date");
    return m;
  }
}
