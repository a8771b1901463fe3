package dev.icssync.bench.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Loopback calendar server of the load test. {@code /feeds/<id>.ics?n=<events>&slot=<s>&slots=<S>}
 * answers a deterministic Airbnb-style calendar of {@code n} one-night stays; feeds of one property
 * take different slots so their stays interleave without overlapping (no double bookings unless two
 * feeds share a slot). In {@link Mode#VALIDATORS} it sends a strong ETag and Last-Modified and answers
 * 304 to a matching {@code If-None-Match} (or, without one, {@code If-Modified-Since}); in
 * {@link Mode#NO_VALIDATORS} it sends the same bodies without either header, so only the engine's
 * content digest can tell they did not change. Bumping the {@link #revision} moves the first stay of
 * every feed (a one-event change).
 */
final class FeedServer implements AutoCloseable {

  /** Whether responses carry validators. */
  enum Mode { VALIDATORS, NO_VALIDATORS }

  static final String LAST_MODIFIED = "Thu, 01 Jan 2026 00:00:00 GMT";
  private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;

  private final HttpServer server;
  private final ExecutorService executor;
  private final LocalDate base;
  private volatile Mode mode = Mode.VALIDATORS;
  private final AtomicInteger revision = new AtomicInteger();
  final LongAdder ok = new LongAdder();
  final LongAdder notModified = new LongAdder();
  final LongAdder bytes = new LongAdder();

  /**
   * @param threads handler threads
   * @param base first day of the generated stays (keep it within the engine's window)
   */
  FeedServer(int threads, LocalDate base) throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // read when the first server is created
    this.base = base;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "load-feed-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/feeds/", this::handle);
    server.start();
  }

  String url(String feedId, int events, int slot, int slots) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/feeds/" + feedId + ".ics?n=" + events
        + "&slot=" + slot + "&slots=" + slots;
  }

  void mode(Mode value) {
    this.mode = value;
  }

  /** Moves the first stay of every feed (odd revisions) or back (even ones). */
  int bumpRevision() {
    return revision.incrementAndGet();
  }

  long requests() {
    return ok.sum() + notModified.sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String feedId = path.substring("/feeds/".length(), path.length() - ".ics".length());
      Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
      int events = Integer.parseInt(q.getOrDefault("n", "50"));
      int slot = Integer.parseInt(q.getOrDefault("slot", "0"));
      int slots = Integer.parseInt(q.getOrDefault("slots", "1"));
      int rev = revision.get() & 1;
      String etag = etag(feedId, events, slot, rev);
      boolean validators = mode == Mode.VALIDATORS;
      if (validators) {
        String inm = exchange.getRequestHeaders().getFirst("If-None-Match");
        String ims = exchange.getRequestHeaders().getFirst("If-Modified-Since");
        exchange.getResponseHeaders().add("ETag", etag);
        exchange.getResponseHeaders().add("Last-Modified", LAST_MODIFIED);
        if (inm != null ? etag.equals(inm) : LAST_MODIFIED.equals(ims) && rev == 0) {
          exchange.sendResponseHeaders(304, -1);
          notModified.increment();
          return;
        }
      }
      byte[] body = body(feedId, events, slot, slots, rev, base);
      exchange.getResponseHeaders().add("Content-Type", "text/calendar; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      ok.increment();
      bytes.add(body.length);
    }
  }

  private static String etag(String feedId, int events, int slot, int rev) {
    return "\"" + feedId + "-" + events + "-" + slot + "-" + rev + "\"";
  }

  /** The ETag this server sends now for a feed URL made by {@link #url}: what a client stored last time. */
  String etag(String url) {
    java.net.URI uri = java.net.URI.create(url);
    String path = uri.getPath();
    String feedId = path.substring("/feeds/".length(), path.length() - ".ics".length());
    Map<String, String> q = query(uri.getRawQuery());
    return etag(feedId, Integer.parseInt(q.getOrDefault("n", "50")), Integer.parseInt(q.getOrDefault("slot", "0")),
        revision.get() & 1);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    }
    return out;
  }

  /**
   * The calendar of one feed: stay {@code k} is the night of day {@code base + (k * slots + slot)}
   * (wrapping after 700 days for huge feeds, where stays of one feed overlap each other, which is
   * no double booking); revision 1 moves stay 0 to the first free night after the last stay.
   */
  static byte[] body(String feedId, int events, int slot, int slots, int revision, LocalDate base) {
    StringBuilder sb = new StringBuilder(200 + events * 190);
    sb.append("BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nCALSCALE:GREGORIAN\r\n"
        + "VERSION:2.0\r\n");
    for (int k = 0; k < events; k++) {
      long night = ((long) k * slots + slot) % 700;
      if (k == 0 && revision == 1) {
        night = ((long) Math.min(events, 700 / slots)) * slots + slot;
      }
      LocalDate start = base.plusDays(night);
      sb.append("BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:").append(DATE.format(start))
          .append("\r\nDTEND;VALUE=DATE:").append(DATE.format(start.plusDays(1)))
          .append("\r\nSUMMARY:Reserved\r\nUID:").append(feedId).append('-').append(k)
          .append("@load.airbnb.com\r\nEND:VEVENT\r\n");
    }
    sb.append("END:VCALENDAR\r\n");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "FeedServer[127.0.0.1:%d, %s]", server.getAddress().getPort(), mode);
  }
}
