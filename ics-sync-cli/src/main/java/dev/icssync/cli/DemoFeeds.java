package dev.icssync.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The demo's channels: a loopback HTTP server with feeds shaped like Airbnb's, Booking.com's and
 * Vrbo's (see CHANNELS.md in the project notes), for two properties, in two rounds.
 *
 * <ul>
 *   <li>villa-azul: Airbnb, Booking.com and Vrbo. Round 1 holds two double bookings (Airbnb x
 *       Booking.com, Vrbo x Booking.com). In round 2 the Airbnb guest shortens the stay (same UID,
 *       new dates: the first double booking goes away), a Booking.com stay is cancelled (it
 *       vanishes from the feed) and Vrbo answers 304 Not Modified.
 *   <li>casa-sol: Airbnb and Booking.com with a same-day turnover (not a conflict). In round 2 the
 *       Airbnb feed comes back empty, as Airbnb's sometimes does for one poll: the cancellations are
 *       held back (quarantine), not applied. Booking.com sends the same body again.
 * </ul>
 * Dates are relative to today, so the demo always shows future stays.
 */
final class DemoFeeds implements AutoCloseable {
  static final List<String> FEEDS = List.of("villa-azul/airbnb", "villa-azul/booking", "villa-azul/vrbo",
      "casa-sol/airbnb", "casa-sol/booking");

  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  private final LocalDate today;
  private final AtomicInteger round = new AtomicInteger(1);
  private final HttpServer server;
  private final ExecutorService executor;

