package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that work on a store, on an in-memory H2 database and a loopback feed server. */
class StoreCommandsTest {
  static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  final String db = "jdbc:h2:mem:cli-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  final LocalDate today = LocalDate.now(ZoneOffset.UTC);

  @TempDir
  Path dir;

  String airbnb(int from, int to) {
    return "BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nVERSION:2.0\r\n"
        + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:" + today.plusDays(from).format(DAY) + "\r\nDTEND;VALUE=DATE:"
        + today.plusDays(to).format(DAY) + "\r\nSUMMARY:Reserved\r\n"
        + "UID:1418fb94e984-6d1e0f7c2a9b4c3e8f1a2b3c4d5e6f70@airbnb.com\r\n"
        + "DESCRIPTION:Phone Number (Last 4 Digits): 4821\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  String booking(int from, int to) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//admin.booking.com\\\\\\, b.v.//NONSGML v1.0//EN\r\n"
        + "BEGIN:VEVENT\r\nUID:0123456789abcdef0123456789abcdef@booking.com\r\nDTSTART;VALUE=DATE:"
        + today.plusDays(from).format(DAY) + "\r\nDTEND;VALUE=DATE:" + today.plusDays(to).format(DAY)
        + "\r\nSUMMARY:CLOSED - Not available\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  Cli ok(String... args) {
    Cli r = Cli.run(args);
    assertThat(r.status()).as("%s%nstdout: %s%nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
    return r;
  }

  @Test
  void feedsAddListAndRemove() {
    String id = ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
        "--url", "https://www.airbnb.com/calendar/ical/1.ics?s=topsecret", "--interval", "30m").out().strip();
    assertThat(id).matches("airbnb-[0-9a-f]{10}");
    String again = ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
        "--url", "https://www.airbnb.com/calendar/ical/1.ics?s=topsecret", "--interval", "PT1H").out().strip();
    assertThat(again).as("same tenant, property and URL: same feed").isEqualTo(id);

    JsonNode feeds = ok("feeds", "list", "--db", db, "--json").json();
    assertThat(feeds).hasSize(1);
    JsonNode f = feeds.get(0);
    assertThat(f.get("id").asText()).isEqualTo(id);
    assertThat(f.get("tenant").asText()).isEqualTo("t1");
    assertThat(f.get("property").asText()).isEqualTo("villa");
    assertThat(f.get("source").asText()).isEqualTo("airbnb");
    assertThat(f.get("interval").asText()).isEqualTo("PT1H");
    assertThat(f.get("active").asBoolean()).isTrue();
    assertThat(f.get("url").asText()).isEqualTo("https://www.airbnb.com/calendar/ical/1.ics?s=***et");
    assertThat(ok("feeds", "list", "--db", db).out()).contains(id).doesNotContain("topsecret");

    assertThat(ok("feeds", "remove", "--db", db, "--tenant", "t1", "--feed", id).out()).contains("removed " + id);
    assertThat(ok("feeds", "list", "--db", db, "--json").json().get(0).get("active").asBoolean()).isFalse();

