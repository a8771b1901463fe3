package dev.icssync.bench.export;

import com.sun.net.httpserver.HttpServer;
import dev.icssync.IcsSync;
import dev.icssync.bench.load.CpuProbes;
import dev.icssync.cache.CaffeineCaches;
import dev.icssync.http.ExportEndpoint;
import dev.icssync.http.ExportHttpServer;
import dev.icssync.spi.ExportCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.nio.support.BasicResponseProducer;
import org.apache.hc.core5.http.nio.support.BasicServerExchangeHandler;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One HTTP GET of a property's export (the Airbnb view of {@code events} stored stays over three
 * channels) on loopback, through {@link ExportHttpServer}: token lookup, view, render or cache hit,
 * ETag check, headers. Requests per second of one client thread (java.net.http, HTTP/1.1 keep-alive).
 *
 * <ul>
 *   <li>{@code ours}: the endpoint with the Caffeine export cache, as deployed;
 *   <li>{@code oursUncached}: the endpoint rendering the export from the store on every request;
 *   <li>{@code bareHttpCore}: the peer, a bare Apache HttpCore 5 async server (the stack
 *       {@link ExportHttpServer} is built on, same I/O settings) answering the same bytes with the same
 *       ETag check from memory on its I/O thread: the floor of the HTTP stack itself. The goal is
 *       {@code ours} at 0.8x of it or better, for 200 and for 304;
 *   <li>{@code staticBytes}: a second peer on another stack, a bare {@code com.sun.net.httpserver}
 *       handler answering the same bytes the same way.
 * </ul>
 *
 * <p>{@code path}: {@code 200} is unconditional; {@code 304} sends the current ETag in {@code
 * If-None-Match}. Every response's status and length are checked. The seed asks for 1,000
 * requests per minute with p50 under 500 ms.
 *
 * <pre>
 * java -jar ics-sync-bench/target/benchmarks.jar ExportEndpointBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc \
 *     -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch -Dsun.net.httpserver.nodelay=true"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class ExportEndpointBenchmark {
  private static final int SERVER_THREADS = 4;
  private static final int WARM_UP_BATCH = 1_000;
  private static final long WARM_UP_MIN_MS = 2_000;
  private static final long WARM_UP_MAX_MS = 20_000;

  @Param({"200", "304"})
  public int path;

  @Param({"100"})
  public int events;

  private ExportHttpServer cachedServer;
  private ExportHttpServer uncachedServer;
  private HttpServer staticServer;
  private HttpAsyncServer bareServer;
  private ExecutorService staticPool;
  private ExecutorService clientPool;
  private HttpClient client;
  private HttpRequest cachedRequest;
  private HttpRequest uncachedRequest;
  private HttpRequest staticRequest;
  private HttpRequest bareRequest;
  private int bodyLength;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    IcsSync cached = ExportData.sync(ExportData.store(events), CaffeineCaches.exportCache(), ExportData.clock());
    IcsSync uncached = ExportData.sync(ExportData.store(events), ExportCache.none(), ExportData.clock());
    cachedServer = ExportHttpServer.start(ExportEndpoint.builder(cached).build(), loopback, "/export",
        SERVER_THREADS);
    uncachedServer = ExportHttpServer.start(ExportEndpoint.builder(uncached).build(), loopback, "/export",
        SERVER_THREADS);
    URI cachedUri = cachedServer.baseUri().resolve(
        cached.exportTokens().create(ExportData.TENANT, ExportData.PROPERTY, "airbnb").token() + ".ics");
    URI uncachedUri = uncachedServer.baseUri().resolve(
        uncached.exportTokens().create(ExportData.TENANT, ExportData.PROPERTY, "airbnb").token() + ".ics");

    clientPool = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "export-client");
      t.setDaemon(true);
      return t;
    });
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientPool)
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<byte[]> first = client.send(HttpRequest.newBuilder(uncachedUri).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (first.statusCode() != 200) {
      throw new IllegalStateException("export answered " + first.statusCode());
    }
    byte[] body = first.body();
    bodyLength = body.length;
    String etag = first.headers().firstValue("ETag").orElseThrow();

    staticPool = Executors.newFixedThreadPool(SERVER_THREADS, r -> {
      Thread t = new Thread(r, "static-server");
      t.setDaemon(true);
      return t;
    });
    staticServer = HttpServer.create(loopback, 1024);
    staticServer.setExecutor(staticPool);
    staticServer.createContext("/static/", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        in.transferTo(OutputStream.nullOutputStream());
        exchange.getResponseHeaders().set("ETag", etag);
        exchange.getResponseHeaders().set("Cache-Control", ExportEndpoint.DEFAULT_CACHE_CONTROL);
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
          exchange.sendResponseHeaders(304, -1);
        } else {
          exchange.getResponseHeaders().set("Content-Type", ExportEndpoint.CONTENT_TYPE);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      }
    });
    staticServer.start();
    URI staticUri = URI.create("http://127.0.0.1:" + staticServer.getAddress().getPort() + "/static/export.ics");

    // the peer sends the same header lines as the endpoint (Date and framing are the stack's own)
    java.util.List<String[]> headers200 = answerHeaders(first);
    HttpResponse<byte[]> notModified = client.send(HttpRequest.newBuilder(uncachedUri).header("If-None-Match", etag)
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    java.util.List<String[]> headers304 = answerHeaders(notModified);
    bareServer = bareHttpCore(body, etag, headers200, headers304);
    bareServer.start();
    ListenerEndpoint bareListener = bareServer.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        URIScheme.HTTP).get(30, TimeUnit.SECONDS);
    URI bareUri = URI.create("http://127.0.0.1:" + ((InetSocketAddress) bareListener.getAddress()).getPort()
        + "/bare/export.ics");

    cachedRequest = request(cachedUri, etag);
    uncachedRequest = request(uncachedUri, etag);
    staticRequest = request(staticUri, etag);
    bareRequest = request(bareUri, etag);
    ours();
    oursUncached();
    staticBytes();
    bareHttpCore();
    String name = params.getBenchmark();
    warmUntilCompiled(name.endsWith(".oursUncached") ? uncachedRequest : name.endsWith(".staticBytes")
        ? staticRequest : name.endsWith(".bareHttpCore") ? bareRequest : cachedRequest);
  }

  /**
   * Sends {@code request} until the JIT compiler has finished with its path: until a batch of
   * {@link #WARM_UP_BATCH} requests costs the compiler threads less than a millisecond of CPU, at
   * least {@link #WARM_UP_MIN_MS} and at most {@link #WARM_UP_MAX_MS}. While the compiler works it
   * keeps both cores busy, and one client's request/response ping-pong is then about twice as fast
   * as once the cores go idle between the two sides' wake-ups (seen here: 14,000 requests/s for a few
   * seconds, then a steady 6,500, for ours and for the peers alike). JMH's short warm-up ended inside
   * that phase, so a figure depended on when the phase ended, and the ratio of two benchmarks run
   * minutes apart moved by a fifth from run to run. The measured iterations start after it.
   */
  private void warmUntilCompiled(HttpRequest request) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    long jit = CpuProbes.jitCpuNanos();
    while (true) {
      for (int i = 0; i < WARM_UP_BATCH; i++) {
        get(request);
      }
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000L;
      long now = CpuProbes.jitCpuNanos();
      boolean idle = now - jit < 1_000_000L;
      jit = now;
      if (elapsedMs >= WARM_UP_MAX_MS || idle && elapsedMs >= WARM_UP_MIN_MS) {
        return;
      }
    }
  }

  /** The header lines of an answer of the endpoint, but Date and framing (each server sets its own). */
  private static java.util.List<String[]> answerHeaders(HttpResponse<?> r) {
    java.util.List<String[]> out = new java.util.ArrayList<>();
    r.headers().map().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("date") && !name.equalsIgnoreCase("content-length")
          && !name.equalsIgnoreCase("content-type") && !name.equalsIgnoreCase("connection")
          && !name.equalsIgnoreCase("transfer-encoding") && !name.startsWith(":")) {
        values.forEach(v -> out.add(new String[] {name, v}));
      }
    });
    return out;
  }

  /**
   * A bare HttpCore 5 async server: one fixed answer, built once, sent from the I/O thread; the same
   * I/O settings as {@link ExportHttpServer} (two I/O threads, TCP_NODELAY), HttpCore's default
   * protocol handlers, and the same header lines as the endpoint's 200 and 304 (ETag, Last-Modified,
   * Cache-Control, Surrogate-Key, ...; Content-Type from the entity).
   */
  static HttpAsyncServer bareHttpCore(byte[] body, String etag, java.util.List<String[]> headers200,
      java.util.List<String[]> headers304) {
    AsyncServerRequestHandler<Message<org.apache.hc.core5.http.HttpRequest, Void>> handler =
        new AsyncServerRequestHandler<>() {
          @Override
          public AsyncRequestConsumer<Message<org.apache.hc.core5.http.HttpRequest, Void>> prepare(
              org.apache.hc.core5.http.HttpRequest request, EntityDetails details, HttpContext context) {
            return new BasicRequestConsumer<>(details == null ? null : new DiscardingEntityConsumer<>());
          }

          @Override
          public void handle(Message<org.apache.hc.core5.http.HttpRequest, Void> message, ResponseTrigger trigger,
              HttpContext context) throws HttpException, IOException {
            org.apache.hc.core5.http.Header inm = message.getHead().getFirstHeader("If-None-Match");
            if (inm != null && etag.equals(inm.getValue())) {
              BasicHttpResponse response = new BasicHttpResponse(304);
              for (String[] h : headers304) {
                response.addHeader(h[0], h[1]);
              }
              trigger.submitResponse(new BasicResponseProducer(response), context);
            } else {
              BasicHttpResponse response = new BasicHttpResponse(200);
              for (String[] h : headers200) {
                response.addHeader(h[0], h[1]);
              }
              trigger.submitResponse(new BasicResponseProducer(response,
                  new BasicAsyncEntityProducer(body, ContentType.parse(ExportEndpoint.CONTENT_TYPE))), context);
            }
          }
        };
    return AsyncServerBootstrap.bootstrap()
        .setCanonicalHostName("localhost")
        .setIOReactorConfig(IOReactorConfig.custom()
            .setIoThreadCount(Math.min(2, Runtime.getRuntime().availableProcessors()))
            .setTcpNoDelay(true)
            .setSoReuseAddress(true)
            .build())
        .setRequestRouter((request, context) -> () -> new BasicServerExchangeHandler<>(handler))
        .create();
  }

  private HttpRequest request(URI uri, String etag) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
    if (path == 304) {
      b.header("If-None-Match", etag);
    }
    return b.build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cachedServer.close();
    uncachedServer.close();
    staticServer.stop(0);
    bareServer.close(CloseMode.IMMEDIATE);
    staticPool.shutdownNow();
    clientPool.shutdownNow();
  }

  @Benchmark
  public byte[] ours() throws IOException, InterruptedException {
    return get(cachedRequest);
  }

  @Benchmark
  public byte[] oursUncached() throws IOException, InterruptedException {
    return get(uncachedRequest);
  }

  @Benchmark
  public byte[] staticBytes() throws IOException, InterruptedException {
    return get(staticRequest);
  }

  @Benchmark
  public byte[] bareHttpCore() throws IOException, InterruptedException {
    return get(bareRequest);
  }

  private byte[] get(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != path || (path == 200 && r.body().length != bodyLength)) {
      String peer = request.uri().getPath().startsWith("/static") ? "static"
          : request.uri().getPath().startsWith("/bare") ? "bare" : "export";
      throw new IllegalStateException(peer
          + " answered " + r.statusCode() + " with " + r.body().length + " bytes");
    }
    return r.body();
  }
}
