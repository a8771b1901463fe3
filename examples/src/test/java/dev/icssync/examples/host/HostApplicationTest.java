package dev.icssync.examples.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.icssync.Feed;
import dev.icssync.spi.EventQuery;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The host application on PostgreSQL: a feed on loopback is synced by the scheduler and exported.
 * Redis is wired in but not required (the application works on while it is away), so the test does
 * not need it.
 */
@Tag("postgres")
class HostApplicationTest {

  @Test
  void feedIsSyncedByTheSchedulerAndServedAsAnExport() throws Exception {
    LocalDate in = LocalDate.now(ZoneOffset.UTC).plusDays(20);
    String ics = "BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nVERSION:2.0\r\n"
        + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:" + in.format(DateTimeFormatter.BASIC_ISO_DATE) + "\r\n"
        + "DTEND;VALUE=DATE:" + in.plusDays(3).format(DateTimeFormatter.BASIC_ISO_DATE) + "\r\n"
        + "SUMMARY:Reserved\r\nUID:1418fb94e984-00000000000000000000000000000001@airbnb.com\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n";
    HttpServer feeds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    feeds.createContext("/airbnb.ics", ex -> {
      byte[] body = ics.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    feeds.start();
    try (TestDatabase db = TestDatabases.postgres();
        HostApplication app = HostApplication.start(new HostApplication.Config(db.jdbcUrl(), db.user(),
            db.password(), new InetSocketAddress("127.0.0.1", 0), List.of("127.0.0.1"), 2,
            "redis://127.0.0.1:6379", "icssync:example:" + java.util.UUID.randomUUID() + ":"))) {
      Feed feed = app.addFeed("t1", "villa", "airbnb",
          "http://127.0.0.1:" + feeds.getAddress().getPort() + "/airbnb.ics");

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
          !app.sync().store().events(EventQuery.active("t1", "villa")).isEmpty());

      String url = app.exportUrl("t1", "villa", "booking");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("DTSTART;VALUE=DATE:" + in.format(DateTimeFormatter.BASIC_ISO_DATE));
      assertThat(app.sync().store().state("t1", feed.id()).lastSuccess()).isNotNull();
    } finally {
      feeds.stop(0);
    }
  }
}