    Cli unknown = Cli.run("feeds", "remove", "--db", db, "--tenant", "t1", "--feed", "nope");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("ics-sync: no feed nope in tenant t1" + System.lineSeparator());
    assertThat(Cli.run("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
        "--url", "https://x", "--interval", "soon").status()).isEqualTo(64);
  }

  @Test
  void propertiesSetKeepsUnnamedValues() {
    assertThat(ok("properties", "set", "--db", db, "--tenant", "t1", "--property", "villa", "--zone", "Europe/Lisbon")
        .out()).contains("zone Europe/Lisbon, check-in 15:00, check-out 11:00");
    assertThat(ok("properties", "set", "--db", db, "--tenant", "t1", "--property", "villa", "--checkout", "10:30")
        .out()).contains("zone Europe/Lisbon, check-in 15:00, check-out 10:30");
    assertThat(Cli.run("properties", "set", "--db", db, "--tenant", "t1", "--property", "villa", "--zone", "Mars/Base")
        .status()).isEqualTo(64);
  }

  @Test
  void syncEventsConflictsExportTokensAndServe() throws Exception {
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb(10, 14)).put("/b.ics", booking(13, 16))) {
      String a = ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
          "--url", server.url("/a.ics")).out().strip();
      String b = ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "booking",
          "--url", server.url("/b.ics")).out().strip();

      // the SSRF guard refuses loopback unless it is allowed
      Cli refused = Cli.run("sync", "--db", db, "--json");
      assertThat(refused.status()).isEqualTo(1);
      assertThat(refused.json().get(0).get("reason").asText()).isEqualTo("refused");

      JsonNode reports = ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1").json();
      assertThat(reports).hasSize(2);
      JsonNode first = reports.get(0);
      List<String> fields = new ArrayList<>();
      first.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).contains("feedId", "outcome", "reason", "counts", "durations");
      assertThat(first.get("feedId").asText()).isEqualTo(a);
      assertThat(first.get("outcome").asText()).isEqualTo("applied");
      assertThat(first.get("reason").isNull()).isTrue();
      assertThat(first.get("counts").get("created").asInt()).isEqualTo(1);
      assertThat(first.get("durations").get("total").asDouble()).isPositive();
      assertThat(reports.get(1).get("feedId").asText()).isEqualTo(b);

      // a second round: nothing changed
      JsonNode again = ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1", "--tenant", "t1", "--feed", a)
          .json();
      assertThat(again).hasSize(1);
      assertThat(again.get(0).get("outcome").asText()).isIn("unchanged", "not_modified");

      JsonNode events = ok("events", "--db", db, "--tenant", "t1", "--property", "villa", "--json").json();
      assertThat(events).hasSize(2);
      assertThat(events.get(0).get("source").asText()).isEqualTo("airbnb");
      assertThat(events.get(0).get("start").asText()).isEqualTo(today.plusDays(10).toString());
      assertThat(events.get(0).get("kind").asText()).isEqualTo("reservation");

      JsonNode conflicts = ok("conflicts", "--db", db, "--json").json();
      assertThat(conflicts).hasSize(1);
      assertThat(conflicts.get(0).get("status").asText()).isEqualTo("open");
      assertThat(conflicts.get(0).get("property").asText()).isEqualTo("villa");
      assertThat(ok("conflicts", "--db", db, "--tenant", "t2", "--json").json()).isEmpty();

      Path file = dir.resolve("out/villa-for-airbnb.ics");
      ok("export", "--db", db, "--tenant", "t1", "--property", "villa", "--channel", "airbnb", "-o", file.toString());
      String forAirbnb = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(forAirbnb).startsWith("BEGIN:VCALENDAR");
      assertThat(Cli.withoutGeneratedValues(forAirbnb)).doesNotContain("4821");
      assertThat(forAirbnb).contains(today.plusDays(13).format(DAY)).doesNotContain(today.plusDays(10).format(DAY));
      String merged = ok("export", "--db", db, "--tenant", "t1", "--property", "villa").out();
      assertThat(merged).contains(today.plusDays(10).format(DAY)).contains(today.plusDays(13).format(DAY));

      String path = ok("tokens", "create", "--db", db, "--tenant", "t1", "--property", "villa", "--channel", "airbnb")
          .out().strip();
      assertThat(path).matches("/export/[A-Za-z0-9_-]{32}\\.ics");
      assertThat(Cli.run("tokens", "create", "--db", db, "--tenant", "t1", "--property", "nowhere").status()).isEqualTo(1);

      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      AtomicReference<Cli> served = new AtomicReference<>();
      Thread serve = new Thread(() -> served.set(Cli.run("serve", "--db", db, "--port", String.valueOf(port))));
      serve.start();
      HttpClient http = HttpClient.newHttpClient();
      // the server is up when it answers; until then the connection is refused
      HttpResponse<String> response = await().atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(IOException.class)
          .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()),
              r -> r != null);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(forAirbnb);
      HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/export/" + "A".repeat(32) + ".ics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(404);
      serve.interrupt();
      serve.join(10_000);
      assertThat(served.get().status()).isZero();
      assertThat(served.get().out()).contains("serving exports at http://127.0.0.1:" + port + "/export/<token>.ics");
    }
  }

  @Test
  void failedFeedMakesSyncExitOne() {
    try (FeedServer server = new FeedServer()) {
      ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "vrbo", "--url",
          server.url("/gone.ics"));
      Cli r = Cli.run("sync", "--db", db, "--json", "--allow-host", "127.0.0.1");

      assertThat(r.status()).isEqualTo(1);
      assertThat(r.json().get(0).get("outcome").asText()).isEqualTo("failed");
      assertThat(r.json().get(0).get("reason").asText()).isEqualTo("gone");
      assertThat(Cli.run("sync", "--db", db, "--allow-host", "127.0.0.1").out()).contains("failed").contains("[gone]");
    }
  }
}
