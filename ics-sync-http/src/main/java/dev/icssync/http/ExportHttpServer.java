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
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export endpoint on the JDK's own HTTP server ({@code com.sun.net.httpserver}): no container
 * needed. Used by the CLI's {@code serve}.
 *
 * <pre>{@code
 * try (ExportHttpServer server = ExportHttpServer.start(
 *     ExportEndpoint.builder(sync).build(), new InetSocketAddress("127.0.0.1", 8080), "/export", 8)) {
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

  private final HttpServer server;
  private final ExecutorService executor;
  private final String contextPath;

  private ExportHttpServer(HttpServer server, ExecutorService executor, String contextPath) {
    this.server = server;
    this.executor = executor;
    this.contextPath = contextPath;
  }

  /** Starts a server at {@code address} serving {@code /<token>.ics}, with 4 worker threads. */
  public static ExportHttpServer start(ExportEndpoint endpoint, InetSocketAddress address) {
    return start(endpoint, address, "/", 4);
  }

  /**
   * Starts a server at {@code address} serving {@code <contextPath>/<token>.ics} on {@code threads}
   * worker threads (daemon threads; {@link #close()} stops them).
   */
  public static ExportHttpServer start(ExportEndpoint endpoint, InetSocketAddress address, String contextPath,
      int threads) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(contextPath, "contextPath");
    if (!contextPath.startsWith("/")) {
      throw new IcsSyncException.ConfigurationException("contextPath must start with '/', was " + contextPath);
    }
    if (threads <= 0) {
      throw new IcsSyncException.ConfigurationException("threads must be positive, was " + threads);
    }
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "ics-sync-export-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ExecutorService executor = Executors.newFixedThreadPool(threads, factory);
    HttpServer server;
    try {
      server = HttpServer.create(address, 1024);
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    server.createContext(contextPath, handler(endpoint));
    server.setExecutor(executor);
    server.start();
    log.info("export endpoint listening on {}{}", server.getAddress(), contextPath);
    return new ExportHttpServer(server, executor, contextPath);
  }

  /** The endpoint as a {@link HttpHandler}, to mount in a server the host already has. */
  public static HttpHandler handler(ExportEndpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    return exchange -> serve(endpoint, exchange);
  }

  private static void serve(ExportEndpoint endpoint, HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      String path = exchange.getRequestURI().getRawPath();
      ExportEndpoint.Response r = endpoint.handle(
          new ExportEndpoint.Request(exchange.getRequestMethod(), path == null ? "/" : path,
              exchange.getRequestHeaders()));
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
    } catch (IOException | RuntimeException e) {
      // Client gone or a bug: nothing to send; say so without the path (it holds the token).
      log.debug("export response not completed: {}", e.toString());
    }
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
}
