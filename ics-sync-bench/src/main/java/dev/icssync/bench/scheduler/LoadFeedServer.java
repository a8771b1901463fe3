package dev.icssync.bench.scheduler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loopback calendar server of the load harness: {@code /feeds/<id>.ics} answers a deterministic
 * calendar of {@code events} stays, with an ETag and 304 on a match unless validators are off.
 */
final class LoadFeedServer implements AutoCloseable {
  private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
  private final HttpServer server;
  private final ExecutorService executor;
  private final int events;
  private volatile boolean validators = true;
  final AtomicLong ok = new AtomicLong();
  final AtomicLong notModified = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();

  LoadFeedServer(int events, int threads) throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    this.events = events;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    server.createContext("/feeds/", this::handle);
    server.start();
  }

  String url(String feedId) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/feeds/" + feedId + ".ics";
  }

  void validators(boolean value) {
    this.validators = value;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String feedId = path.substring("/feeds/".length()).replace(".ics", "");
      String etag = "\"" + feedId + "-1\"";
      if (validators && etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
        exchange.getResponseHeaders().add("ETag", etag);
        exchange.sendResponseHeaders(304, -1);
        notModified.incrementAndGet();
        return;
      }
      if (validators) {
        exchange.getResponseHeaders().add("ETag", etag);
      }
      byte[] body = body(feedId, events);
      exchange.getResponseHeaders().add("Content-Type", "text/calendar; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      ok.incrementAndGet();
      bytes.addAndGet(body.length);
    }
  }

  static byte[] body(String feedId, int events) {
    StringBuilder sb = new StringBuilder(256 + events * 220);
    sb.append("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//icssync//load//EN\r\n");
    LocalDate base = LocalDate.of(2030, 1, 1);
    for (int k = 0; k < events; k++) {
      LocalDate start = base.plusDays(4L * k);
      sb.append("BEGIN:VEVENT\r\nUID:").append(feedId).append("-e").append(k).append("@load\r\n")
          .append("DTSTAMP:20260101T000000Z\r\n")
          .append("DTSTART;VALUE=DATE:").append(DATE.format(start)).append("\r\n")
          .append("DTEND;VALUE=DATE:").append(DATE.format(start.plusDays(3))).append("\r\n")
          .append("SUMMARY:Reserved\r\nEND:VEVENT\r\n");
    }
    sb.append("END:VCALENDAR\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
