package dev.icssync.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.icssync.IcsSyncException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export endpoint on the JDK's own HTTP server ({@code com.sun.net.httpserver}): no container
 * needed. Used by the CLI's {@code serve}.
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
 * To add the endpoint to a server the host already runs, use {@link #handler(ExportEndpoint)}:
 * {@code server.createContext("/export", ExportHttpServer.handler(endpoint))}.
 *
 * <p>Starting a server sets the system property {@code sun.net.httpserver.nodelay=true} unless it is
 * already set (without it, small responses wait for delayed ACKs). Keep the JDK's
 * {@code com.sun.net.httpserver} logger below DEBUG: at DEBUG it logs request lines, which hold
 * tokens.
 */
public final class ExportHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExportHttpServer.class);
  private static final ExportEndpoint.Response ROUTE_FAILED = plain(500, "Internal Server Error\n");

  private final HttpServer server;
  private final ExecutorService executor;
  private final String contextPath;

  private ExportHttpServer(HttpServer server, ExecutorService executor, String contextPath) {
    this.server = server;
    this.executor = executor;
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
   * worker threads (daemon threads; {@link #close()} stops them).
   */
  public static ExportHttpServer start(ExportEndpoint endpoint, InetSocketAddress address, String contextPath,
      int threads) {
    return builder(endpoint).address(address).contextPath(contextPath).workerThreads(threads).start();
  }

  /** The endpoint as a {@link HttpHandler}, to mount in a server the host already has. */
  public static HttpHandler handler(ExportEndpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    return exchange -> {
      try (exchange) {
        drain(exchange);
        send(exchange, endpoint.handle(request(exchange)));
      } catch (IOException | RuntimeException e) {
        // Client gone or a bug: nothing to send; say so without the path (it holds the token).
        log.debug("export response not completed: {}", e.toString());
      }
    };
  }

  private static ExportEndpoint.Request request(HttpExchange exchange) {
    String path = exchange.getRequestURI().getRawPath();
    return new ExportEndpoint.Request(exchange.getRequestMethod(), path == null ? "/" : path,
        exchange.getRequestHeaders());
  }

  private static void drain(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static void send(HttpExchange exchange, ExportEndpoint.Response r) throws IOException {
    Headers out = exchange.getResponseHeaders();
    for (Map.Entry<String, List<String>> e : r.headers().entrySet()) {
      out.put(e.getKey(), e.getValue());
    }
    boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
    if (head || r.status() == 304 || r.body().length == 0) {
      // The JDK writes no Content-Length for these: ours (set above) stands for HEAD.
      exchange.sendResponseHeaders(r.status(), -1);
    } else {
      exchange.sendResponseHeaders(r.status(), r.body().length);
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(r.body());
      }
    }
  }

  /** One handler for the whole port: exact routes first, then the export under the context path. */
  private static HttpHandler dispatcher(ExportEndpoint endpoint, String contextPath,
      Map<String, Function<ExportEndpoint.Request, ExportEndpoint.Response>> routes) {
    HttpHandler exports = handler(endpoint);
    ExportEndpoint.Response notFound = endpoint.handle(ExportEndpoint.Request.of("GET", "/", Map.of()));
    return exchange -> {
      String path = exchange.getRequestURI().getRawPath();
      path = path == null ? "/" : path;
      Function<ExportEndpoint.Request, ExportEndpoint.Response> route = routes.get(path);
      if (route == null && underContext(path, contextPath)) {
        exports.handle(exchange);
        return;
      }
      try (exchange) {
        drain(exchange);
        send(exchange, route == null ? notFound : runRoute(route, request(exchange)));
      } catch (IOException | RuntimeException e) {
        log.debug("response not completed: {}", e.toString());
      }
    };
  }

  static ExportEndpoint.Response runRoute(Function<ExportEndpoint.Request, ExportEndpoint.Response> route,
      ExportEndpoint.Request request) {
    try {
      ExportEndpoint.Response r = route.apply(request);
      if (r == null) {
        throw new IllegalStateException("the route returned null");
      }
      return r;
    } catch (RuntimeException e) {
      log.warn("route {} failed: {}", request.path(), e.toString(), e);
      return ROUTE_FAILED;
    }
  }

  static boolean underContext(String path, String contextPath) {
    if (contextPath.equals("/")) {
      return true;
    }
    String ctx = contextPath.endsWith("/") ? contextPath.substring(0, contextPath.length() - 1) : contextPath;
    return path.equals(ctx) || path.startsWith(ctx + "/");
  }

  static ExportEndpoint.Response plain(int status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Content-Type", List.of("text/plain; charset=utf-8"));
    h.put("Cache-Control", List.of("no-store"));
    h.put("X-Content-Type-Options", List.of("nosniff"));
    h.put("Content-Length", List.of(Integer.toString(bytes.length)));
    return new ExportEndpoint.Response(status, h, bytes);
  }

  /** The bound address (port 0 at start gives a free port, read here). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port<contextPath>/}: append a token and {@code .ics}. */
  public URI baseUri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    String ctx = contextPath.endsWith("/") ? contextPath : contextPath + "/";
    return URI.create("http://" + host + ":" + a.getPort() + ctx);
  }

  /** Stops accepting, gives running requests a moment, and stops the worker threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * Settings of an {@link ExportHttpServer}. Values are checked when set and again, together, in
   * {@link #start()}.
   */
  public static final class Builder {
    private final ExportEndpoint endpoint;
    private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private String contextPath = "/";
    private int workerThreads = 4;
    private final Map<String, Function<ExportEndpoint.Request, ExportEndpoint.Response>> routes =
        new LinkedHashMap<>();

    private Builder(ExportEndpoint endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** Where to listen (default: loopback, a free port; read it back with {@link #port()}). */
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
      if (value <= 0) {
        throw new IcsSyncException.ConfigurationException("workerThreads must be positive, was " + value);
      }
      this.workerThreads = value;
      return this;
    }

    /**
     * Serves {@code exactPath} (the raw path, matched exactly, query ignored) with {@code handler}
     * on the same port, ahead of the export: for example {@code /metrics} or {@code /health/ready}.
     * The handler gets every method (it answers 405 itself if it wants to); the server drops the
     * body of a HEAD answer. Handlers run on the worker threads, never on a thread that does I/O
     * for other connections, so they may block (on a database, say). A handler that throws gets a
     * 500 and a log line.
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

    /** Binds and starts the server (daemon threads; {@link ExportHttpServer#close()} stops them). */
    public ExportHttpServer start() {
      if (System.getProperty("sun.net.httpserver.nodelay") == null) {
        System.setProperty("sun.net.httpserver.nodelay", "true");
      }
      AtomicInteger n = new AtomicInteger();
      ThreadFactory factory = r -> {
        Thread t = new Thread(r, "ics-sync-export-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      ExecutorService executor = Executors.newFixedThreadPool(workerThreads, factory);
      HttpServer server;
      try {
        server = HttpServer.create(address, 1024);
      } catch (IOException e) {
        executor.shutdownNow();
        throw new UncheckedIOException("cannot listen on " + address, e);
      }
      server.createContext("/", dispatcher(endpoint, contextPath, Map.copyOf(routes)));
      server.setExecutor(executor);
      server.start();
      log.info("export endpoint listening on {}{}", server.getAddress(), contextPath);
      return new ExportHttpServer(server, executor, contextPath);
    }
  }
}
