package dev.icssync.scheduler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback calendar server for the scheduler proofs: {@code /feeds/<feedId>.ics} answers a
 * deterministic calendar with an ETag (304 on a matching If-None-Match), records every request's
 * arrival, and flags two requests for one feed in flight at once. Per feed it can answer 429 with
 * Retry-After once, serve a new version, or hold its response until released.
 */
final class FeedServer implements AutoCloseable {
  private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;

  private final HttpServer server;
  private final ExecutorService executor;
  final Map<String, List<Instant>> arrivals = new ConcurrentHashMap<>();
  final Map<String, List<Integer>> statuses = new ConcurrentHashMap<>();
  final Map<String, List<Instant>> responded = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  final AtomicInteger overlaps = new AtomicInteger();
  final AtomicLong requests = new AtomicLong();
  private final Map<String, Integer> versions = new ConcurrentHashMap<>();
  private final Map<String, Integer> retryAfterOnce = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> arrivedHeld = new ConcurrentHashMap<>();
  private volatile int events = 5;
  private volatile boolean validators = true;
  private volatile long delayMillis;

  FeedServer(int threads) throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    server.createContext("/feeds/", this::handle);
    server.start();
  }

  /** {@code http://<host>:<port>/feeds/<feedId>.ics}; host 127.0.0.1 or localhost (two politeness keys). */
  String url(String host, String feedId) {
    return "http://" + host + ":" + server.getAddress().getPort() + "/feeds/" + feedId + ".ics";
  }

  String url(String feedId) {
    return url("127.0.0.1", feedId);
  }

  FeedServer events(int value) {
    this.events = value;
    return this;
  }

  /** With false, no ETag and no 304: every poll downloads the full (unchanged) body. */
  FeedServer validators(boolean value) {
    this.validators = value;
    return this;
  }

  /** Every answer takes this long (a slow channel), so workers hold executions for a while. */
  FeedServer delay(long millis) {
    this.delayMillis = millis;
    return this;
  }

  void version(String feedId, int version) {
    versions.put(feedId, version);
  }

  void retryAfterOnce(String feedId, int seconds) {
    retryAfterOnce.put(feedId, seconds);
  }

  /** Holds the next response for {@code feedId} until {@link #release}; returns a latch for its arrival. */
  CountDownLatch hold(String feedId) {
    holds.put(feedId, new CountDownLatch(1));
    CountDownLatch arrived = new CountDownLatch(1);
    arrivedHeld.put(feedId, arrived);
    return arrived;
  }

  void release(String feedId) {
    CountDownLatch latch = holds.remove(feedId);
    if (latch != null) {
      latch.countDown();
    }
  }

  List<Instant> arrivalsOf(String feedId) {
    return arrivals.getOrDefault(feedId, List.of());
  }

  private void handle(HttpExchange exchange) throws IOException {
    Instant arrived = Instant.now();
    requests.incrementAndGet();
    String path = exchange.getRequestURI().getPath();
    String feedId = path.substring("/feeds/".length()).replace(".ics", "");
    arrivals.computeIfAbsent(feedId, k -> new CopyOnWriteArrayList<>()).add(arrived);
    AtomicInteger flying = inFlight.computeIfAbsent(feedId, k -> new AtomicInteger());
    if (flying.incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
    int version = versions.getOrDefault(feedId, 1);
    try (exchange) {
      CountDownLatch hold = holds.get(feedId);
      if (hold != null) {
        CountDownLatch signal = arrivedHeld.remove(feedId);
        if (signal != null) {
          signal.countDown();
        }
        hold.await(60, TimeUnit.SECONDS);
      }
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
      Integer retry = retryAfterOnce.remove(feedId);
      if (retry != null) {
        exchange.getResponseHeaders().add("Retry-After", Integer.toString(retry));
        respond(exchange, feedId, 429, new byte[0]);
        return;
      }
      String etag = "\"" + feedId + "-v" + version + "\"";
      if (validators && etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
        exchange.getResponseHeaders().add("ETag", etag);
        respond(exchange, feedId, 304, null);
        return;
      }
      if (validators) {
        exchange.getResponseHeaders().add("ETag", etag);
      }
      exchange.getResponseHeaders().add("Content-Type", "text/calendar; charset=utf-8");
      respond(exchange, feedId, 200, body(feedId, version, events));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      flying.decrementAndGet();
    }
  }

  private void respond(HttpExchange exchange, String feedId, int status, byte[] body) throws IOException {
    statuses.computeIfAbsent(feedId, k -> new CopyOnWriteArrayList<>()).add(status);
    responded.computeIfAbsent(feedId, k -> new CopyOnWriteArrayList<>()).add(Instant.now());
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** A calendar of {@code events} stays; version n shifts every stay by n - 1 days. */
  static byte[] body(String feedId, int version, int events) {
    StringBuilder sb = new StringBuilder(256 + events * 200);
    sb.append("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//icssync//loopback//EN\r\n");
    LocalDate base = LocalDate.of(2030, 1, 1).plusDays(version - 1L);
    for (int k = 0; k < events; k++) {
      LocalDate start = base.plusDays(4L * k);
      sb.append("BEGIN:VEVENT\r\nUID:").append(feedId).append("-e").append(k).append("@loopback\r\n")
          .append("DTSTAMP:20260101T000000Z\r\n")
          .append("DTSTART;VALUE=DATE:").append(DATE.format(start)).append("\r\n")
          .append("DTEND;VALUE=DATE:").append(DATE.format(start.plusDays(2))).append("\r\n")
          .append("SUMMARY:Reserved\r\nEND:VEVENT\r\n");
    }
    sb.append("END:VCALENDAR\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    holds.values().forEach(CountDownLatch::countDown);
    server.stop(0);
    executor.shutdownNow();
  }
}
