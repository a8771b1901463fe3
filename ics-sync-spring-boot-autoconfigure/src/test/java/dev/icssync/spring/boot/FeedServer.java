package dev.icssync.spring.boot;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback server of test feeds: {@code put(path, body)}, then fetch {@code url(path)}. */
final class FeedServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, String> bodies = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  private final CountDownLatch held = new CountDownLatch(1);
  private final AtomicInteger requests = new AtomicInteger();

  FeedServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/", ex -> {
      try (ex) {
        requests.incrementAndGet();
        String path = ex.getRequestURI().getPath();
        CountDownLatch hold = holds.get(path);
        if (hold != null) {
          held.countDown();
          try {
            hold.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        String body = bodies.get(path);
        if (body == null) {
          ex.sendResponseHeaders(404, -1);
          return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/calendar");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    });
    server.start();
  }

  FeedServer put(String path, String body) {
    bodies.put(path, body);
    return this;
  }

  /** Answers requests for {@code path} only once {@code release} opens. */
  FeedServer hold(String path, CountDownLatch release) {
    holds.put(path, release);
    return this;
  }

  /** Waits until a request for a held path has arrived. */
  boolean awaitHeld(long seconds) throws InterruptedException {
    return held.await(seconds, TimeUnit.SECONDS);
  }

  int requests() {
    return requests.get();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** An Airbnb-style feed of one reservation of {@code nights} nights from {@code in}. */
  static String stay(String uid, LocalDate in, int nights) {
    return "BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nVERSION:2.0\r\n"
        + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:" + in.format(DateTimeFormatter.BASIC_ISO_DATE) + "\r\n"
        + "DTEND;VALUE=DATE:" + in.plusDays(nights).format(DateTimeFormatter.BASIC_ISO_DATE) + "\r\n"
        + "SUMMARY:Reserved\r\nUID:" + uid + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
