package dev.icssync.bench.load;

import dev.icssync.Feed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The peer of the all-304 cycle: a bare Apache HttpClient 5 classic client (the library under
 * {@code HttpFeedFetcher}) doing the same conditional GETs as the engine, to the same feed server,
 * from the same number of worker threads, with the validators the engine stored ({@code If-None-Match}
 * and {@code If-Modified-Since}). No SSRF guard, no per-host gate, no parsing, no database: the floor
 * of a 304 cycle on this machine.
 */
final class BareClient implements AutoCloseable {
  private final CloseableHttpClient client;
  private final FeedServer server;

  BareClient(FeedServer server, int maxConnections) {
    this.server = server;
    this.client = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections).build())
        .disableAutomaticRetries()
        .build();
  }

  /** One conditional GET of every feed with {@code concurrency} threads; wall time in seconds. */
  Result cycle(List<Feed> feeds, int concurrency) {
    // the validators are known before the clock starts, as the engine's are in its feed states
    List<String[]> requests = feeds.stream().map(f -> new String[] {f.url(), server.etag(f.url())}).toList();
    long t0 = System.nanoTime();
    List<Integer> codes = Harness.parallel(requests, concurrency, r -> get(r[0], r[1]));
    double seconds = (System.nanoTime() - t0) / 1e9;
    long notModified = codes.stream().filter(c -> c == 304).count();
    return new Result(feeds.size(), concurrency, seconds, notModified);
  }

  private int get(String url, String etag) {
    HttpGet get = new HttpGet(url);
    get.addHeader("If-None-Match", etag);
    get.addHeader("If-Modified-Since", FeedServer.LAST_MODIFIED);
    try {
      return client.execute(get, response -> {
        if (response.getEntity() != null) {
          EntityUtils.consume(response.getEntity());
        }
        return response.getCode();
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
  }

  /** One cycle of the bare client. */
  record Result(int feeds, int concurrency, double seconds, long notModified) {
    double feedsPerSecond() {
      return feeds / seconds;
    }
  }
}
