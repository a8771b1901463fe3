package dev.icssync.bench.http;

import com.sun.net.httpserver.HttpServer;
import dev.icssync.Feed;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.spi.FetchRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One feed fetch on loopback, in requests per second: {@link HttpFeedFetcher} (SSRF-guarded resolver,
 * per-host gate, deadline watchdog, streaming body reader, calendar sniffing) beside a bare {@code
 * java.net.http.HttpClient} and a bare Apache HttpClient 5 classic client (the library the fetcher
 * is built on) doing the same GET and reading the body into a byte array. All three run in the same
 * JVM against the same {@code com.sun.net.httpserver} server (TCP_NODELAY on).
 *
 * <p>{@code path}: {@code 304} sends {@code If-None-Match} that matches (no body); {@code 200} is
 * unconditional and returns a 20 KB calendar. Methods without a suffix run on one thread, the
 * {@code ...Threads10} and {@code ...Threads50} ones on ten and fifty threads sharing one client
 * (the score is the total of all threads). The server pool, the fetcher's per-host gate and both
 * connection pools allow {@code MAX_THREADS} (64), more than the most benchmark threads, so the
 * fixture does not throttle them. Each call is checked (status, body length); a failed call throws,
 * so the benchmark fails rather than measuring errors.
 *
 * <pre>
 * java -jar ics-sync-bench/target/benchmarks.jar FetchBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc \
 *     -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch -Dsun.net.httpserver.nodelay=true"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class FetchBenchmark {
  static final String ETAG = FetcherLoad.ETAG;
  static final int BODY_BYTES = 20 * 1024;
  private static final int MAX_THREADS = 64;

  @Param({"304", "200"})
  public int path;

  private HttpServer server;
  private ExecutorService serverPool;
  private byte[] body;
  private HttpFeedFetcher fetcher;
  private FetchRequest request;
  private HttpClient jdk;
  private HttpRequest jdkRequest;
  private CloseableHttpClient apache;
  private URI uri;

  @Setup(Level.Trial)
  public void setUp() throws IOException, InterruptedException {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // read when the first server is created
    body = FetcherLoad.calendar(BODY_BYTES);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    serverPool = Executors.newFixedThreadPool(MAX_THREADS, r -> {
      Thread t = new Thread(r, "feed-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(serverPool);
    FetcherLoad.serveCalendar(server, body);
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/cal.ics?token=bench";
    uri = URI.create(url);

    fetcher = HttpFeedFetcher.builder()
        .allowHost("127.0.0.1")
        .minIntervalPerHost(Duration.ZERO)
        .maxConcurrentPerHost(MAX_THREADS)
        .maxConnections(MAX_THREADS)
        .build();
    Feed feed = Feed.builder("tenant", "bench").property("property").source("airbnb").url(url).build();
    request = path == 304 ? new FetchRequest(feed, ETAG, null) : FetchRequest.unconditional(feed);

    jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
    if (path == 304) {
      b.header("If-None-Match", ETAG);
    }
    jdkRequest = b.build();

    apache = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(MAX_THREADS).setMaxConnPerRoute(MAX_THREADS).build())
        .build();

    // each client must work before it is measured
    ours();
    jdk();
    apache();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    fetcher.close();
    apache.close();
    server.stop(0);
    serverPool.shutdownNow();
  }

  @Benchmark
  public Object ours() {
    return FetcherLoad.expect(fetcher.fetch(request), path, body.length);
  }

  @Benchmark
  public Object jdk() throws IOException, InterruptedException {
    return FetcherLoad.expect(jdk.send(jdkRequest, HttpResponse.BodyHandlers.ofByteArray()), path,
        body.length);
  }

  @Benchmark
  public Object apache() throws IOException {
    HttpGet get = new HttpGet(uri);
    if (path == 304) {
      get.addHeader("If-None-Match", ETAG);
    }
    return apache.execute(get, response -> {
      byte[] bytes = response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
      if (response.getCode() == path && (path == 304 || bytes.length == body.length)) {
        return bytes;
      }
      throw new IllegalStateException("apache: status " + response.getCode());
    });
  }

  @Benchmark
  @Threads(10)
  public Object oursThreads10() {
    return ours();
  }

  @Benchmark
  @Threads(10)
  public Object jdkThreads10() throws IOException, InterruptedException {
    return jdk();
  }

  @Benchmark
  @Threads(10)
  public Object apacheThreads10() throws IOException {
    return apache();
  }

  @Benchmark
  @Threads(50)
  public Object oursThreads50() {
    return ours();
  }

  @Benchmark
  @Threads(50)
  public Object jdkThreads50() throws IOException, InterruptedException {
    return jdk();
  }

  @Benchmark
  @Threads(50)
  public Object apacheThreads50() throws IOException {
    return apache();
  }
}
