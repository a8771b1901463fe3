package dev.icssync.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.icssync.IcsSyncException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncResponseProducer;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.nio.support.BasicResponseProducer;
import org.apache.hc.core5.http.nio.support.BasicServerExchangeHandler;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.RequestConformance;
import org.apache.hc.core5.http.protocol.RequestValidateHost;
import org.apache.hc.core5.http.protocol.ResponseConformance;
import org.apache.hc.core5.http.protocol.ResponseConnControl;
import org.apache.hc.core5.http.protocol.ResponseDate;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export endpoint as a small stand-alone HTTP/1.1 server, no container needed; the CLI's
 * {@code serve} uses it. Exports are served at {@code <contextPath>/<token>.ics}; more exact paths
 * (metrics, health) can be served on the same port with {@link Builder#route}.
 *
 * <pre>{@code
 * try (ExportHttpServer server = ExportHttpServer.builder(ExportEndpoint.builder(sync).build())
 *     .address(new InetSocketAddress("127.0.0.1", 8080))
 *     .contextPath("/export")
 *     .route("/health/live", request -> healthy())   // optional: more exact paths on the same port
 *     .start()) {
 *   // GET http://127.0.0.1:8080/export/<token>.ics
 * }
 * }</pre>
 *
 * <h2>Slow and idle clients</h2>
 * Connections are served by a non-blocking I/O reactor (Apache HttpCore 5), so a connection that
 * sends nothing, or a request head one byte at a time, costs a socket and a small buffer, never a
 * thread: valid requests on other connections are answered meanwhile. The export and the routes run
 * on a fixed pool of worker threads ({@link Builder#workerThreads}) fed by a bounded queue
 * ({@link Builder#maxQueuedRequests}; when it is full the answer is an immediate {@code 503}), never
 * on the I/O thread, so they may block (on a database, say). The one exception is a cached export
 * answered from memory (below), which blocks nothing. Limits, all set on the builder:
 * <ul>
 *   <li>{@link Builder#readTimeout} (default 10 s): a request must arrive whole within this time of
 *       its first byte, however steadily it trickles in;
 *   <li>{@link Builder#idleTimeout} (default 30 s): a connection with nothing received or sent for
 *       this long is closed (before a request, between keep-alive requests, or while a client does
 *       not read its answer); not counted while a worker computes an answer;
 *   <li>{@link Builder#maxConnections} (default 1024): at the cap a new connection displaces the one
 *       that has been waiting or reading the longest;
 *   <li>request lines and header lines of at most 8 KiB, at most 100 headers (beyond, the connection
 *       is closed); request bodies are read and discarded; at most 16 requests of one connection in
 *       the workers' hands at once (beyond, the connection is closed).
 * </ul>
 * The JDK's {@code com.sun.net.httpserver} cannot do this: it reads request heads on its executor
 * threads (four silent clients stop a pool of four) and its timeouts are JVM-wide system properties.
 *
 * <p>To add the endpoint to a JDK {@code HttpServer} the host already runs, use
 * {@link #handler(ExportEndpoint)}: {@code server.createContext("/export", ExportHttpServer.handler(endpoint))}
 * (that server's limits are then the host's). Responses go out with {@code TCP_NODELAY}
 * ({@link Builder#tcpNoDelay}); no system property is read or set. Nothing here logs a request path
 * (it holds the token).
 *
 * <h2>Cost of a cached export</h2>
 * A token resolved once is kept in memory while the store says nothing changed
 * ({@link dev.icssync.spi.FeedStore#tokenRevision()}; a database store is read on every request, so
 * a revocation from any process is refused on the next request), and a rendered calendar's answers
 * (headers, ETags, Content-Length) are built once: a request then costs the token check, the export
 * cache look-up and the ETag comparison, and its body is written from a read-only view of the
 * cached bytes, never copied.
 *
 * <p>With an in-memory store (one that tells its {@link dev.icssync.spi.FeedStore#tokenRevision()})
 * and an export cache that answers from process memory
 * ({@link dev.icssync.spi.ExportCache#answersFromProcessMemory()}: the Caffeine one does), such a
 * request is answered on the I/O thread that read it, without a hand-over to a worker, when everything it needs is in memory: the token's resolution
 * at the store's current revision (still valid by the clock), the view the token opened at that
 * revision, the calendar in the export cache, and its prepared answer (gzip included, when asked).
 * Anything else (a first request, a revision moved by any token, feed or property write, a
 * revocation included, a cache miss, a route, a database store, a Redis cache) goes to a worker as
 * before: no store read, view function, render or compression ever runs on an I/O thread.
 */
public final class ExportHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExportHttpServer.class);
  private static final ExportEndpoint.Response ROUTE_FAILED = plain(500, "Internal Server Error\n", Map.of());
  private static final ExportEndpoint.Response BUSY =
      plain(503, "Service Unavailable\n", Map.of("Retry-After", "5"));

  /** A request line or header line longer than this closes the connection. */
  static final int MAX_LINE_LENGTH = 8 * 1024;
  static final int MAX_HEADER_COUNT = 100;

  private final HttpAsyncServer server;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService timer;
  private final ConnectionGuard guard;
  private final InetSocketAddress bound;
  private final String contextPath;
  private final AtomicBoolean closed;
  private final Dispatcher dispatcher;

  private ExportHttpServer(HttpAsyncServer server, ThreadPoolExecutor workers, ScheduledExecutorService timer,
      ConnectionGuard guard, InetSocketAddress bound, String contextPath, AtomicBoolean closed,
      Dispatcher dispatcher) {
    this.closed = closed;
    this.dispatcher = dispatcher;
    this.server = server;
    this.workers = workers;
    this.timer = timer;
    this.guard = guard;
    this.bound = bound;
    this.contextPath = contextPath;
  }

  /** A server for {@code endpoint}; set what differs from the defaults, then {@link Builder#start()}. */
  public static Builder builder(ExportEndpoint endpoint) {
    return new Builder(endpoint);
  }

  /** Starts a server at {@code address} serving {@code /<token>.ics}, with 4 worker threads. */
  public static ExportHttpServer start(ExportEndpoint endpoint, InetSocketAddress address) {
    return builder(endpoint).address(address).start();
  }

  /**
   * Starts a server at {@code address} serving {@code <contextPath>/<token>.ics} on {@code threads}
   * worker threads, other settings at their defaults.
   */
  public static ExportHttpServer start(ExportEndpoint endpoint, InetSocketAddress address, String contextPath,
      int threads) {
    return builder(endpoint).address(address).contextPath(contextPath).workerThreads(threads).start();
  }

  /**
   * The endpoint as a JDK {@link HttpHandler}, to mount in a {@code com.sun.net.httpserver.HttpServer}
   * the host already has. {@link ExportHttpServer} itself does not use it.
   */
  public static HttpHandler handler(ExportEndpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    return exchange -> {
      try (exchange) {
        try (InputStream in = exchange.getRequestBody()) {
          in.transferTo(OutputStream.nullOutputStream());
        }
        String path = exchange.getRequestURI().getRawPath();
        ExportEndpoint.Response r = endpoint.handle(new ExportEndpoint.Request(exchange.getRequestMethod(),
            path == null ? "/" : path, exchange.getRequestHeaders()));
        Headers out = exchange.getResponseHeaders();
        for (Map.Entry<String, List<String>> e : r.headers().entrySet()) {
          out.put(e.getKey(), e.getValue());
        }
        boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        if (head || r.status() == 304 || r.bodyLength() == 0) {
          // The JDK writes no Content-Length for these: ours (set above) stands for HEAD.
          exchange.sendResponseHeaders(r.status(), -1);
        } else {
          exchange.sendResponseHeaders(r.status(), r.bodyLength());
          try (OutputStream body = exchange.getResponseBody()) {
            r.writeTo(body); // in place, not a copy
          }
        }
      } catch (IOException | RuntimeException e) {
        // Client gone or a bug: nothing to send; say so without the path (it holds the token).
        log.debug("export response not completed: {}", e.toString());
      }
    };
  }

  /** The bound address (port 0 at start gives a free port, read here). */
  public InetSocketAddress address() {
    return bound;
  }

  public int port() {
    return bound.getPort();
  }

  /** {@code http://host:port<contextPath>/}: append a token and {@code .ics}. */
  public URI baseUri() {
    String host = bound.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    String ctx = contextPath.endsWith("/") ? contextPath : contextPath + "/";
    return URI.create("http://" + host + ":" + bound.getPort() + ctx);
  }

  /** Connections open now (for tests and metrics). */
  int openConnections() {
    return guard.open();
  }

  /** Requests handed to the worker threads since the start (the rest were answered from memory). */
  long requestsHandedToWorkers() {
    return dispatcher.handedToWorkers.get();
  }

  /** Whole requests waiting for a worker now. */
  int queuedRequests() {
    return workers.getQueue().size();
  }

  /** Stops accepting, closes the connections, and stops the worker threads. */
  @Override
  public void close() {
    closed.set(true);
    timer.shutdownNow();
    server.close(CloseMode.IMMEDIATE);
    workers.shutdownNow();
  }

  /** Dispatches whole requests to the workers: exact routes first, then the export under the context path. */
  private static final class Dispatcher implements AsyncServerRequestHandler<Message<HttpRequest, Void>> {
    private final ExportEndpoint endpoint;
    private final String contextPath;
    private final Map<String, Function<ExportEndpoint.Request, ExportEndpoint.Response>> routes;
    private final ThreadPoolExecutor workers;
    private final ConnectionGuard guard;
    private final ExportEndpoint.Answer notFound;
    private final boolean fromMemory;
    /** Requests handed to the worker pool so far (tests: a request answered from memory is not). */
    final AtomicLong handedToWorkers = new AtomicLong();

    Dispatcher(ExportEndpoint endpoint, String contextPath,
        Map<String, Function<ExportEndpoint.Request, ExportEndpoint.Response>> routes, ThreadPoolExecutor workers,
        ConnectionGuard guard) {
      this.endpoint = endpoint;
      this.fromMemory = endpoint.answersFromMemory();
      this.contextPath = contextPath;
      this.routes = routes;
      this.workers = workers;
      this.guard = guard;
      // the export's own 404, so that a path outside the context path reads like an unknown token
      this.notFound = endpoint.answer("GET", "/", name -> List.of());
    }

    @Override
    public AsyncRequestConsumer<Message<HttpRequest, Void>> prepare(HttpRequest request, EntityDetails entityDetails,
        HttpContext context) {
      return new BasicRequestConsumer<>(entityDetails == null ? null : new DiscardingEntityConsumer<>());
    }

    @Override
    public void handle(Message<HttpRequest, Void> message, ResponseTrigger trigger, HttpContext context) {
      HttpRequest request = message.getHead();
      SocketAddress remote = HttpCoreContext.cast(context).getEndpointDetails() == null ? null
          : HttpCoreContext.cast(context).getEndpointDetails().getRemoteAddress();
      ConnectionGuard.Conn conn = guard.requestReceived(remote);
      boolean head = Method.HEAD.isSame(request.getMethod());
      ExportEndpoint.Answer ready = fromMemory(request);
      if (ready != null) {
        // a cached export answered from memory, here on the I/O thread: no hand-over to a worker
        guard.answered(conn);
        submit(trigger, producer(ready, head), context);
        return;
      }
      try {
        handedToWorkers.incrementAndGet();
        workers.execute(() -> {
          AsyncResponseProducer producer;
          try {
            producer = respond(request, head);
          } catch (RuntimeException | Error e) {
            log.warn("request failed: {}", e.toString(), e);
            producer = producer(ROUTE_FAILED, head);
          }
          guard.answered(conn);
          submit(trigger, producer, context);
        });
      } catch (RejectedExecutionException full) {
        // every worker busy and the queue full (or shutting down): say so at once, cheaply
        guard.answered(conn);
        submit(trigger, producer(BUSY, head), context);
      }
    }

    /**
     * The answer to an export request when the endpoint has it in memory (see
     * {@link ExportEndpoint#answerFromMemory}), else null: routes and everything else go to a worker.
     */
    private ExportEndpoint.@Nullable Answer fromMemory(HttpRequest request) {
      if (!fromMemory) {
        return null;
      }
      String path = request.getPath();
      if (path == null) {
        return null;
      }
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      if ((!routes.isEmpty() && routes.containsKey(path)) || !underContext(path, contextPath)) {
        return null;
      }
      return endpoint.answerFromMemory(request.getMethod(), path, name -> values(request, name));
    }

    private AsyncResponseProducer respond(HttpRequest request, boolean head) {
      String target = request.getPath();
      String path = target == null ? "/" : target;
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      Function<ExportEndpoint.Request, ExportEndpoint.Response> route = routes.get(path);
      if (route != null) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : request.getHeaders()) {
          headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        }
        return producer(runRoute(route, new ExportEndpoint.Request(request.getMethod(), path, headers)), head);
      }
      if (!underContext(path, contextPath)) {
        return producer(notFound, head);
      }
      return producer(endpoint.answer(request.getMethod(), path, name -> values(request, name)), head);
    }

    private static void submit(ResponseTrigger trigger, AsyncResponseProducer producer, HttpContext context) {
      try {
        trigger.submitResponse(producer, context);
      } catch (HttpException | IOException | RuntimeException e) {
        log.debug("response not completed: {}", e.toString()); // client gone; no path (it holds the token)
      }
    }
  }

  static ExportEndpoint.Response runRoute(Function<ExportEndpoint.Request, ExportEndpoint.Response> route,
      ExportEndpoint.Request request) {
    try {
      ExportEndpoint.Response r = route.apply(request);
      if (r == null) {
        throw new IllegalStateException("the route returned null");
      }
      if (r.status() < 200 || r.status() > 599) {
        throw new IllegalStateException("the route returned status " + r.status());
      }
      return r;
    } catch (RuntimeException e) {
      log.warn("route {} failed: {}", request.path(), e.toString(), e);
      return ROUTE_FAILED;
    }
  }

  /**
   * The response as HttpCore sends it. Framing is ours: Content-Length is the body's (for HEAD, the
   * one the answer states, which is the GET body's), none for 204 and 304.
   */
  static AsyncResponseProducer producer(ExportEndpoint.Response r, boolean head) {
    BasicHttpResponse response = new BasicHttpResponse(r.status());
    String stated = null;
    for (Map.Entry<String, List<String>> e : r.headers().entrySet()) {
      String name = e.getKey();
      if (name.equalsIgnoreCase("Content-Length")) {
        stated = e.getValue().isEmpty() ? null : e.getValue().get(0);
      } else if (!name.equalsIgnoreCase("Transfer-Encoding") && !name.equalsIgnoreCase("Connection")) {
        for (String v : e.getValue()) {
          response.addHeader(name, v);
        }
      }
    }
    if (r.status() == HttpStatus.SC_NO_CONTENT || r.status() == HttpStatus.SC_NOT_MODIFIED) {
      return new BasicResponseProducer(response);
    }
    if (head) {
      response.addHeader("Content-Length", stated != null ? stated : Integer.toString(r.bodyLength()));
      return new BasicResponseProducer(response);
    }
    response.addHeader("Content-Length", Integer.toString(r.bodyLength()));
    return r.bodyLength() == 0 ? new BasicResponseProducer(response)
        : new BasicResponseProducer(response, new BodyProducer(r.bodyBuffer()));
  }

  /**
   * An export answer as HttpCore sends it: the headers built with it (Content-Length included), and
   * the body, if any, read from a duplicate of its read-only buffer: nothing is copied per request.
   */
  static AsyncResponseProducer producer(ExportEndpoint.Answer answer, boolean head) {
    BasicHttpResponse response = new BasicHttpResponse(answer.response.status());
    response.setHeaders(answer.head);
    return answer.body == null || head ? new BasicResponseProducer(response)
        : new BasicResponseProducer(response, new BodyProducer(answer.body.duplicate()));
  }

  private static List<String> values(HttpRequest request, String name) {
    Header[] found = request.getHeaders(name);
    if (found.length == 0) {
      return List.of();
    }
    if (found.length == 1) {
      return List.of(found[0].getValue());
    }
    List<String> all = new ArrayList<>(found.length);
    for (Header h : found) {
      all.add(h.getValue());
    }
    return all;
  }

  /** Writes one read-only buffer (a duplicate of a shared one, so its position is this response's). */
  static final class BodyProducer implements AsyncEntityProducer {
    private final ByteBuffer body;
    private final int length;

    BodyProducer(ByteBuffer body) {
      this.body = body;
      this.length = body.remaining();
    }

    @Override
    public boolean isRepeatable() {
      return false;
    }

    @Override
    public void failed(Exception cause) {}

    @Override
    public long getContentLength() {
      return length;
    }

    @Override
    public @Nullable String getContentType() {
      return null; // sent in the answer's headers
    }

    @Override
    public @Nullable String getContentEncoding() {
      return null;
    }

    @Override
    public boolean isChunked() {
      return false;
    }

    @Override
    public Set<String> getTrailerNames() {
      return Set.of();
    }

    @Override
    public int available() {
      return body.remaining();
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
      if (body.hasRemaining()) {
        channel.write(body);
      }
      if (!body.hasRemaining()) {
        channel.endStream();
      }
    }

    @Override
    public void releaseResources() {}
  }

  static boolean underContext(String path, String contextPath) {
    if (contextPath.equals("/")) {
      return true;
    }
    String ctx = contextPath.endsWith("/") ? contextPath.substring(0, contextPath.length() - 1) : contextPath;
    return path.equals(ctx) || path.startsWith(ctx + "/");
  }

  static ExportEndpoint.Response plain(int status, String body, Map<String, String> extra) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Content-Type", List.of("text/plain; charset=utf-8"));
    h.put("Cache-Control", List.of("no-store"));
    h.put("X-Content-Type-Options", List.of("nosniff"));
    extra.forEach((k, v) -> h.put(k, List.of(v)));
    h.put("Content-Length", List.of(Integer.toString(bytes.length)));
    return ExportEndpoint.Response.sharing(status, h, bytes);
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Settings of an {@link ExportHttpServer}. Each value is checked when set; {@link #start()} checks
   * them together before it binds.
   */
  public static final class Builder {
    private final ExportEndpoint endpoint;
    private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private String contextPath = "/";
    private int workerThreads = 4;
    private int maxQueuedRequests = 256;
    private int maxConnections = 1024;
    private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
    private Duration readTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private boolean tcpNoDelay = true;
    private final Map<String, Function<ExportEndpoint.Request, ExportEndpoint.Response>> routes =
        new LinkedHashMap<>();

    private Builder(ExportEndpoint endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** Where to listen (default: loopback, a free port; read it back with {@link ExportHttpServer#port()}). */
    public Builder address(InetSocketAddress value) {
      this.address = Objects.requireNonNull(value, "address");
      return this;
    }

    /** Exports are served at {@code <contextPath>/<token>.ics} (default {@code /}). */
    public Builder contextPath(String value) {
      Objects.requireNonNull(value, "contextPath");
      if (!value.startsWith("/")) {
        throw new IcsSyncException.ConfigurationException("contextPath must start with '/', was " + value);
      }
      this.contextPath = value;
      return this;
    }

    /** Threads that run the export and the routes (default 4). */
    public Builder workerThreads(int value) {
      this.workerThreads = positive("workerThreads", value);
      return this;
    }

    /**
     * Whole requests waiting for a worker (default 256); beyond, requests are answered {@code 503}
     * with {@code Retry-After} at once.
     */
    public Builder maxQueuedRequests(int value) {
      this.maxQueuedRequests = positive("maxQueuedRequests", value);
      return this;
    }

    /** Open connections (default 1024); see the class comment for what happens at the cap. */
    public Builder maxConnections(int value) {
      this.maxConnections = positive("maxConnections", value);
      return this;
    }

    /** Threads that do the network I/O (default 2, or 1 on one core); they never run a handler. */
    public Builder ioThreads(int value) {
      this.ioThreads = positive("ioThreads", value);
      return this;
    }

    /** Time a request has to arrive whole, from its first byte (default 10 s). */
    public Builder readTimeout(Duration value) {
      this.readTimeout = duration("readTimeout", value);
      return this;
    }

    /** Time a connection may stay with nothing received or sent (default 30 s). */
    public Builder idleTimeout(Duration value) {
      this.idleTimeout = duration("idleTimeout", value);
      return this;
    }

    /**
     * {@code TCP_NODELAY} on accepted connections (default true: an answer goes out whole at once,
     * not held back by Nagle's algorithm). Set on this server's sockets only: nothing here sets a
     * JVM-wide system property.
     */
    public Builder tcpNoDelay(boolean value) {
      this.tcpNoDelay = value;
      return this;
    }

    /**
     * Serves {@code exactPath} (the raw path, matched exactly, query ignored) with {@code handler}
     * on the same port, ahead of the export: for example {@code /metrics} or {@code /health/ready}.
     * The handler gets every method (it answers 405 itself if it wants to); the server drops the
     * body of a HEAD answer and sets Content-Length. Handlers run on the worker threads, never on an
     * I/O thread, so they may block (on a database, say). A handler that throws, returns null or a
     * status outside 200-599 gets a 500 and a log line.
     */
    public Builder route(String exactPath, Function<ExportEndpoint.Request, ExportEndpoint.Response> handler) {
      Objects.requireNonNull(exactPath, "exactPath");
      Objects.requireNonNull(handler, "handler");
      if (!exactPath.startsWith("/") || exactPath.indexOf('?') >= 0 || exactPath.indexOf('#') >= 0) {
        throw new IcsSyncException.ConfigurationException(
            "a route must be a path starting with '/' without query or fragment, was " + exactPath);
      }
      if (routes.putIfAbsent(exactPath, handler) != null) {
        throw new IcsSyncException.ConfigurationException("route " + exactPath + " is already set");
      }
      return this;
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IcsSyncException.ConfigurationException(name + " must be positive, was " + value);
      }
      return value;
    }

    private static Duration duration(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.toMillis() < 1) {
        throw new IcsSyncException.ConfigurationException(name + " must be at least 1 ms, was " + value);
      }
      return value;
    }

    private void validate() {
      positive("workerThreads", workerThreads);
      positive("maxQueuedRequests", maxQueuedRequests);
      positive("maxConnections", maxConnections);
      positive("ioThreads", ioThreads);
      duration("readTimeout", readTimeout);
      duration("idleTimeout", idleTimeout);
      if (address.isUnresolved()) {
        throw new IcsSyncException.ConfigurationException("address " + address + " is not resolved");
      }
    }

    /** Binds and starts the server (daemon threads; {@link ExportHttpServer#close()} stops them). */
    public ExportHttpServer start() {
      validate();
      AtomicBoolean closed = new AtomicBoolean();
      ThreadPoolExecutor workers = new ThreadPoolExecutor(workerThreads, workerThreads, 0, TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(maxQueuedRequests), daemons("ics-sync-export-"));
      ConnectionGuard guard = new ConnectionGuard(maxConnections, readTimeout, idleTimeout);
      Dispatcher dispatcher = new Dispatcher(endpoint, contextPath, Map.copyOf(routes), workers, guard);
      HttpAsyncServer server = AsyncServerBootstrap.bootstrap()
          .setCanonicalHostName("localhost") // no host lookup at start; requests are not routed by host
          .setIOReactorConfig(IOReactorConfig.custom()
              .setIoThreadCount(ioThreads)
              .setSoTimeout(Timeout.ofMilliseconds(idleTimeout.toMillis()))
              .setSelectInterval(TimeValue.ofMilliseconds(Math.min(1000, Math.max(10, idleTimeout.toMillis() / 4))))
              .setTcpNoDelay(tcpNoDelay)
              .setSoReuseAddress(true)
              .setBacklogSize(1024)
              .build())
          .setHttp1Config(Http1Config.custom()
              .setMaxLineLength(MAX_LINE_LENGTH)
              .setMaxHeaderCount(MAX_HEADER_COUNT)
              .build())
          // no ResponseContent and no Server header: framing is set per answer (see producer)
          .setHttpProcessor(HttpProcessorBuilder.create()
              .addAll(ResponseConformance.INSTANCE, ResponseDate.INSTANCE, ResponseConnControl.INSTANCE)
              .addAll(RequestValidateHost.INSTANCE, RequestConformance.INSTANCE)
              .build())
          .setIOSessionListener(guard)
          .setRequestRouter((request, context) -> () -> new BasicServerExchangeHandler<>(dispatcher))
          .setExceptionCallback(e -> {
            if (!closed.get()) {
              log.debug("connection failed: {}", e.toString());
            }
          })
          .create();
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemons("ics-sync-export-timer-"));
      InetSocketAddress bound;
      try {
        server.start();
        ListenerEndpoint listener = server.listen(address, org.apache.hc.core5.http.URIScheme.HTTP)
            .get(30, TimeUnit.SECONDS);
        bound = (InetSocketAddress) listener.getAddress();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed.set(true);
        stop(server, workers, timer);
        throw new UncheckedIOException(new InterruptedIOException("interrupted while binding " + address));
      } catch (ExecutionException | TimeoutException e) {
        closed.set(true);
        stop(server, workers, timer);
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        throw new UncheckedIOException("cannot listen on " + address,
            cause instanceof IOException io ? io : new IOException(cause));
      }
      long sweep = Math.min(250, Math.max(10, readTimeout.toMillis() / 4));
      timer.scheduleWithFixedDelay(guard::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
      log.info("export endpoint listening on {}{}", bound, contextPath);
      return new ExportHttpServer(server, workers, timer, guard, bound, contextPath, closed, dispatcher);
    }

    private static void stop(HttpAsyncServer server, ThreadPoolExecutor workers, ScheduledExecutorService timer) {
      server.close(CloseMode.IMMEDIATE);
      workers.shutdownNow();
      timer.shutdownNow();
    }
  }
}
