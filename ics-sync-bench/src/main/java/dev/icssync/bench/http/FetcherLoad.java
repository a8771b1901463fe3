package dev.icssync.bench.http;

import com.sun.net.httpserver.HttpServer;
import dev.icssync.Feed;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Conditional GETs per second on loopback: {@link HttpFeedFetcher} (SSRF-guarded resolver, per-host
 * gate, deadline watchdog, streaming decoder, sniffing) side by side with a bare {@code
 * java.net.http.HttpClient} doing the same GET and reading the body into a byte array, in the same
 * JVM against the same {@code com.sun.net.httpserver} server. Two paths: the 304 path (the client
 * sends {@code If-None-Match} that matches) and the 200 path (unconditional, a 20 KB calendar).
 * Concurrency 1, 10 and 50 closed-loop threads; each cell runs the two clients alternately for
 * {@code rounds} rounds of {@code warmup} + {@code measure} seconds and reports the best round of
 * each (the machine is shared: figures are noisy).
 *
 * <pre>
 * mvn -B -q -pl ics-sync-bench -am -DskipTests package dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt
 * java -Xms256m -Xmx256m -XX:+AlwaysPreTouch \
 *     -cp ics-sync-bench/target/classes:$(cat ics-sync-bench/target/cp.txt) \
 *     dev.icssync.bench.http.FetcherLoad
 * </pre>
 *
 * <p>System properties: {@code warmup} (1 s), {@code measure} (3 s), {@code rounds} (2), {@code
 * concurrency} ("1,10,50"), {@code serverThreads} (16).
 */
public final class FetcherLoad {
  private FetcherLoad() {}

  static final String ETAG = "\"v1\"";

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // before the server is created
    int warmup = Integer.getInteger("warmup", 1);
    int measure = Integer.getInteger("measure", 3);
    int rounds = Integer.getInteger("rounds", 2);
    int serverThreads = Integer.getInteger("serverThreads", 16);
    List<Integer> levels = new ArrayList<>();
    for (String s : System.getProperty("concurrency", "1,10,50").split(",")) {
      levels.add(Integer.parseInt(s.trim()));
    }
    byte[] body = calendar(20 * 1024);

    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    ExecutorService serverPool = Executors.newFixedThreadPool(serverThreads);
    server.setExecutor(serverPool);
    serveCalendar(server, body);
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/cal.ics?token=bench";
    int maxLevel = levels.stream().mapToInt(Integer::intValue).max().orElse(1);

    HttpFeedFetcher fetcher = HttpFeedFetcher.builder()
        .allowHost("127.0.0.1")
        .minIntervalPerHost(Duration.ZERO)
        .maxConcurrentPerHost(maxLevel)
        .maxConnections(maxLevel)
        .build();
    HttpClient bare = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    Feed feed = Feed.builder("tenant", "bench").property("property").source("airbnb").url(url).build();
    FetchRequest conditional = new FetchRequest(feed, ETAG, null);
    FetchRequest unconditional = FetchRequest.unconditional(feed);
    URI uri = URI.create(url);
    HttpRequest bare304 = HttpRequest.newBuilder(uri).header("If-None-Match", ETAG)
        .timeout(Duration.ofSeconds(60)).GET().build();
    HttpRequest bare200 = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();

