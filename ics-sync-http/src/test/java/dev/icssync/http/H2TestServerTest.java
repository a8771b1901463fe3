package dev.icssync.http;

import static dev.icssync.http.Fixtures.CALENDAR;
import static dev.icssync.http.Fixtures.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.core5.http.HttpVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link H2TestServer} fixture, checked with the JDK's own client (which negotiates h2 by ALPN):
 * without this, a fetcher test could pass over HTTP/1.1 while claiming HTTP/2.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class H2TestServerTest {
  private static H2TestServer negotiate;
  private static H2TestServer http1;

  @BeforeAll
  static void start() throws IOException {
    negotiate = H2TestServer.start(H2TestServer.Mode.NEGOTIATE);
    http1 = H2TestServer.start(H2TestServer.Mode.HTTP_1_ONLY);
  }

  @AfterAll
  static void stop() {
    negotiate.close();
    http1.close();
  }

  @BeforeEach
  void clear() {
    negotiate.resetCounts();
    http1.resetCounts();
  }

  private static HttpClient jdkClient(H2TestServer server) {
    return HttpClient.newBuilder()
        .sslContext(server.clientContext())
        .version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * Sends with a push-promise handler (that declines every push): without one the JDK client
   * announces SETTINGS_MAX_CONCURRENT_STREAMS 0 to switch push off, which is legal (RFC 9113 6.5.2)
   * but which HttpCore 5.4 refuses as a connection error.
   */
  private static HttpResponse<byte[]> send(HttpClient client, HttpRequest request)
      throws IOException {
    try {
      return sendAsync(client, request).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no response within 10 s", e);
    }
  }

  private static CompletableFuture<HttpResponse<byte[]>> sendAsync(HttpClient client,
      HttpRequest request) {
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray(),
        (initiating, pushed, acceptor) -> {});
  }

  private static HttpRequest get(H2TestServer server, String path) {
    return HttpRequest.newBuilder(URI.create(server.url(path)))
        .timeout(Duration.ofSeconds(5))
        .header("If-None-Match", "\"v1\"")
        .header("Accept-Encoding", "gzip")
        .header("User-Agent", "jdk-test")
        .header("Authorization", "Basic dTpw")
        .build();
  }

  @Test
  void negotiateModeServesHttp2AndRecordsTheRequest() throws Exception {
    negotiate.reply("/cal.ics", H2TestServer.Reply.ok(ascii(CALENDAR)).header("ETag", "\"v2\""));
    HttpResponse<byte[]> r = send(jdkClient(negotiate), get(negotiate, "/cal.ics?token=x"));

    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(ascii(CALENDAR));
    assertThat(r.headers().firstValue("etag")).contains("\"v2\"");
    H2TestServer.Recorded seen = negotiate.onlyRequest("/cal.ics");
    assertThat(seen.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(seen.isHttp2()).isTrue();
    assertThat(seen.header("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(seen.header("accept-encoding")).isEqualTo("gzip");
    assertThat(seen.header("User-Agent")).isEqualTo("jdk-test");
    assertThat(seen.header("Authorization")).isEqualTo("Basic dTpw");
    assertThat(negotiate.connections()).isEqualTo(1);
  }

  @Test
  void http1OnlyModeServesHttp11ToAClientThatAsksForH2() throws Exception {
    http1.reply("/cal.ics", H2TestServer.Reply.ok(ascii(CALENDAR)));
    HttpResponse<byte[]> r =
        send(jdkClient(http1), get(http1, "/cal.ics"));

    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(r.body()).isEqualTo(ascii(CALENDAR));
    H2TestServer.Recorded seen = http1.onlyRequest("/cal.ics");
    assertThat(seen.version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(seen.isHttp2()).isFalse();
    assertThat(seen.header("User-Agent")).isEqualTo("jdk-test");
  }

  @Test
  void unregisteredPathIs404() throws Exception {
    HttpResponse<byte[]> r = send(jdkClient(negotiate), get(negotiate, "/nothing"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void heldRepliesAreAnsweredOnceAllRequestsWaitOnOneHttp2Connection() {
    H2TestServer.Reply held = H2TestServer.Reply.ok(ascii(CALENDAR))
        .holdUntil(5, Duration.ofSeconds(5));
    negotiate.reply("/held", held);
    HttpClient client = jdkClient(negotiate);
    // one request first, so that the other four find the negotiated connection
    CompletableFuture<HttpResponse<byte[]>> first =
        sendAsync(client, get(negotiate, "/held"));
    List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>(List.of(first));
    waitFor(() -> negotiate.requests("/held").size() == 1);
    for (int i = 0; i < 4; i++) {
      all.add(sendAsync(client, get(negotiate, "/held")));
    }

    for (CompletableFuture<HttpResponse<byte[]>> f : all) {
      HttpResponse<byte[]> r = f.join();
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r.body()).isEqualTo(ascii(CALENDAR));
    }
    assertThat(held.peakHeld()).isEqualTo(5);
    assertThat(negotiate.connections()).isEqualTo(1);
  }

  @Test
  void dripSendsTheWholeBodySlowly() throws Exception {
    byte[] body = ascii(CALENDAR);
    negotiate.reply("/drip", H2TestServer.Reply.ok(body).drip(body.length / 4 + 1,
        Duration.ofMillis(100)));
    long start = System.nanoTime();
    HttpResponse<byte[]> r = send(jdkClient(negotiate), get(negotiate, "/drip"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.body()).isEqualTo(body);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(250)); // four chunks, three gaps
  }

  @Test
  void resetMidBodyFailsTheExchangeOnBothProtocols() {
    byte[] body = ascii(CALENDAR);
    for (H2TestServer server : List.of(negotiate, http1)) {
      server.reply("/reset", H2TestServer.Reply.ok(body).resetAfter(20));
      assertThatThrownBy(() -> send(jdkClient(server), get(server, "/reset")))
          .as(server.mode().toString())
          .isInstanceOf(IOException.class);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
        .until(condition::getAsBoolean);
  }
}
