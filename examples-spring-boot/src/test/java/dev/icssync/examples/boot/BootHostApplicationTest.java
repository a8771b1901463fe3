package dev.icssync.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example application started for real (Tomcat on a free port) on PostgreSQL and on H2: feeds
 * served on loopback are synced by the scheduler, an export is fetched from the application's own
 * server (200, then 304 with If-None-Match), and health and metrics are read from Actuator. Tagged
 * {@code slow}: each start of the application takes a while on a busy machine.
 */
@Tag("slow")
class BootHostApplicationTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final LocalDate in = LocalDate.now(ZoneOffset.UTC).plusDays(30);
  private HttpServer feeds;

  @BeforeEach
  void serveFeeds() throws Exception {
    feeds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    serve("/airbnb.ics", stay("a1@airbnb.com", in, 4));
    serve("/booking.ics", stay("b1@booking.com", in.plusDays(2), 3)); // overlaps: a double booking
    feeds.start();
  }

  @AfterEach
  void stopFeeds() {
    feeds.stop(0);
  }

  @Test
  @Tag("postgres")
  void syncsAndServesOnPostgres() throws Exception {
    try (TestDatabase db = TestDatabases.postgres("boot")) {
      scenario(Map.of("spring.datasource.url", db.jdbcUrl(), "spring.datasource.username", db.user(),
          "spring.datasource.password", db.password()));
    }
  }

  @Test
  void syncsAndServesOnH2() throws Exception {
    scenario(Map.of("spring.datasource.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "spring.datasource.username", "sa", "spring.datasource.password", ""));
  }

  private void scenario(Map<String, String> database) throws Exception {
    // command-line arguments: they win over the application's own application.properties
    List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
        "--ics-sync.fetcher.allowed-hosts=127.0.0.1",    // the test's feed server is on loopback
        "--ics-sync.fetcher.min-interval-per-host=0s",
        "--ics-sync.scheduler.polling-interval=1s"));
    database.forEach((k, v) -> args.add("--" + k + "=" + v));
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(BootHostApplication.class)
        .run(args.toArray(String[]::new))) {
      assertThat(app.getEnvironment().getProperty("spring.datasource.url")).isEqualTo(database.get("spring.datasource.url"));
      int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
      Calendars calendars = app.getBean(Calendars.class);
      IcsSync sync = app.getBean(IcsSync.class);
      Feed airbnb = calendars.addFeed("t1", "villa", "airbnb", feedUrl("/airbnb.ics"));
      Feed booking = calendars.addFeed("t1", "villa", "booking", feedUrl("/booking.ics"));

      // the scheduler syncs both
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
          sync.store().state("t1", airbnb.id()).lastSuccess() != null
              && sync.store().state("t1", booking.id()).lastSuccess() != null);
      assertThat(sync.store().events(EventQuery.active("t1", "villa"))).hasSize(2);
      await().atMost(Duration.ofSeconds(30)).until(() -> !sync.openConflicts("t1").isEmpty());

      // an export from the application's own server: 200, then 304
      String base = "http://127.0.0.1:" + port;
      URI export = URI.create(base + calendars.exportPath("t1", "villa", "vrbo"));
      HttpResponse<String> first = http.send(HttpRequest.newBuilder(export).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""))
          .isEqualTo("text/calendar;charset=utf-8"); // Tomcat drops the space
      assertThat(first.body()).startsWith("BEGIN:VCALENDAR")
          .contains("DTSTART;VALUE=DATE:" + in.format(DateTimeFormatter.BASIC_ISO_DATE));
      String etag = first.headers().firstValue("ETag").orElseThrow();
      HttpResponse<String> second = http.send(HttpRequest.newBuilder(export).header("If-None-Match", etag).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(second.statusCode()).isEqualTo(304);
      assertThat(second.body()).isEmpty();
      HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + "/ics/unknown.ics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(404);

      // Actuator: health with the feed details, no URL in them
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"icsSync\"", "\"openConflicts\":1", "\"feeds\":2")
          .doesNotContain("127.0.0.1").doesNotContain(".ics");

      // Actuator: the sync metrics in Prometheus format
      HttpResponse<String> metrics = http.send(
          HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("icssync_sync_runs_total{", "outcome=\"applied\"", "source=\"airbnb\"",
          "icssync_conflicts_opened_total");
    }
  }

  private void serve(String path, String body) {
    feeds.createContext(path, ex -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "text/calendar");
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    });
  }

  private String feedUrl(String path) {
    return "http://127.0.0.1:" + feeds.getAddress().getPort() + path;
  }

  private static String stay(String uid, LocalDate from, int nights) {
    return "BEGIN:VCALENDAR\r\nPRODID:-//Test//Feed//EN\r\nVERSION:2.0\r\n"
        + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:" + from.format(DateTimeFormatter.BASIC_ISO_DATE) + "\r\n"
        + "DTEND;VALUE=DATE:" + from.plusDays(nights).format(DateTimeFormatter.BASIC_ISO_DATE) + "\r\n"
        + "SUMMARY:Reserved\r\nUID:" + uid + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }
}