    System.out.printf(Locale.ROOT, "%-6s %-5s %14s %14s %8s  %s%n", "path", "conc",
        "fetcher req/s", "bare req/s", "ratio", "errors (fetcher/bare)");
    for (String path : List.of("304", "200")) {
      for (int level : levels) {
        double bestFetcher = 0;
        double bestBare = 0;
        long fetcherErrors = 0;
        long bareErrors = 0;
        for (int round = 0; round < rounds; round++) {
          Result f = run(level, warmup, measure, () -> {
            FetchResult r = fetcher.fetch(path.equals("304") ? conditional : unconditional);
            return path.equals("304") ? r instanceof FetchResult.NotModified
                : r instanceof FetchResult.Fetched fetched && fetched.bodyLength() == body.length;
          });
          Result b = run(level, warmup, measure, () -> {
            HttpResponse<byte[]> r = bare.send(path.equals("304") ? bare304 : bare200,
                HttpResponse.BodyHandlers.ofByteArray());
            return path.equals("304") ? r.statusCode() == 304
                : r.statusCode() == 200 && r.body().length == body.length;
          });
          bestFetcher = Math.max(bestFetcher, f.perSecond());
          bestBare = Math.max(bestBare, b.perSecond());
          fetcherErrors += f.errors();
          bareErrors += b.errors();
        }
        System.out.printf(Locale.ROOT, "%-6s %-5d %14.0f %14.0f %8.2f  %d/%d%n", path, level,
            bestFetcher, bestBare, bestFetcher / bestBare, fetcherErrors, bareErrors);
      }
    }
    fetcher.close();
    server.stop(0);
    serverPool.shutdownNow();
    System.exit(0); // the bare client's selector thread is not a daemon on every JDK
  }

  @FunctionalInterface
  private interface Call {
    boolean call() throws Exception;
  }

  private record Result(double perSecond, long errors) {}

  private static Result run(int threads, int warmupSeconds, int measureSeconds, Call call)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean measuring = new AtomicBoolean();
    LongAdder ok = new LongAdder();
    LongAdder errors = new LongAdder();
    CountDownLatch done = new CountDownLatch(threads);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          while (!stop.get()) {
            boolean good;
            try {
              good = call.call();
            } catch (Exception e) {
              good = false;
            }
            if (measuring.get()) {
              (good ? ok : errors).increment();
            }
          }
        } finally {
          done.countDown();
        }
      }, "load-" + i);
      t.setDaemon(true);
      t.start();
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
    measuring.set(true);
    long t0 = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(measureSeconds));
    measuring.set(false);
    double seconds = (System.nanoTime() - t0) / 1e9;
    stop.set(true);
    done.await(30, TimeUnit.SECONDS);
    return new Result(ok.sum() / seconds, errors.sum());
  }

  /**
   * Serves {@code body} at {@code /cal.ics} with the ETag {@link #ETAG}: 304 to a request that
   * sends it back in If-None-Match, else 200.
   */
  static void serveCalendar(HttpServer server, byte[] body) {
    server.createContext("/cal.ics", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      exchange.getResponseHeaders().set("ETag", ETAG);
      if (ETAG.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
        exchange.sendResponseHeaders(304, -1);
      } else {
        exchange.getResponseHeaders().set("Content-Type", "text/calendar; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
  }

  /** A calendar of about {@code size} bytes. */
  /** The fetcher's result of a benchmark call, or an exception if it is not what {@code path} serves. */
  static FetchResult expect(FetchResult r, int path, int bodyLength) {
    if (path == 304 ? r instanceof FetchResult.NotModified
        : r instanceof FetchResult.Fetched f && f.bodyLength() == bodyLength) {
      return r;
    }
    throw new IllegalStateException("fetcher: " + r);
  }

  /** The JDK client's response of a benchmark call, or an exception if it is not what {@code path} serves. */
  static HttpResponse<byte[]> expect(HttpResponse<byte[]> r, int path, int bodyLength) {
    if (r.statusCode() == path && (path == 304 || r.body().length == bodyLength)) {
      return r;
    }
    throw new IllegalStateException("java.net.http: status " + r.statusCode());
  }

  static byte[] calendar(int size) {
    StringBuilder sb = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n");
    int i = 0;
    while (sb.length() < size - 200) {
      sb.append("BEGIN:VEVENT\r\nUID:").append(i).append("@bench\r\nDTSTART;VALUE=DATE:20260101\r\n")
          .append("DTEND;VALUE=DATE:20260104\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n");
      i++;
    }
    sb.append("END:VCALENDAR\r\n");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

}
