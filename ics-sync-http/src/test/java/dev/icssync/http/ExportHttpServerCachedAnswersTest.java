package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportToken;
import dev.icssync.ExportTokens;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The export server with token resolutions and answers kept in memory, over real loopback HTTP:
 * a revoked, rotated-out or expired token is refused on the very next request, and a token never
 * gets another tenant's or property's answer.
 */
class ExportHttpServerCachedAnswersTest {
  private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  private Instant now = NOW;
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final Store store = Store.inMemory();
  private final IcsSync sync = IcsSync.builder()
      .store(store)
      .clock(clock)
      .fetcher(r -> FetchResult.Failed.of(FailureReason.NETWORK, "offline"))
      .build();
  private final ExportEndpoint endpoint = ExportEndpoint.builder(sync).build();
  private final ExportHttpServer server = ExportHttpServer.builder(endpoint).contextPath("/export").start();
  private final HttpClient client = HttpClient.newHttpClient();

  ExportHttpServerCachedAnswersTest() {
    store.saveFeed(Feed.builder("t1", "airbnb-1").property("villa-7").source("airbnb").url("https://example.com/a.ics").build());
    store.saveFeed(Feed.builder("t2", "airbnb-2").property("villa-7").source("airbnb").url("https://example.com/b.ics").build());
    store.saveFeed(Feed.builder("t1", "airbnb-3").property("villa-8").source("airbnb").url("https://example.com/c.ics").build());
  }

  @AfterEach
  void close() {
    server.close();
  }

  private HttpResponse<String> get(String token, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.baseUri().resolve(token + ".ics"));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void warm(String token) throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(get(token).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aTokenRevokedThroughAnotherExportTokensIsRefusedOnTheNextRequest() throws Exception {
    String token = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    warm(token);
    String etag = get(token).headers().firstValue("ETag").orElseThrow();
    assertThat(get(token, "If-None-Match", etag).statusCode()).isEqualTo(304);

    assertThat(sync.exportTokens().revoke(token)).isTrue(); // a fresh ExportTokens, as the CLI's would be
    assertThat(get(token).statusCode()).isEqualTo(404);
    assertThat(get(token, "If-None-Match", etag).statusCode()).isEqualTo(404);
  }

  @Test
  void aTokenRevokedInTheStoreIsRefusedOnTheNextRequest() throws Exception {
    ExportTokens.Issued issued = sync.exportTokens().create("t1", "villa-7", null);
    warm(issued.token());
    ExportToken s = issued.stored();
    store.saveToken(new ExportToken(s.hash(), s.tenant(), s.property(), s.channel(), s.createdAt(), null, now));
    assertThat(get(issued.token()).statusCode()).isEqualTo(404);
  }

  @Test
  void rotationAndExpiryEndAServedTokenOnTime() throws Exception {
    String old = sync.exportTokens().create("t1", "villa-7", "airbnb").token();
    warm(old);
    String fresh = sync.exportTokens().rotate("t1", "villa-7", "airbnb", Duration.ofHours(1)).token();
    warm(old);
    warm(fresh);
    now = NOW.plus(Duration.ofHours(1)); // only the clock moves: the old token has expired
    assertThat(get(old).statusCode()).isEqualTo(404);
    assertThat(get(fresh).statusCode()).isEqualTo(200);
    String third = sync.exportTokens().rotate("t1", "villa-7", "airbnb", Duration.ZERO).token();
    assertThat(get(fresh).statusCode()).isEqualTo(404);
    assertThat(get(third).statusCode()).isEqualTo(200);
  }

  @Test
  void identicalExportsOfOtherTenantsAndPropertiesKeepTheirOwnAnswers() throws Exception {
    // three empty exports: the same bytes and ETag, but not the same property
    String mine = sync.exportTokens().create("t1", "villa-7", null).token();
    String otherTenant = sync.exportTokens().create("t2", "villa-7", null).token();
    String otherProperty = sync.exportTokens().create("t1", "villa-8", null).token();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> a = get(mine);
      HttpResponse<String> b = get(otherTenant);
      HttpResponse<String> c = get(otherProperty);
      assertThat(a.headers().firstValue("Surrogate-Key")).hasValue(
          dev.icssync.ExportView.surrogateKey("t1", "villa-7"));
      assertThat(b.headers().firstValue("Surrogate-Key")).hasValue(
          dev.icssync.ExportView.surrogateKey("t2", "villa-7"));
      assertThat(c.headers().firstValue("Surrogate-Key")).hasValue(
          dev.icssync.ExportView.surrogateKey("t1", "villa-8"));
    }
    assertThat(sync.exportTokens().revokeAll("t2", "villa-7")).isEqualTo(1);
    assertThat(get(otherTenant).statusCode()).isEqualTo(404);
    assertThat(get(mine).statusCode()).isEqualTo(200);
  }

  @Test
  void aCachedAnswerIsTheSameAsAFreshOneAndHeadAndGzipKeepTheirShape() throws Exception {
    String token = sync.exportTokens().create("t1", "villa-7", null).token();
    HttpResponse<String> first = get(token);
    HttpResponse<String> second = get(token);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(second.headers().map()).containsAllEntriesOf(
        java.util.Map.of("etag", first.headers().allValues("etag"),
            "content-length", List.of(Integer.toString(first.body().length()))));
    HttpResponse<String> head = client.send(HttpRequest.newBuilder(server.baseUri().resolve(token + ".ics"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(first.body().length()));
    HttpResponse<byte[]> gz = client.send(HttpRequest.newBuilder(server.baseUri().resolve(token + ".ics"))
        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(gz.headers().firstValue("ETag").orElseThrow()).endsWith("-gzip\"");
    assertThat(new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))
        .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(first.body());
  }

  @Test
  void preparedAnswersAreBounded() {
    ExportEndpoint small = ExportEndpoint.builder(sync).maxPrepared(8).build();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 40; i++) {
        store.saveFeed(Feed.builder("t1", "f-" + i).property("p-" + i).source("airbnb").url("https://example.com/" + i + ".ics").build());
        String token = sync.exportTokens().create("t1", "p-" + i, null).token();
        ExportEndpoint.Response r = small.handle(ExportEndpoint.Request.of("GET", "/export/" + token + ".ics",
            java.util.Map.of()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Surrogate-Key")).isEqualTo(dev.icssync.ExportView.surrogateKey("t1", "p-" + i));
        assertThat(small.preparedCount()).isBetween(1, 8);
      }
    }
  }
}
