package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The server itself: routes beside the export, on a real loopback port and a real client. */
class ExportHttpServerTest {
  private final Store store = Store.inMemory();
  private final IcsSync sync = IcsSync.builder()
      .store(store)
      .fetcher(r -> FetchResult.Failed.of(FailureReason.NETWORK, "offline"))
      .build();
  private final ExportEndpoint endpoint = ExportEndpoint.builder(sync).build();
  private final HttpClient client = HttpClient.newHttpClient();

  ExportHttpServerTest() {
    store.saveFeed(Feed.builder("t1", "airbnb-1").property("villa-7").source("airbnb").url("https://example.com/a.ics").build());
  }

  private static ExportEndpoint.Response text(int status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new ExportEndpoint.Response(status, Map.of("Content-Type", List.of("text/plain; version=0.0.4")),
        bytes);
  }

  private HttpResponse<String> send(URI uri, String method) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void routesServeTheirExactPathsBesideTheExport() throws Exception {
    AtomicReference<ExportEndpoint.Request> seen = new AtomicReference<>();
    String token = sync.exportTokens().create("t1", "villa-7", null).token();
    try (ExportHttpServer server = ExportHttpServer.builder(endpoint)
        .contextPath("/export")
        .route("/metrics", r -> {
          seen.set(r);
          return text(200, "feeds_total 3\n");
        })
        .route("/health/ready", r -> text(503, "not ready\n"))
        .route("/health/broken", r -> {
          throw new IllegalStateException("database down");
        })
        .start()) {
      URI root = URI.create("http://127.0.0.1:" + server.port());

      HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(root.resolve("/metrics?x=1"))
          .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).isEqualTo("feeds_total 3\n");
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4");
      assertThat(seen.get().method()).isEqualTo("GET");
      assertThat(seen.get().path()).isEqualTo("/metrics");
      assertThat(seen.get().header("accept")).isEqualTo("text/plain");

      HttpResponse<String> head = send(root.resolve("/metrics"), "HEAD");
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(seen.get().method()).isEqualTo("HEAD");

      assertThat(send(root.resolve("/health/ready"), "GET").statusCode()).isEqualTo(503);
      HttpResponse<String> broken = send(root.resolve("/health/broken"), "GET");
      assertThat(broken.statusCode()).isEqualTo(500);
      assertThat(broken.body()).doesNotContain("database down");

      // exact paths only; what is neither a route nor under the context path gets the export's 404
      HttpResponse<String> reference = send(server.baseUri().resolve("no-such-token.ics"), "GET");
      assertThat(reference.statusCode()).isEqualTo(404);
      for (String other : List.of("/metrics/", "/metrics/x", "/health", "/", "/exports/" + token + ".ics")) {
        HttpResponse<String> r = send(root.resolve(other), "GET");
        assertThat(r.statusCode()).as(other).isEqualTo(404);
        assertThat(r.body()).as(other).isEqualTo(reference.body());
      }

      assertThat(send(server.baseUri().resolve(token + ".ics"), "GET").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void routesAreCheckedWhenSet() {
    ExportHttpServer.Builder b = ExportHttpServer.builder(endpoint).route("/metrics", r -> text(200, ""));
    assertThatThrownBy(() -> b.route("/metrics", r -> text(200, "")))
        .isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("/metrics");
    assertThatThrownBy(() -> b.route("metrics", r -> text(200, "")))
        .isInstanceOf(IcsSyncException.ConfigurationException.class);
    assertThatThrownBy(() -> b.route("/m?x=1", r -> text(200, "")))
        .isInstanceOf(IcsSyncException.ConfigurationException.class);
    assertThatThrownBy(() -> b.contextPath("export"))
        .isInstanceOf(IcsSyncException.ConfigurationException.class);
  }

  @Test
  void startingAndServingSetsNoSystemProperty() throws Exception {
    java.util.Properties before = (java.util.Properties) System.getProperties().clone();
    String token = sync.exportTokens().create("t1", "villa-7", null).token();
    for (boolean noDelay : new boolean[] {true, false}) {
      try (ExportHttpServer server = ExportHttpServer.builder(endpoint).tcpNoDelay(noDelay).start()) {
        assertThat(send(server.baseUri().resolve(token + ".ics"), "GET").statusCode()).isEqualTo(200);
      }
    }
    assertThat(System.getProperties()).isEqualTo(before);
  }
}
