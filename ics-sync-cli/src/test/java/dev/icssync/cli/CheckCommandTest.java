package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
  static final String AIRBNB = """
      BEGIN:VCALENDAR\r
      PRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r
      CALSCALE:GREGORIAN\r
      VERSION:2.0\r
      BEGIN:VEVENT\r
      DTSTAMP:20260801T060000Z\r
      DTSTART;VALUE=DATE:20260824\r
      DTEND;VALUE=DATE:20260827\r
      SUMMARY:Reserved\r
      UID:1418fb94e984-6d1e0f7c2a9b4c3e8f1a2b3c4d5e6f70@airbnb.com\r
      DESCRIPTION:Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMABCDE123\\nPhone Number (Last 4 Digits): 1234\r
      END:VEVENT\r
      BEGIN:VEVENT\r
      DTSTAMP:20260801T060000Z\r
      DTSTART;VALUE=DATE:20260901\r
      DTEND;VALUE=DATE:20260903\r
      SUMMARY:Airbnb (Not available)\r
      UID:7f662ec65913-4b5c6d7e8f9011223344556677889900@airbnb.com\r
      END:VEVENT\r
      END:VCALENDAR\r
      """;

  static final String RECURRING = """
      BEGIN:VCALENDAR
      VERSION:2.0
      PRODID:-//Google Inc//Google Calendar 70.9054//EN
      BEGIN:VEVENT
      UID:cleaning@example.com
      DTSTART;TZID=Europe/Paris:20260803T110000
      DTEND;TZID=Europe/Paris:20260803T130000
      RRULE:FREQ=WEEKLY;COUNT=10
      SUMMARY:Cleaning
      STATUS:TENTATIVE
      END:VEVENT
      BEGIN:VEVENT
      UID:gone@example.com
      DTSTART:20260805T090000Z
      DTEND:20260805T100000Z
      STATUS:CANCELLED
      SUMMARY:Viewing
      END:VEVENT
      END:VCALENDAR
      """;

  @TempDir
  Path dir;

  Path write(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, body, StandardCharsets.UTF_8);
    return p;
  }

  static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** What the command fetches rather than reads as a file: the schemes of the old pattern {@code (?is)^(https?|webcals?)://.*}. */
  @Test
  void urlsAreTheFetchersSchemesInAnyAsciiCaseAndNothingElse() {
    assertThat(List.of("http://h/f.ics", "https://h/f.ics", "webcal://h/f.ics", "webcals://h/f.ics", "HTTPS://h",
        "WebCal://h/a\nb", "hTtP://")).allMatch(CheckCommand::isUrl);
    assertThat(List.of("feed.ics", "/tmp/http://x", " http://h", "ftp://h/f.ics", "http:/h", "https//h", "://h",
        "xhttp://h", "httpſ://h", "HTTP\u0130://h", "webcalss://h", "file:///tmp/f.ics", "C:\\feeds\\f.ics"))
        .noneMatch(CheckCommand::isUrl);
  }

  @Test
  void jsonContractOfAnAirbnbFeed() throws IOException {
    Cli r = Cli.run("check", write("airbnb.ics", AIRBNB).toString(), "--json");

    assertThat(r.status()).as(r.err()).isZero();
    JsonNode root = r.json();
    assertThat(fieldNames(root)).containsExactly("source", "events", "diagnostics", "error");
    assertThat(root.get("source").asText()).isEqualTo("airbnb");
    assertThat(root.get("error").isNull()).isTrue();
    assertThat(root.get("diagnostics").isArray()).isTrue();
    JsonNode events = root.get("events");
    assertThat(events).hasSize(2);
    JsonNode stay = events.get(0);
    assertThat(fieldNames(stay)).containsExactly("uid", "recurrenceId", "start", "end", "allDay", "kind", "status",
        "summary");
    assertThat(stay.get("uid").asText()).isEqualTo("1418fb94e984-6d1e0f7c2a9b4c3e8f1a2b3c4d5e6f70@airbnb.com");
    assertThat(stay.get("recurrenceId").isNull()).isTrue();
    assertThat(stay.get("start").asText()).isEqualTo("2026-08-24");
    assertThat(stay.get("end").asText()).isEqualTo("2026-08-27");
    assertThat(stay.get("allDay").asBoolean()).isTrue();
    assertThat(stay.get("kind").asText()).isEqualTo("reservation");
    assertThat(stay.get("status").asText()).isEqualTo("confirmed");
    assertThat(r.out()).doesNotContain("HMABCDE123").doesNotContain("1234\"");
    assertThat(events.get(1).get("kind").asText()).isEqualTo("block");
  }

  @Test
  void recurringTimedEventsAreExpandedBetweenFromAndTo() throws IOException {
    Cli r = Cli.run("check", write("google.ics", RECURRING).toString(), "--json", "--from", "2026-08-01", "--to",
        "2026-08-20");

    assertThat(r.status()).as(r.err()).isZero();
    JsonNode events = r.json().get("events");
    List<String> starts = new ArrayList<>();
    for (JsonNode e : events) {
      if (e.get("uid").asText().equals("cleaning@example.com")) {
        starts.add(e.get("start").asText());
        assertThat(e.get("allDay").asBoolean()).isFalse();
        assertThat(e.get("recurrenceId").asText()).matches("\\d{8}T\\d{6}Z");
        assertThat(e.get("status").asText()).isEqualTo("tentative");
      }
    }
    // 11:00 in Paris (CEST) is 09:00Z; weekly from 3 August, within [1 Aug, 20 Aug)
    assertThat(starts).containsExactly("2026-08-03T09:00:00Z", "2026-08-10T09:00:00Z", "2026-08-17T09:00:00Z");
    JsonNode cancelled = null;
    for (JsonNode e : events) {
      if (e.get("uid").asText().equals("gone@example.com")) {
        cancelled = e;
      }
    }
    assertThat(cancelled).isNotNull();
    assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
    assertThat(cancelled.get("end").asText()).isEqualTo("2026-08-05T10:00:00Z");
  }

  @Test
  void sourceIsTheOptionElseTheDetectedChannelElseNull() throws IOException {
    Path f = write("google.ics", RECURRING);
    assertThat(Cli.run("check", f.toString(), "--json", "--source", "Booking").json().get("source").asText())
        .isEqualTo("booking");
    assertThat(Cli.run("check", f.toString(), "--json").json().get("source").asText()).isEqualTo("google");
    Path unknown = write("other.ics", RECURRING.replace("-//Google Inc//Google Calendar 70.9054//EN", "-//Example//Cal//EN"));
    assertThat(Cli.run("check", unknown.toString(), "--json").json().get("source").isNull()).isTrue();
  }

  @Test
  void diagnosticsCarryLineNumbers() throws IOException {
    String broken = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20260824\n"
        + "DTEND;VALUE=DATE:20260826\nthis line is not a property\nEND:VEVENT\nEND:VCALENDAR\n";
    Cli r = Cli.run("check", write("broken.ics", broken).toString(), "--json");

    assertThat(r.status()).isZero();
    JsonNode diagnostics = r.json().get("diagnostics");
    assertThat(diagnostics).isNotEmpty();
    assertThat(fieldNames(diagnostics.get(0))).containsExactly("line", "message");
    assertThat(diagnostics.get(0).get("line").asInt()).isEqualTo(7);
    assertThat(r.json().get("events")).hasSize(1);
  }

  @Test
  void htmlIsNotACalendar() throws IOException {
    Cli r = Cli.run("check", write("login.html", "<!DOCTYPE html><html><body>Sign in</body></html>").toString(),
        "--json");

    assertThat(r.status()).isEqualTo(2);
    JsonNode error = r.json().get("error");
    assertThat(fieldNames(error)).containsExactly("type", "message");
    assertThat(error.get("type").asText()).isEqualTo("NOT_A_CALENDAR");
    assertThat(r.json().get("events")).isEmpty();
  }

  @Test
  void emptyBlankAndCutOffFeedsAreNotCalendarsExitTwo() throws IOException {
    String cut = AIRBNB.substring(0, AIRBNB.lastIndexOf("BEGIN:VEVENT") + 40); // inside the last event
    String noEnd = AIRBNB.substring(0, AIRBNB.indexOf("END:VCALENDAR"));
    for (String[] c : List.of(new String[] {"empty.ics", "", "EMPTY_BODY"},
        new String[] {"blank.ics", "  \r\n\r\n\t\n", "EMPTY_BODY"},
        new String[] {"bom.ics", "\uFEFF\r\n", "EMPTY_BODY"},
        new String[] {"cut.ics", cut, "TRUNCATED"},
        new String[] {"noend.ics", noEnd, "TRUNCATED"})) {
      Cli r = Cli.run("check", write(c[0], c[1]).toString(), "--json");
      assertThat(r.status()).as(c[0]).isEqualTo(2);
      assertThat(r.json().get("error").get("type").asText()).as(c[0]).isEqualTo(c[2]);
      assertThat(r.json().get("events")).as(c[0]).isEmpty();
      Cli human = Cli.run("check", dir.resolve(c[0]).toString());
      assertThat(human.status()).as(c[0]).isEqualTo(2);
      assertThat(human.err().strip()).as(c[0]).startsWith("ics-sync: ").doesNotContain("\n");
    }
    // a calendar without events is a feed without events
    Cli none = Cli.run("check", write("none.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n").toString(),
        "--json");
    assertThat(none.status()).isZero();
    assertThat(none.json().get("events")).isEmpty();
  }

  @Test
  void emptyAnswerFromAUrlIsExitTwo() {
    try (FeedServer server = new FeedServer().put("/empty.ics", "").put("/blank.ics", " \r\n")) {
      for (String path : List.of("/empty.ics", "/blank.ics")) {
        Cli r = Cli.run("check", server.url(path), "--json", "--allow-host", "127.0.0.1");
        assertThat(r.status()).as(path).isEqualTo(2);
        assertThat(r.json().get("error").get("type").asText()).as(path).isEqualTo("EMPTY_BODY");
      }
    }
  }

  @Test
  void missingFileIsExitTwoWithOneLine() {
    Cli r = Cli.run("check", dir.resolve("nope.ics").toString());

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().strip()).startsWith("ics-sync: io: no such file").doesNotContain("\n");
    assertThat(Cli.run("check", dir.resolve("nope.ics").toString(), "--json").json().get("error").get("type").asText())
        .isEqualTo("IO");
  }

  @Test
  void aDirectoryOrAnUnreadableFileSaysWhyInOneLine() throws IOException {
    Cli r = Cli.run("check", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("ics-sync: io: cannot read " + dir + ": Is a directory");

    Path locked = write("locked.ics", AIRBNB);
    if (locked.toFile().setReadable(false) && !Files.isReadable(locked)) { // root reads whatever the mode says
      Cli denied = Cli.run("check", locked.toString(), "--json");
      assertThat(denied.status()).isEqualTo(2);
      assertThat(denied.json().get("error").get("message").asText())
          .isEqualTo("cannot read " + locked + ": Permission denied");
    }
  }

  @Test
  void urlIsFetchedOnlyFromAnAllowedHost() {
    try (FeedServer server = new FeedServer().put("/cal.ics", AIRBNB).put("/login", "<html>login</html>")) {
      Cli refused = Cli.run("check", server.url("/cal.ics"), "--json");
      assertThat(refused.status()).isEqualTo(2);
      assertThat(refused.json().get("error").get("type").asText()).isEqualTo("REFUSED");

      Cli ok = Cli.run("check", server.url("/cal.ics"), "--json", "--allow-host", "127.0.0.1");
      assertThat(ok.status()).as(ok.err()).isZero();
      assertThat(ok.json().get("events")).hasSize(2);

      Cli html = Cli.run("check", server.url("/login"), "--json", "--allow-host", "127.0.0.1");
      assertThat(html.status()).isEqualTo(2);
      assertThat(html.json().get("error").get("type").asText()).isEqualTo("NOT_A_CALENDAR");

      Cli gone = Cli.run("check", server.url("/missing.ics"), "--json", "--allow-host", "127.0.0.1");
      assertThat(gone.status()).isEqualTo(2);
      assertThat(gone.json().get("error").get("type").asText()).isEqualTo("GONE");
    }
  }

  @Test
  void humanOutputRowsAreColumnsOfFixedWidth() throws IOException {
    Cli r = Cli.run("check", write("airbnb.ics", AIRBNB).toString());

    String nl = System.lineSeparator();
    assertThat(r.out()).contains(nl + String.format("  %-24s %-24s %-11s %-9s %s", "2026-08-24", "2026-08-27",
        "reservation", "confirmed", "Reserved") + nl)
        .contains(nl + String.format("  %-24s %-24s %-11s %-9s %s", "2026-09-01", "2026-09-03", "block", "confirmed",
            "Not available") + nl);
  }

  @Test
  void humanOutputSummarisesTheFeed() throws IOException {
    Cli r = Cli.run("check", write("airbnb.ics", AIRBNB).toString());

    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("source: airbnb").contains("2 events (1 reservation, 1 block)")
        .contains("2026-08-24").doesNotContain("HMABCDE123");
  }

  @Test
  void badDatesAreUsageErrors() throws IOException {
    Path f = write("airbnb.ics", AIRBNB);
    assertThat(Cli.run("check", f.toString(), "--from", "yesterday").status()).isEqualTo(64);
    Cli r = Cli.run("check", f.toString(), "--from", "2026-09-01", "--to", "2026-08-01");
    assertThat(r.status()).isEqualTo(64);
    assertThat(r.err()).contains("--to (2026-08-01) is before --from (2026-09-01)");
  }
}