  DemoFeeds(LocalDate today) throws IOException {
    this.today = today;
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "ics-sync-demo-feeds");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/feeds/", this::handle);
    server.start();
  }

  /** The URL of a feed ({@code villa-azul/airbnb}). */
  String url(String feed) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/feeds/" + feed + ".ics";
  }

  void nextRound() {
    round.incrementAndGet();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String name = path.substring("/feeds/".length()).replaceFirst("\\.ics$", "");
      String body = body(name, round.get());
      if (body == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
      if (name.endsWith("/vrbo")) {
        // Vrbo's server here honours validators: the second round is a 304
        ex.getResponseHeaders().add("ETag", etag);
        if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
          ex.sendResponseHeaders(304, -1);
          return;
        }
      }
      ex.getResponseHeaders().add("Content-Type", "text/calendar; charset=utf-8");
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private String d(int days) {
    return today.plusDays(days).format(DAY);
  }

  /** The feed's body in this round, or null for a name the demo does not serve. */
  @Nullable String body(String name, int round) {
    return switch (name) {
      case "villa-azul/airbnb" -> airbnb(Map.of(
          "1418fb94e984-6d1e0f7c2a9b4c3e8f1a2b3c4d5e6f70@airbnb.com", round == 1 ? span(10, 14) : span(10, 12),
          "1418fb94e984-0a1b2c3d4e5f60718293a4b5c6d7e8f9@airbnb.com", span(20, 23)),
          Map.of("7f662ec65913-4b5c6d7e8f9011223344556677889900@airbnb.com", span(30, 33),
              "7f662ec65913-aabbccddeeff00112233445566778899@airbnb.com", span(180, 365)));
      case "villa-azul/booking" -> booking(round == 1
          ? List.of(span(13, 16), span(40, 45), span(52, 54))
          : List.of(span(13, 16), span(52, 54)));
      case "villa-azul/vrbo" -> vrbo();
      case "casa-sol/airbnb" -> round == 1
          ? airbnb(Map.of(
              "1418fb94e984-11112222333344445555666677778888@airbnb.com", span(5, 9),
              "1418fb94e984-99990000aaaabbbbccccddddeeeeffff@airbnb.com", span(15, 18),
              "1418fb94e984-1234567890abcdef1234567890abcdef@airbnb.com", span(25, 27)), Map.of())
          : airbnb(Map.of(), Map.of());
      case "casa-sol/booking" -> booking(List.of(span(9, 12), span(30, 37)));
      default -> null;
    };
  }

  private int[] span(int from, int to) {
    return new int[] {from, to};
  }

  private String airbnb(Map<String, int[]> reservations, Map<String, int[]> blocks) {
    StringBuilder s = new StringBuilder();
    s.append("BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nCALSCALE:GREGORIAN\r\nVERSION:2.0\r\n");
    reservations.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      String code = "HM" + Integer.toHexString(e.getKey().hashCode()).toUpperCase(java.util.Locale.ROOT);
      s.append("BEGIN:VEVENT\r\nDTSTAMP:").append(today.format(DAY)).append("T060000Z\r\n")
          .append("DTSTART;VALUE=DATE:").append(d(e.getValue()[0])).append("\r\n")
          .append("DTEND;VALUE=DATE:").append(d(e.getValue()[1])).append("\r\n")
          .append("SUMMARY:Reserved\r\nUID:").append(e.getKey()).append("\r\n")
          .append("DESCRIPTION:Reservation URL: https://www.airbnb.com/hosting/reservations/details/")
          .append(code).append("\\nPhone Number (Last 4 Digits): 4821\r\nEND:VEVENT\r\n");
    });
    blocks.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        s.append("BEGIN:VEVENT\r\nDTSTAMP:").append(today.format(DAY)).append("T060000Z\r\n")
            .append("DTSTART;VALUE=DATE:").append(d(e.getValue()[0])).append("\r\n")
            .append("DTEND;VALUE=DATE:").append(d(e.getValue()[1])).append("\r\n")
            .append("SUMMARY:Airbnb (Not available)\r\nUID:").append(e.getKey()).append("\r\nEND:VEVENT\r\n"));
    return s.append("END:VCALENDAR\r\n").toString();
  }

  private String booking(List<int[]> stays) {
    StringBuilder s = new StringBuilder();
    s.append("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//admin.booking.com\\\\\\, b.v.//NONSGML v1.0//EN\r\n")
        .append("METHOD:PUBLISH\r\n");
    for (int[] st : stays) {
      String uid = String.format(java.util.Locale.ROOT, "%08x%08x%016x@booking.com", st[0] * 7919, st[1] * 104729,
          (long) st[0] * 31 + st[1]);
      s.append("BEGIN:VEVENT\r\nUID:").append(uid).append("\r\nDTSTAMP:").append(today.format(DAY)).append("T053000Z\r\n")
          .append("DTSTART;VALUE=DATE:").append(d(st[0])).append("\r\n")
          .append("DTEND;VALUE=DATE:").append(d(st[1])).append("\r\n")
          .append("SUMMARY:CLOSED - Not available\r\nEND:VEVENT\r\n");
    }
    return s.append("END:VCALENDAR\r\n").toString();
  }

  private String vrbo() {
    // LF line ends, localised summaries with guest names (never exported)
    return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//HomeAway.com, Inc.//EN\n"
        + "BEGIN:VEVENT\nUID:5b0f0a3e-8c1d-4a7e-9f2b-3c4d5e6f7a8b\nDTSTAMP:" + today.format(DAY) + "T040000Z\n"
        + "DTSTART;VALUE=DATE:" + d(50) + "\nDTEND;VALUE=DATE:" + d(55) + "\nSUMMARY:Reserved - Jane D\nEND:VEVENT\n"
        + "BEGIN:VEVENT\nUID:9e8d7c6b-5a49-4382-8170-6f5e4d3c2b1a\nDTSTAMP:" + today.format(DAY) + "T040000Z\n"
        + "DTSTART;VALUE=DATE:" + d(70) + "\nDTEND;VALUE=DATE:" + d(72) + "\nSUMMARY:Provisoire - Marc L\nEND:VEVENT\n"
        + "BEGIN:VEVENT\nUID:0f1e2d3c-4b5a-4697-8877-665544332211\nDTSTAMP:" + today.format(DAY) + "T040000Z\n"
        + "DTSTART;VALUE=DATE:" + d(90) + "\nDTEND;VALUE=DATE:" + d(95) + "\nSUMMARY:Blocked\nEND:VEVENT\n"
        + "END:VCALENDAR\n";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
