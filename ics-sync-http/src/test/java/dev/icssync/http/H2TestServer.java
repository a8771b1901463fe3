package dev.icssync.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncServerExchangeHandler;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.ResponseChannel;
import org.apache.hc.core5.http.nio.ssl.BasicServerTlsStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.impl.nio.bootstrap.H2ServerBootstrap;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.IOSessionListener;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * An HTTPS server on 127.0.0.1 built with Apache HttpCore 5 (httpcore5-h2), for tests of the
 * fetcher over HTTP/2. In {@link Mode#NEGOTIATE} ALPN offers {@code h2} and {@code http/1.1}; in
 * {@link Mode#HTTP_1_ONLY} it offers only {@code http/1.1}. The certificate is a throw-away
 * self-signed one made by the JDK's keytool (CN and SAN 127.0.0.1); {@link #clientContext()} trusts
 * it.
 *
 * <p>Replies are registered per path ({@link #reply}) and may be changed between tests; an
 * unregistered path answers 404. The server records each request (protocol version, headers) and
 * counts accepted TCP connections.
 *
 * <pre>{@code
 * try (H2TestServer server = H2TestServer.start(H2TestServer.Mode.NEGOTIATE)) {
 *   server.reply("/cal.ics", H2TestServer.Reply.ok(calendarBytes));
 *   ... fetch server.url("/cal.ics") with server.clientContext() ...
 *   assertThat(server.requests("/cal.ics").get(0).version()).isEqualTo(HttpVersion.HTTP_2);
 * }
 * }</pre>
 */
final class H2TestServer implements AutoCloseable {

  /** What ALPN offers. */
  enum Mode {
    /** {@code h2} and {@code http/1.1}; the client picks. */
    NEGOTIATE(HttpVersionPolicy.NEGOTIATE, "h2", "http/1.1"),
    /** {@code http/1.1} only. */
    HTTP_1_ONLY(HttpVersionPolicy.FORCE_HTTP_1, "http/1.1");

    private final HttpVersionPolicy policy;
    private final String[] alpn;

    Mode(HttpVersionPolicy policy, String... alpn) {
      this.policy = policy;
      this.alpn = alpn;
    }
  }

  /** One request as the server saw it; header names are lower case, repeated values joined. */
  record Recorded(String path, ProtocolVersion version, Map<String, String> headers) {
    @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    boolean isHttp2() {
      return HttpVersion.HTTP_2.equals(version);
    }
  }

  /**
   * A scripted response: status, headers and body, optionally dripped in chunks, cut off by a
   * reset after some bytes, or held back until several requests to the same reply are in flight.
   * Instances are immutable except for the hold counter; register a fresh one per test.
   */
  static final class Reply {
    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;
    private final boolean contentLength;
    private final int chunk;
    private final Duration interval;
    private final int resetAfter;
    private final @Nullable Hold hold;

    private Reply(int status, Map<String, String> headers, byte[] body, boolean contentLength,
        int chunk, Duration interval, int resetAfter, @Nullable Hold hold) {
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.contentLength = contentLength;
      this.chunk = chunk;
      this.interval = interval;
      this.resetAfter = resetAfter;
      this.hold = hold;
    }

    /** {@code status} with {@code body} (sent in one go, with Content-Length). */
    static Reply of(int status, byte[] body) {
      return new Reply(status, Map.of(), body.clone(), true, Integer.MAX_VALUE, Duration.ZERO, -1,
          null);
    }

    /** 200 with {@code body} as {@code text/calendar}. */
    static Reply ok(byte[] body) {
      return of(200, body).header("Content-Type", "text/calendar; charset=utf-8");
    }

    /** {@code status} with no body. */
    static Reply status(int status) {
      return of(status, new byte[0]);
    }

    /** This reply with one more response header. */
    Reply header(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Reply(status, Map.copyOf(h), body, contentLength, chunk, interval, resetAfter,
          hold);
    }

    /**
     * This reply with the body sent {@code chunk} bytes at a time, {@code interval} apart, without
     * Content-Length (chunked on HTTP/1.1).
     */
    Reply drip(int chunk, Duration interval) {
      return new Reply(status, headers, body, false, chunk, interval, resetAfter, hold);
    }

    /**
     * This reply cut off after {@code bytes} body bytes: on HTTP/2 the stream is reset
     * (RST_STREAM), on HTTP/1.1 the connection is closed. Content-Length still promises the whole
     * body.
     */
    Reply resetAfter(int bytes) {
      return new Reply(status, headers, body, contentLength, chunk, interval, bytes, hold);
    }

    /**
     * This reply held back until {@code inFlight} requests to it wait at once (or {@code atMost}
     * passed), then all are answered: proof that requests were concurrent.
     */
    Reply holdUntil(int inFlight, Duration atMost) {
      return new Reply(status, headers, body, contentLength, chunk, interval, resetAfter,
          new Hold(inFlight, atMost));
    }

    /** Most requests to this reply that were held at the same time (0 without holdUntil). */
    int peakHeld() {
      return hold == null ? 0 : hold.peak();
    }
  }

  /** Collects requests and releases them together. */
  private static final class Hold {
    private final int target;
    private final Duration atMost;
    private final List<Runnable> waiting = new ArrayList<>();
    private int peak;
    private boolean timerSet;

    Hold(int target, Duration atMost) {
      this.target = target;
      this.atMost = atMost;
    }

    void arrive(Runnable send, ScheduledExecutorService timer) {
      List<Runnable> release = List.of();
      synchronized (this) {
        waiting.add(send);
        peak = Math.max(peak, waiting.size());
        if (waiting.size() >= target) {
          release = new ArrayList<>(waiting);
          waiting.clear();
        } else if (!timerSet) {
          timerSet = true;
          timer.schedule(this::releaseAll, atMost.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      release.forEach(Runnable::run);
    }

    synchronized int peak() {
      return peak;
    }

    private void releaseAll() {
      List<Runnable> release;
      synchronized (this) {
        release = new ArrayList<>(waiting);
        waiting.clear();
        timerSet = false;
      }
      release.forEach(Runnable::run);
    }
  }

  private static final Reply NOT_FOUND = Reply.of(404, new byte[0]);
  private static final String PASSWORD = "changeit";
  private static final Duration RESET_PAUSE = Duration.ofMillis(100);

  private final Mode mode;
  private final HttpAsyncServer server;
  private final int port;
  private final SSLContext clientContext;
  private final ScheduledExecutorService timer;
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Exception> errors = new CopyOnWriteArrayList<>();

  private H2TestServer(Mode mode, Certificate cert) throws IOException {
    this.mode = mode;
    this.clientContext = cert.clientContext;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "h2-test-server-timer");
      t.setDaemon(true);
      return t;
    });
    this.server = H2ServerBootstrap.bootstrap()
        .setVersionPolicy(mode.policy)
        // BasicServerTlsStrategy sets no ALPN protocols itself (the deprecated H2ServerTlsStrategy
        // did): offer them here, in the server's order of preference
        .setTlsStrategy(new BasicServerTlsStrategy(cert.serverContext, (endpoint, engine) -> {
          SSLParameters params = engine.getSSLParameters();
          params.setApplicationProtocols(mode.alpn);
          engine.setSSLParameters(params);
        }, null))
        .setIOReactorConfig(IOReactorConfig.custom()
            .setIoThreadCount(2)
            .setSoTimeout(Timeout.ofSeconds(30))
            .setTcpNoDelay(true)
            .build())
        .setIOSessionListener(new ConnectionCounter())
        .setExceptionCallback(errors::add)
        .setCanonicalHostName("127.0.0.1")
        .register("*", () -> new Exchange())
        .create();
    server.start();
    try {
      ListenerEndpoint endpoint = server.listen(
          new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), URIScheme.HTTPS)
          .get(10, TimeUnit.SECONDS);
      this.port = ((InetSocketAddress) endpoint.getAddress()).getPort();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close(CloseMode.IMMEDIATE);
      throw new IOException("interrupted while binding", e);
    } catch (ExecutionException | TimeoutException e) {
      server.close(CloseMode.IMMEDIATE);
      throw new IOException("could not bind the test server", e);
    }
  }

  /** Starts a server in {@code mode} on an ephemeral port of 127.0.0.1. */
  static H2TestServer start(Mode mode) throws IOException {
    return new H2TestServer(mode, Certificate.get());
  }

  /** Registers (or replaces) the reply for {@code path} (the path without the query). */
  H2TestServer reply(String path, Reply reply) {
    replies.put(path, reply);
    return this;
  }

  /** {@code https://127.0.0.1:<port><path>}. */
  String url(String path) {
    return "https://127.0.0.1:" + port + path;
  }

  int port() {
    return port;
  }

  Mode mode() {
    return mode;
  }

  /** An SSLContext that trusts this server's certificate (and nothing else). */
  SSLContext clientContext() {
    return clientContext;
  }

  /** Every request so far, in arrival order. */
  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  /** The requests to {@code path} so far, in arrival order. */
  List<Recorded> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).collect(Collectors.toList());
  }

  /** The only request to {@code path}; fails if there was not exactly one. */
  Recorded onlyRequest(String path) {
    List<Recorded> r = requests(path);
    if (r.size() != 1) {
      throw new AssertionError("expected one request to " + path + ", got " + r);
    }
    return r.get(0);
  }

  /** Exceptions HttpCore reported (scripted resets and clients hanging up included). */
  List<Exception> errors() {
    return List.copyOf(errors);
  }

  /** TCP connections accepted so far. */
  int connections() {
    return connections.get();
  }

  /** Forgets recorded requests, errors and the connection count (registered replies stay). */
  void resetCounts() {
    requests.clear();
    errors.clear();
    connections.set(0);
  }

  @Override
  public void close() {
    server.close(CloseMode.IMMEDIATE);
    timer.shutdownNow();
  }

  // ---- the exchange

  /** Serves one request with the reply registered for its path. */
  private final class Exchange implements AsyncServerExchangeHandler {
    private @Nullable Reply reply;
    private int sent;
    private volatile long notBeforeNanos = Long.MIN_VALUE;
    private volatile boolean headSent;
    private boolean http2;

    @Override
    public void handleRequest(HttpRequest request, @Nullable EntityDetails entityDetails,
        ResponseChannel channel, HttpContext context) throws HttpException, IOException {
      String path = request.getPath();
      int q = path.indexOf('?');
      path = q >= 0 ? path.substring(0, q) : path;
      ProtocolVersion version = HttpCoreContext.cast(context).getProtocolVersion();
      Map<String, String> headers = new LinkedHashMap<>();
      for (Header h : request.getHeaders()) {
        headers.merge(h.getName().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
      }
      Recorded recorded = new Recorded(path, version == null ? request.getVersion() : version,
          Map.copyOf(headers));
      http2 = recorded.isHttp2();
      requests.add(recorded);
      Reply r = replies.getOrDefault(path, NOT_FOUND);
      reply = r;
      Runnable send = () -> sendHead(r, channel, context);
      if (r.hold != null) {
        r.hold.arrive(send, timer);
      } else {
        send.run();
      }
    }

    private void sendHead(Reply r, ResponseChannel channel, HttpContext context) {
      BasicHttpResponse response = new BasicHttpResponse(r.status);
      r.headers.forEach(response::addHeader);
      boolean hasBody = r.body.length > 0 || r.resetAfter >= 0;
      try {
        if (!hasBody) {
          channel.sendResponse(response, null, context);
        } else {
          // Content-Type and Content-Encoding travel as the headers registered on the reply
          headSent = true;
          channel.sendResponse(response, new Entity(r.contentLength ? r.body.length : -1), context);
        }
      } catch (HttpException | IOException e) {
        throw new IllegalStateException("could not send the response head", e);
      }
    }

    @Override
    public int available() {
      Reply r = reply;
      if (r == null || !headSent || System.nanoTime() < notBeforeNanos) {
        return 0; // HttpCore asks again after the timer's requestOutput
      }
      return Math.max(1, r.body.length - sent);
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
      Reply r = reply;
      if (r == null || System.nanoTime() < notBeforeNanos) {
        return;
      }
      if (r.resetAfter >= 0 && sent >= r.resetAfter) {
        if (http2) {
          // HttpCore answers a ProtocolException from a stream's producer with RST_STREAM; the
          // connection lives on
          throw H2TestServer.<RuntimeException>sneaky(
              new ProtocolException("scripted reset after " + sent + " bytes"));
        }
        // on HTTP/1.1 an I/O error closes the connection
        throw new IOException("scripted reset after " + sent + " bytes");
      }
      int end = r.body.length;
      if (r.resetAfter >= 0) {
        end = Math.min(end, r.resetAfter);
      }
      if (!r.interval.isZero()) {
        end = Math.min(end, sent + r.chunk);
      }
      while (sent < end) {
        int n = channel.write(ByteBuffer.wrap(r.body, sent, end - sent));
        if (n <= 0) {
          return; // the channel is full: HttpCore calls produce again when it drains
        }
        sent += n;
      }
      if (sent >= r.body.length) {
        channel.endStream(null);
        return;
      }
      // pause: before the next chunk of a drip, or before a reset (so that the bytes before it
      // reach the client rather than being discarded with the connection)
      Duration pause = r.resetAfter >= 0 && sent >= r.resetAfter ? RESET_PAUSE : r.interval;
      if (!pause.isZero()) {
        notBeforeNanos = System.nanoTime() + pause.toNanos();
        timer.schedule(channel::requestOutput, pause.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
      capacityChannel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) {
      src.position(src.limit()); // request bodies are ignored
    }

    @Override
    public void streamEnd(@Nullable List<? extends Header> trailers) {}

    @Override
    public void failed(Exception cause) {}

    @Override
    public void releaseResources() {}
  }

  /** The length (or -1 for unknown) of a response body; the other details stay in the headers. */
  private record Entity(long length) implements EntityDetails {
    @Override
    public long getContentLength() {
      return length;
    }

    @Override
    public @Nullable String getContentType() {
      return null;
    }

    @Override
    public @Nullable String getContentEncoding() {
      return null;
    }

    @Override
    public boolean isChunked() {
      return length < 0;
    }

    @Override
    public Set<String> getTrailerNames() {
      return Set.of();
    }
  }

  /** Throws a checked exception that {@code produce} cannot declare (HttpCore expects it). */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }

  private final class ConnectionCounter implements IOSessionListener {
    @Override
    public void connected(IOSession session) {
      connections.incrementAndGet();
    }

    @Override
    public void startTls(IOSession session) {}

    @Override
    public void inputReady(IOSession session) {}

    @Override
    public void outputReady(IOSession session) {}

    @Override
    public void timeout(IOSession session) {}

    @Override
    public void exception(IOSession session, Exception ex) {
      errors.add(ex);
    }

    @Override
    public void disconnected(IOSession session) {}
  }

  // ---- the certificate

  /** One throw-away key pair per test JVM: keytool takes about a second. */
  private static final class Certificate {
    private static @Nullable Certificate instance;

    final SSLContext serverContext;
    final SSLContext clientContext;

    private Certificate(SSLContext serverContext, SSLContext clientContext) {
      this.serverContext = serverContext;
      this.clientContext = clientContext;
    }

    static synchronized Certificate get() throws IOException {
      if (instance == null) {
        instance = make();
      }
      return instance;
    }

    private static Certificate make() throws IOException {
      Path dir = Files.createTempDirectory("h2-test-server");
      Path store = dir.resolve("server.p12");
      try {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "test",
            "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
            "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IOException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
          ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return new Certificate(server, client);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running keytool", e);
      } catch (GeneralSecurityException e) {
        throw new IOException("could not load the test key store", e);
      } finally {
        Files.deleteIfExists(store);
        Files.deleteIfExists(dir);
      }
    }
  }
}
