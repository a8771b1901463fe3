package dev.icssync.scheduler;

import dev.icssync.FailureReason;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * A plain conditional HTTP fetcher for the loopback proofs (the production fetcher refuses loopback
 * addresses by design): ETag/Last-Modified validators, 304, and Retry-After on 429/503.
 */
final class LoopbackFetcher implements FeedFetcher {
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  @Override
  public FetchResult fetch(FetchRequest request) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(request.feed().url()))
        .timeout(Duration.ofSeconds(30))
        .GET();
    if (request.etag() != null) {
      b.header("If-None-Match", request.etag());
    }
    if (request.lastModified() != null) {
      b.header("If-Modified-Since", request.lastModified());
    }
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      String etag = r.headers().firstValue("ETag").orElse(null);
      String lastModified = r.headers().firstValue("Last-Modified").orElse(null);
      int status = r.statusCode();
      if (status == 304) {
        return new FetchResult.NotModified(etag, lastModified, null);
      }
      if (status >= 200 && status < 300) {
        return new FetchResult.Fetched(r.body(), null, "text/calendar", etag, lastModified, null);
      }
      Duration retryAfter = r.headers().firstValue("Retry-After").map(LoopbackFetcher::seconds).orElse(null);
      FailureReason reason = switch (status) {
        case 404, 410 -> FailureReason.GONE;
        case 401, 403 -> FailureReason.UNAUTHORIZED;
        case 429 -> FailureReason.RATE_LIMITED;
        default -> status >= 500 ? FailureReason.SERVER_ERROR : FailureReason.HTTP_ERROR;
      };
      return new FetchResult.Failed(reason, "HTTP " + status, status, retryAfter, null);
    } catch (HttpTimeoutException e) {
      return FetchResult.Failed.of(FailureReason.TIMEOUT, "timeout");
    } catch (IOException e) {
      return FetchResult.Failed.of(FailureReason.NETWORK, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FetchResult.Failed.of(FailureReason.NETWORK, "interrupted");
    }
  }

  private static Duration seconds(String value) {
    try {
      return Duration.ofSeconds(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
