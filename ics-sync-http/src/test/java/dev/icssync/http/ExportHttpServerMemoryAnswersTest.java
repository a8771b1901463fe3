package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.ExportToken;
import dev.icssync.ExportedCalendar;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.PropertySettings;
import dev.icssync.cache.CaffeineCaches;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.ForwardingStore;
import dev.icssync.spi.Store;
import dev.icssync.tck.time.MutableClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cached exports answered from memory on the server's I/O thread, over real loopback HTTP: such a
 * request is not handed to a worker, yet a revocation, an expiry or a sync that changes the export
 * is seen on the very next request, and nothing that may block (a store read) runs on an I/O
 * thread. A store that cannot tell its revision is read on every request, by a worker.
 */
class ExportHttpServerMemoryAnswersTest {
  private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  private static final String WORKER_PREFIX = "ics-sync-export-";
  private final MutableClock clock = new MutableClock(NOW);
  private volatile String calendar = Fixtures.CALENDAR;
  private final HttpClient client = HttpClient.newHttpClient();
  private ExportHttpServer server;
  private ExportEndpoint endpoint;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  /** Records the threads that read tokens, properties and events; optionally hides the revision. */
  private static final class Recording extends ForwardingStore {
    final Set<String> readers = ConcurrentHashMap.newKeySet();
    final AtomicInteger tokenReads = new AtomicInteger();
    private final boolean tellsRevision;

    Recording(Store delegate, boolean tellsRevision) {
      super(delegate);
      this.tellsRevision = tellsRevision;
    }

    @Override
    public Optional<ExportToken> tokenByHash(String hash) {
      tokenReads.incrementAndGet();
      readers.add(Thread.currentThread().getName());
      return super.tokenByHash(hash);
    }

    @Override
    public Optional<PropertySettings> property(String tenant, String property) {
      readers.add(Thread.currentThread().getName());
      return super.property(tenant, property);
    }

    @Override
    public List<CalendarEvent> eventsForWrite(EventQuery query) {
      readers.add(Thread.currentThread().getName());
      return super.eventsForWrite(query);
    }

    @Override
    public OptionalLong tokenRevision() {
      return tellsRevision ? super.tokenRevision() : OptionalLong.empty();
    }
  }

  private IcsSync sync(Store store, ExportCache cache) {
    store.saveFeed(Feed.builder("t1", "airbnb-1").property("villa-7").source("airbnb")
        .url("https://example.com/a.ics").build());
    IcsSync sync = IcsSync.builder()
        .store(store)
        .clock(clock)
        .exportCache(cache)
        .fetcher(r -> calendar == null ? FetchResult.Failed.of(FailureReason.NETWORK, "offline")
            : FetchResult.Fetched.of(calendar.getBytes(StandardCharsets.UTF_8)))
        .build();
    endpoint = ExportEndpoint.builder(sync).build();
    server = ExportHttpServer.builder(endpoint).contextPath("/export").start();
    return sync;
  }

  private HttpResponse<String> get(String token, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.baseUri().resolve(token + ".ics"));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String warm(String token) throws Exception {
    HttpResponse<String> first = get(token);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(get(token).statusCode()).isEqualTo(200);
    return first.headers().firstValue("ETag").orElseThrow();
  }

