package dev.icssync.bench.export;

import dev.icssync.ExportedCalendar;
import dev.icssync.IcsSync;
import dev.icssync.http.ExportEndpoint;
import dev.icssync.http.ExportHttpServer;
import dev.icssync.spi.ExportCache;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load run of the export endpoint on loopback: the 304 path (If-None-Match), the 200 path, and the
 * 200 path with gzip, each for a few seconds with a fixed number of concurrent clients. Prints
 * requests/s and latency percentiles. Client and server share the machine, so the figures are a
 * floor, not a ceiling.
 *
 * <pre>
 * java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp benchmarks.jar dev.icssync.bench.export.ExportLoadTest \
 *     events=365 clients=8 seconds=8 serverThreads=4 cache=memory
 * </pre>
 */
public final class ExportLoadTest {
  private ExportLoadTest() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int events = Integer.parseInt(opts.getOrDefault("events", "365"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "8"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "8"));
    int serverThreads = Integer.parseInt(opts.getOrDefault("serverThreads", "4"));
    boolean cached = opts.getOrDefault("cache", "memory").equals("memory");

    System.setProperty("sun.net.httpserver.nodelay", "true");
    IcsSync sync = ExportData.sync(ExportData.store(events), cached ? new MapCache() : ExportCache.none(),
        ExportData.clock());
    String token = sync.exportTokens().create(ExportData.TENANT, ExportData.PROPERTY, "airbnb").token();
    try (ExportHttpServer server = ExportHttpServer.start(ExportEndpoint.builder(sync).build(),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "/export", serverThreads)) {
      URI uri = server.baseUri().resolve(token + ".ics");
      ExecutorService clientThreads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "load-client");
        t.setDaemon(true); // lets the JVM exit when the run is over
        return t;
      });
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .executor(clientThreads).build();
      HttpResponse<byte[]> first = client.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      String etag = first.headers().firstValue("ETag").orElseThrow();
      System.out.printf(Locale.ROOT, "export: %d events stored, body %d bytes, cache=%s, clients=%d,"
          + " server threads=%d, %d s per phase%n", events, first.body().length, cached ? "memory" : "none",
          clients, serverThreads, seconds);
      HttpRequest notModified = HttpRequest.newBuilder(uri).header("If-None-Match", etag).build();
      HttpRequest full = HttpRequest.newBuilder(uri).build();
      HttpRequest gzip = HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").build();
      run(client, notModified, 304, clients, 2, null); // warm-up
      run(client, full, 200, clients, 2, null);
      run(client, notModified, 304, clients, seconds, "304 (If-None-Match)");
      run(client, full, 200, clients, seconds, "200 identity");
      run(client, gzip, 200, clients, seconds, "200 gzip");
      clientThreads.shutdownNow();
    }
  }

  private static void run(HttpClient client, HttpRequest request, int expected, int clients, int seconds,
      String label) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Future<long[]>> futures = new ArrayList<>();
    int[] errors = new int[1];
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        long[] lat = new long[1 << 16];
        int n = 0;
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
          long t = System.nanoTime() - t0;
          if (r.statusCode() != expected) {
            synchronized (errors) {
              errors[0]++;
            }
          }
          if (n == lat.length) {
            lat = Arrays.copyOf(lat, n * 2);
          }
          lat[n++] = t;
        }
        return Arrays.copyOf(lat, n);
      }));
    }
    long[] all = new long[0];
    for (Future<long[]> f : futures) {
      long[] l = f.get();
      long[] merged = Arrays.copyOf(all, all.length + l.length);
      System.arraycopy(l, 0, merged, all.length, l.length);
      all = merged;
    }
    pool.shutdown();
    if (label == null) {
      return;
    }
    Arrays.sort(all);
    double rps = all.length / (double) seconds;
    System.out.printf(Locale.ROOT,
        "%-20s %8d requests %9.0f req/s (%,11.0f req/min)  p50 %7.3f ms  p99 %7.3f ms  max %7.2f ms  errors %d%n",
        label, all.length, rps, rps * 60, pct(all, 0.50), pct(all, 0.99), all[all.length - 1] / 1e6, errors[0]);
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  /** An in-process cache, standing in for the Caffeine one of ics-sync-cache. */
  static final class MapCache implements ExportCache {
    private final Map<String, ExportedCalendar> map = new ConcurrentHashMap<>();

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
  }
}
