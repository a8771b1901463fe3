package dev.icssync.bench.http;

import dev.icssync.Feed;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.spi.FetchRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.ssl.BasicServerTlsStrategy;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.nio.support.BasicResponseProducer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.http2.impl.nio.bootstrap.H2ServerBootstrap;
import org.apache.hc.core5.http2.ssl.H2TlsSupport;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
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
 * {@link FetchBenchmark} over https with HTTP/2: one feed fetch on loopback, in requests per second,
 * {@link HttpFeedFetcher} beside a bare {@code java.net.http.HttpClient} (version {@code HTTP_2}),
 * both negotiating h2 by ALPN with the same TLS server on 127.0.0.1 (httpcore5-h2's {@link
 * H2ServerBootstrap}, {@link HttpVersionPolicy#NEGOTIATE}). The server serves the 20 KB calendar of
 * {@link FetcherLoad#calendar} with the ETag and 304 logic of {@link FetcherLoad#serveCalendar}.
 *
 * <p>The certificate is a throw-away self-signed EC key for {@code IP:127.0.0.1}, made by the JDK's
 * keytool in a temporary directory at setup; both clients trust exactly that certificate. The server
 * offers h2 then http/1.1 by ALPN. Setup
 * fails unless the server saw HTTP/2 from both clients (and java.net.http reports HTTP/2 too), so a
 * silent fallback to HTTP/1.1 cannot pass for an HTTP/2 figure.
 *
 * <p>{@code path}: {@code 304} sends {@code If-None-Match} that matches (no body); {@code 200} is
 * unconditional and returns the calendar. Methods without a suffix run on one thread, the {@code
 * ...Threads10} and {@code ...Threads50} ones on ten and fifty threads sharing one client (the score
 * is the total of all threads); with HTTP/2 both clients multiplex them as streams of one
 * connection. The server allows {@code MAX_STREAMS} (128) concurrent streams per connection and the
 * fetcher's gate and pool {@code MAX_THREADS} (64), more than the most benchmark threads. Each call
 * is checked (status, body length); a failed call throws, so the benchmark fails rather than
 * measuring errors.
 *
 * <pre>
 * java -jar ics-sync-bench/target/benchmarks.jar FetchH2Benchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc \
 *     -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Djdk.httpclient.maxstreams=100")
public class FetchH2Benchmark {
  private static final String ETAG = FetcherLoad.ETAG;
  private static final int BODY_BYTES = 20 * 1024;
  private static final int MAX_THREADS = 64;
  private static final int MAX_STREAMS = 128;
  private static final char[] STORE_PASSWORD = "changeit".toCharArray();

  @Param({"304", "200"})
  public int path;

  private HttpAsyncServer server;
  private byte[] body;
  /** The protocol version of the last request the server received. */
  private final AtomicReference<@Nullable ProtocolVersion> seen = new AtomicReference<>();
  private HttpFeedFetcher fetcher;
  private FetchRequest request;
  private HttpClient jdk;
  private java.net.http.HttpRequest jdkRequest;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    // java.net.http of JDK 17.0.15 announces SETTINGS_MAX_CONCURRENT_STREAMS=0 (no server push) unless
    // this is set, and httpcore5-h2 5.4.4 resets the connection on a 0; the setting only limits the
    // streams the server may open, so the client's requests are unaffected. Read at each connect.
    if (System.getProperty("jdk.httpclient.maxstreams") == null) {
      System.setProperty("jdk.httpclient.maxstreams", "100");
    }
    body = FetcherLoad.calendar(BODY_BYTES);
    KeyStore keys = selfSignedLoopbackCertificate();
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, STORE_PASSWORD);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext trusting = SSLContext.getInstance("TLS");
    trusting.init(null, tmf.getTrustManagers(), null);

    server = H2ServerBootstrap.bootstrap()
        // requests name 127.0.0.1 as their authority; the default (the machine's name) answers 421
        .setCanonicalHostName("127.0.0.1")
        .setVersionPolicy(HttpVersionPolicy.NEGOTIATE)
        // BasicServerTlsStrategy offers no ALPN by itself: the initializer offers h2 then http/1.1
        // and drops the cipher suites that RFC 9113 forbids for h2
        .setTlsStrategy(new BasicServerTlsStrategy(serverContext,
            (endpoint, engine) -> engine.setSSLParameters(
                H2TlsSupport.enforceRequirements(HttpVersionPolicy.NEGOTIATE, engine.getSSLParameters())),
            null))
        .setH2Config(H2Config.custom().setMaxConcurrentStreams(MAX_STREAMS).build())
        .setIOReactorConfig(IOReactorConfig.custom().setSoTimeout(Timeout.ofMinutes(1)).setTcpNoDelay(true)
            .build())
        .register("/cal.ics", new CalendarHandler())
        .create();
    server.start();
    ListenerEndpoint endpoint = server.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        URIScheme.HTTPS).get(10, TimeUnit.SECONDS);
    int port = ((InetSocketAddress) endpoint.getAddress()).getPort();
    String url = "https://127.0.0.1:" + port + "/cal.ics?token=bench";

    fetcher = HttpFeedFetcher.builder()
        .sslContext(trusting)
        .allowHost("127.0.0.1")
        .minIntervalPerHost(Duration.ZERO)
        .maxConcurrentPerHost(MAX_THREADS)
        .maxConnections(MAX_THREADS)
        .build();
    Feed feed = Feed.builder("tenant", "bench").property("property").source("airbnb").url(url).build();
    request = path == 304 ? new FetchRequest(feed, ETAG, null) : FetchRequest.unconditional(feed);

    jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trusting)
        .connectTimeout(Duration.ofSeconds(10)).build();
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(60)).GET();
    if (path == 304) {
      b.header("If-None-Match", ETAG);
    }
    jdkRequest = b.build();

    // each client must work, and speak HTTP/2, before it is measured
    seen.set(null);
    ours();
    requireHttp2("HttpFeedFetcher", seen.get());
    seen.set(null);
    HttpResponse<?> r = (HttpResponse<?>) jdk();
    if (r.version() != HttpClient.Version.HTTP_2) {
      throw new IllegalStateException("java.net.http negotiated " + r.version() + ", not HTTP/2");
    }
    requireHttp2("java.net.http", seen.get());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    fetcher.close();
    server.close(CloseMode.IMMEDIATE);
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
  @Threads(50)
  public Object oursThreads50() {
    return ours();
  }

  @Benchmark
  @Threads(50)
  public Object jdkThreads50() throws IOException, InterruptedException {
    return jdk();
  }

  private static void requireHttp2(String client, @Nullable ProtocolVersion version) {
    if (!HttpVersion.HTTP_2.equals(version)) {
      throw new IllegalStateException("the server saw " + version + " from " + client + ", not HTTP/2");
    }
  }

  /**
   * A PKCS12 store with a fresh self-signed EC key and certificate for {@code IP:127.0.0.1}, made by
   * the JDK's keytool (the JDK has no public API to sign a certificate) in a temporary directory that
   * is deleted once the store is loaded.
   */
  private static KeyStore selfSignedLoopbackCertificate()
      throws IOException, InterruptedException, GeneralSecurityException {
    Path dir = Files.createTempDirectory("fetch-h2-");
    Path store = dir.resolve("server.p12");
    try {
      return generate(store);
    } finally {
      Files.deleteIfExists(store);
      Files.delete(dir);
    }
  }

  private static KeyStore generate(Path store) throws IOException, InterruptedException, GeneralSecurityException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "bench",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", new String(STORE_PASSWORD),
        "-keypass", new String(STORE_PASSWORD))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, STORE_PASSWORD);
    }
    return ks;
  }

  /**
   * {@link FetcherLoad#serveCalendar}'s logic on httpcore5: 304 to a request whose If-None-Match is
   * the ETag, else 200 with the calendar; records the request's protocol version.
   */
  private final class CalendarHandler implements AsyncServerRequestHandler<Message<HttpRequest, Void>> {
    @Override
    public AsyncRequestConsumer<Message<HttpRequest, Void>> prepare(HttpRequest request,
        @Nullable EntityDetails entityDetails, HttpContext context) {
      return new BasicRequestConsumer<>(new DiscardingEntityConsumer<>());
    }

    @Override
    public void handle(Message<HttpRequest, Void> message, ResponseTrigger trigger, HttpContext context)
        throws HttpException, IOException {
      seen.set(context.getProtocolVersion());
      Header ifNoneMatch = message.getHead().getFirstHeader("If-None-Match");
      if (ifNoneMatch != null && ETAG.equals(ifNoneMatch.getValue())) {
        BasicHttpResponse response = new BasicHttpResponse(HttpStatus.SC_NOT_MODIFIED);
        response.setHeader("ETag", ETAG);
        trigger.submitResponse(new BasicResponseProducer(response), context);
      } else {
        BasicHttpResponse response = new BasicHttpResponse(HttpStatus.SC_OK);
        response.setHeader("ETag", ETAG);
        trigger.submitResponse(new BasicResponseProducer(response,
            AsyncEntityProducers.create(body, ContentType.create("text/calendar", StandardCharsets.UTF_8))), context);
      }
    }
  }
}