  @Test
  void aCachedExportIsAnsweredWithoutAWorker() throws Exception {
    IcsSync sync = sync(Store.inMemory(), CaffeineCaches.exportCache());
    String token = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    String body = get(token).body();
    String etag = warm(token);
    get(token, "Accept-Encoding", "gzip"); // compressed once, by a worker
    long handed = server.requestsHandedToWorkers();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> ok = get(token);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo(body);
      assertThat(ok.headers().firstValue("Content-Length")).hasValue(Integer.toString(body.length()));
      assertThat(get(token, "If-None-Match", etag).statusCode()).isEqualTo(304);
      assertThat(get(token, "Accept-Encoding", "gzip").headers().firstValue("Content-Encoding")).hasValue("gzip");
    }
    HttpResponse<String> head = client.send(HttpRequest.newBuilder(server.baseUri().resolve(token + ".ics"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(server.requestsHandedToWorkers()).isEqualTo(handed);
  }

  @Test
  void aSteadyExportIsAnsweredFromTheTokensOwnPreparedAnswersYetASyncIsServedOnTheNextRequest()
      throws Exception {
    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n";
    IcsSync sync = sync(Store.inMemory(), CaffeineCaches.exportCache());
    sync.syncFeed("t1", "airbnb-1");
    String token = sync.exportTokens().create("t1", "villa-7", null).token();
    warm(token);
    long handed = server.requestsHandedToWorkers();
    long lookups = endpoint.preparedLookupsFromMemory();
    for (int i = 0; i < 5; i++) {
      assertThat(get(token).statusCode()).isEqualTo(200);
    }
    assertThat(server.requestsHandedToWorkers()).isEqualTo(handed);
    assertThat(endpoint.preparedLookupsFromMemory()).isEqualTo(lookups);

    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:2@test\r\n"
        + "DTSTART;VALUE=DATE:20260610\r\nDTEND;VALUE=DATE:20260614\r\nSUMMARY:Reserved\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n";
    sync.syncFeed("t1", "airbnb-1");
    assertThat(get(token).body()).contains("BEGIN:VEVENT");
  }

  @Test
  void aRevokedTokenIsRefusedOnTheNextRequestAfterAnswersFromMemory() throws Exception {
    IcsSync sync = sync(Store.inMemory(), CaffeineCaches.exportCache());
    String token = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    String etag = warm(token);
    long handed = server.requestsHandedToWorkers();
    assertThat(get(token, "If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(server.requestsHandedToWorkers()).isEqualTo(handed); // answered from memory

    assertThat(sync.exportTokens().revoke(token)).isTrue();
    assertThat(get(token).statusCode()).isEqualTo(404);
    assertThat(get(token, "If-None-Match", etag).statusCode()).isEqualTo(404);
  }

  @Test
  void anExpiredTokenIsRefusedByTheClockAlone() throws Exception {
    IcsSync sync = sync(Store.inMemory(), CaffeineCaches.exportCache());
    String old = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    sync.exportTokens().rotate("t1", "villa-7", "airbnb", Duration.ofHours(1));
    warm(old);
    long handed = server.requestsHandedToWorkers();
    assertThat(get(old).statusCode()).isEqualTo(200);
    assertThat(server.requestsHandedToWorkers()).isEqualTo(handed);
    clock.advance(Duration.ofHours(1)); // nothing written: only the clock moves
    assertThat(get(old).statusCode()).isEqualTo(404);
  }

  @Test
  void aSyncThatChangesTheExportIsServedOnTheNextRequest() throws Exception {
    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n";
    IcsSync sync = sync(Store.inMemory(), CaffeineCaches.exportCache());
    assertThat(sync.syncFeed("t1", "airbnb-1").outcome().name()).isNotEqualTo("FAILED");
    String token = sync.exportTokens().create("t1", "villa-7", null).token();
    String before = warm(token);
    long handed = server.requestsHandedToWorkers();
    assertThat(get(token).statusCode()).isEqualTo(200);
    assertThat(server.requestsHandedToWorkers()).isEqualTo(handed);

    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1@test\r\n"
        + "DTSTART;VALUE=DATE:20260610\r\nDTEND;VALUE=DATE:20260614\r\nSUMMARY:Reserved\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n";
    sync.syncFeed("t1", "airbnb-1");
    HttpResponse<String> after = get(token);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.headers().firstValue("ETag")).isNotEqualTo(Optional.of(before));
    assertThat(after.body()).contains("BEGIN:VEVENT");
    assertThat(get(token, "If-None-Match", before).statusCode()).isEqualTo(200);
  }

  @Test
  void noStoreReadRunsOnAnIoThread() throws Exception {
    Recording store = new Recording(Store.inMemory(), true);
    IcsSync sync = sync(store, CaffeineCaches.exportCache());
    String token = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    store.readers.clear();
    String etag = warm(token);
    for (int i = 0; i < 5; i++) {
      get(token);
      get(token, "If-None-Match", etag);
    }
    assertThat(store.readers).isNotEmpty().allMatch(name -> name.startsWith(WORKER_PREFIX));
  }

  @Test
  void aStoreThatCannotTellItsRevisionIsReadOnEveryRequestByAWorker() throws Exception {
    Recording store = new Recording(Store.inMemory(), false);
    IcsSync sync = sync(store, CaffeineCaches.exportCache());
    String token = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    String etag = warm(token);
    store.readers.clear();
    int reads = store.tokenReads.get();
    long handed = server.requestsHandedToWorkers();
    for (int i = 0; i < 5; i++) {
      assertThat(get(token).statusCode()).isEqualTo(200);
      assertThat(get(token, "If-None-Match", etag).statusCode()).isEqualTo(304);
    }
    assertThat(store.tokenReads.get() - reads).isEqualTo(10);
    assertThat(server.requestsHandedToWorkers() - handed).isEqualTo(10);
    assertThat(store.readers).allMatch(name -> name.startsWith(WORKER_PREFIX));
  }

  @Test
  void withoutAnInProcessExportCacheEveryRequestGoesToAWorker() throws Exception {
    IcsSync sync = sync(Store.inMemory(), ExportCache.none());
    String token = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    warm(token);
    long handed = server.requestsHandedToWorkers();
    assertThat(get(token).statusCode()).isEqualTo(200);
    assertThat(server.requestsHandedToWorkers() - handed).isEqualTo(1);
  }

  /** A host's own in-process export cache: a map, saying so through the SPI. */
  private static final class MapExportCache implements ExportCache {
    private final ConcurrentHashMap<String, ExportedCalendar> map = new ConcurrentHashMap<>();
    private final boolean saysInProcess;

    MapExportCache(boolean saysInProcess) {
      this.saysInProcess = saysInProcess;
    }

    @Override
    public Optional<ExportedCalendar> get(String viewKey) {
      return Optional.ofNullable(map.get(viewKey));
    }

    @Override
    public void put(String viewKey, String tenant, String property, ExportedCalendar calendar) {
      map.put(viewKey, calendar);
    }

    @Override
    public void invalidate(String tenant, String property) {
      map.clear();
    }

    @Override
    public boolean answersFromProcessMemory() {
      return saysInProcess;
    }
  }

  @Test
  void anyExportCacheThatAnswersFromProcessMemoryIsAskedOnTheIoThread() throws Exception {
    IcsSync sync = sync(Store.inMemory(), new MapExportCache(true));
    String token = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    warm(token);
    long handed = server.requestsHandedToWorkers();
    assertThat(get(token).statusCode()).isEqualTo(200);
    assertThat(server.requestsHandedToWorkers()).isEqualTo(handed);
    assertThat(sync.exportTokens().revoke(token)).isTrue();
    assertThat(get(token).statusCode()).isEqualTo(404);
  }

  @Test
  void anExportCacheThatDoesNotSaySoIsAskedByAWorker() throws Exception {
    IcsSync sync = sync(Store.inMemory(), new MapExportCache(false));
    String token = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    warm(token);
    long handed = server.requestsHandedToWorkers();
    assertThat(get(token).statusCode()).isEqualTo(200);
    assertThat(server.requestsHandedToWorkers() - handed).isEqualTo(1);
  }
}
