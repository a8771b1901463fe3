package dev.icssync.bench.scheduler;

import dev.icssync.FailureReason;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Conditional fetches from the loopback server (the production fetcher refuses loopback by design). */
final class LoadFetcher implements FeedFetcher {
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  @Override
  public FetchResult fetch(FetchRequest request) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(request.feed().url())).timeout(Duration.ofSeconds(30));
    if (request.etag() != null) {
      b.header("If-None-Match", request.etag());
    }
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      String etag = r.headers().firstValue("ETag").orElse(null);
      if (r.statusCode() == 304) {
        return new FetchResult.NotModified(etag, null, null);
      }
      if (r.statusCode() == 200) {
        return new FetchResult.Fetched(r.body(), null, "text/calendar", etag, null, null);
      }
      return new FetchResult.Failed(FailureReason.HTTP_ERROR, "HTTP " + r.statusCode(), r.statusCode(), null, null);
    } catch (IOException e) {
      return FetchResult.Failed.of(FailureReason.NETWORK, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FetchResult.Failed.of(FailureReason.NETWORK, "interrupted");
    }
  }
}
