package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sync --force}, {@code sync --confirm-cancellations}, {@code check --zone} and the default window of {@code check}. */
class CliOptionsTest {
  static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  final String db = "jdbc:h2:mem:cli-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  final LocalDate today = LocalDate.now(ZoneOffset.UTC);

  @TempDir
  Path dir;

  Cli ok(String... args) {
    Cli r = Cli.run(args);
    assertThat(r.status()).as("%s%nstdout: %s%nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
    return r;
  }

  Path write(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, body, StandardCharsets.UTF_8);
    return p;
  }

  String airbnb(String... stays) {
    StringBuilder sb = new StringBuilder(
        "BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nVERSION:2.0\r\n");
    for (int i = 0; i < stays.length; i += 3) { // uid, first day, day after
      sb.append("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:")
          .append(today.plusDays(Integer.parseInt(stays[i + 1])).format(DAY)).append("\r\nDTEND;VALUE=DATE:")
          .append(today.plusDays(Integer.parseInt(stays[i + 2])).format(DAY))
          .append("\r\nSUMMARY:Reserved\r\nUID:1418fb94e984-").append(stays[i]).append("@airbnb.com\r\nEND:VEVENT\r\n");
    }
    return sb.append("END:VCALENDAR\r\n").toString();
  }

  @Test
  void forceRefetchesOnlyAndConfirmingCancellationsIsAnExplicitActOnOneFeed() {
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb("aaa", "10", "14", "bbb", "20", "25"))) {
      String a = ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
          "--url", server.url("/a.ics")).out().strip();
      ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1");

      // the channel glitches: an empty calendar would cancel every future stay
      server.put("/a.ics", airbnb());
      JsonNode held = ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1").json().get(0);
      assertThat(held.get("outcome").asText()).isEqualTo("quarantined");
      assertThat(held.get("counts").get("cancelled").asInt()).isZero();
      assertThat(held.get("counts").get("heldBack").asInt()).isEqualTo(2);
      assertThat(ok("events", "--db", db, "--tenant", "t1", "--property", "villa", "--json").json()).hasSize(2);
      assertThat(ok("feeds", "list", "--db", db, "--json").json().get(0).get("quarantine").isNull()).isFalse();

      // --force refetches, for one feed or all of them, and confirms nothing
      for (List<String> extra : List.of(List.of("--feed", a), List.<String>of(), List.of("--tenant", "t1"))) {
        List<String> args = new ArrayList<>(List.of("sync", "--db", db, "--json", "--allow-host", "127.0.0.1",
            "--force"));
        args.addAll(extra);
        JsonNode forced = ok(args.toArray(String[]::new)).json().get(0);
        assertThat(forced.get("outcome").asText()).as("%s", extra).isEqualTo("quarantined");
        assertThat(forced.get("counts").get("cancelled").asInt()).isZero();
      }
      assertThat(ok("events", "--db", db, "--tenant", "t1", "--property", "villa", "--json").json()).hasSize(2);

      // confirming takes one feed, named
      Cli refused = Cli.run("sync", "--db", db, "--allow-host", "127.0.0.1", "--confirm-cancellations");
      assertThat(refused.status()).isEqualTo(64);
      assertThat(refused.err()).contains("--feed");
      assertThat(ok("events", "--db", db, "--tenant", "t1", "--property", "villa", "--json").json()).hasSize(2);

      JsonNode confirmed = ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1", "--feed", a,
          "--confirm-cancellations").json().get(0);
      assertThat(confirmed.get("outcome").asText()).isEqualTo("applied");
      assertThat(confirmed.get("counts").get("cancelled").asInt()).isEqualTo(2);
      assertThat(confirmed.get("cancelledEvents")).extracting(e -> e.get("uid").asText())
          .containsExactlyInAnyOrder("1418fb94e984-aaa@airbnb.com", "1418fb94e984-bbb@airbnb.com");
      assertThat(confirmed.get("cancelledEvents")).allMatch(e -> e.get("status").asText().equals("cancelled"));
      assertThat(ok("events", "--db", db, "--tenant", "t1", "--property", "villa", "--json").json()).isEmpty();
      assertThat(ok("events", "--db", db, "--tenant", "t1", "--property", "villa", "--json", "--include-cancelled")
          .json()).extracting(e -> e.get("status").asText()).containsExactly("cancelled", "cancelled");
      assertThat(ok("feeds", "list", "--db", db, "--json").json().get(0).get("quarantine").isNull()).isTrue();

      Cli nothing = ok("sync", "--db", db, "--allow-host", "127.0.0.1", "--feed", a, "--confirm-cancellations");
      assertThat(nothing.out()).contains("nothing to confirm");
    }
  }

  @Test
  void confirmingPrintsEachCancelledStay() {
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb("aaa", "10", "14", "bbb", "20", "25"))) {
      String a = ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
          "--url", server.url("/a.ics")).out().strip();
      ok("sync", "--db", db, "--allow-host", "127.0.0.1");
      server.put("/a.ics", airbnb());
      ok("sync", "--db", db, "--allow-host", "127.0.0.1");
      String out = ok("sync", "--db", db, "--allow-host", "127.0.0.1", "--feed", a, "--confirm-cancellations").out();
      assertThat(out).contains("applied").contains("2 cancelled")
          .contains("cancelled " + today.plusDays(10)).contains("1418fb94e984-aaa@airbnb.com")
          .contains("cancelled " + today.plusDays(20)).contains("1418fb94e984-bbb@airbnb.com");
    }
  }

  @Test
  void aRemovedFeedAddedAgainGetsItsStaysBack() {
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb("aaa", "10", "14", "bbb", "20", "25"))) {
      String[] add = {"feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
          "--url", server.url("/a.ics")};
      String a = ok(add).out().strip();
      ok("sync", "--db", db, "--allow-host", "127.0.0.1");
      assertThat(ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1").json().get(0).get("outcome").asText())
          .isEqualTo("unchanged");
      ok("feeds", "remove", "--db", db, "--tenant", "t1", "--feed", a);
      assertThat(ok("events", "--db", db, "--tenant", "t1", "--property", "villa", "--json").json()).isEmpty();

      assertThat(ok(add).out().strip()).isEqualTo(a);
      JsonNode back = ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1").json().get(0);
      assertThat(back.get("outcome").asText()).isEqualTo("applied");
      assertThat(back.get("counts").get("reinstated").asInt()).isEqualTo(2);
      assertThat(ok("events", "--db", db, "--tenant", "t1", "--property", "villa", "--json").json()).hasSize(2);
    }
  }

  @Test
  void zoneReadsFloatingTimes() throws IOException {
    Path f = write("floating.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        + "UID:visit@example.com\r\nDTSTART:20260803T110000\r\nDTEND:20260803T130000\r\nSUMMARY:Visit\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n");
    JsonNode utc = ok("check", f.toString(), "--json", "--from", "2026-08-01", "--to", "2026-08-10").json();
    assertThat(utc.get("events").get(0).get("start").asText()).isEqualTo("2026-08-03T11:00:00Z");
    JsonNode paris = ok("check", f.toString(), "--json", "--zone", "Europe/Paris", "--from", "2026-08-01", "--to",
        "2026-08-10").json();
    // 11:00 in Paris in summer (UTC+2)
    assertThat(paris.get("events").get(0).get("start").asText()).isEqualTo("2026-08-03T09:00:00Z");
    assertThat(paris.get("events").get(0).get("end").asText()).isEqualTo("2026-08-03T11:00:00Z");
    assertThat(Cli.run("check", f.toString(), "--zone", "Mars/Base").status()).isEqualTo(64);
  }

  @Test
  void defaultWindowIsThirtyDaysBackToSevenHundredThirtyAhead() throws IOException {
    // weekly at 10:00Z since 2020, no end: the expansion shows exactly the window
    Path f = write("weekly.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        + "UID:weekly@example.com\r\nDTSTART:20200106T100000Z\r\nDTEND:20200106T110000Z\r\n"
        + "RRULE:FREQ=WEEKLY\r\nSUMMARY:Weekly\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    LocalDate day = LocalDate.now(ZoneOffset.UTC);
    JsonNode r = ok("check", f.toString(), "--json").json();
    if (!LocalDate.now(ZoneOffset.UTC).equals(day)) {
      r = ok("check", f.toString(), "--json").json(); // crossed midnight while running: once more
      day = LocalDate.now(ZoneOffset.UTC);
    }
    List<String> starts = new ArrayList<>();
    for (JsonNode e : r.get("events")) {
      starts.add(e.get("start").asText());
    }
    List<String> expected = new ArrayList<>();
    LocalDate from = day.minusDays(30);
    LocalDate to = day.plusDays(730);
    for (LocalDate d = LocalDate.of(2020, 1, 6); d.isBefore(to); d = d.plusWeeks(1)) {
      if (!d.isBefore(from)) {
        expected.add(d + "T10:00:00Z");
      }
    }
    assertThat(expected).hasSizeBetween(108, 110);
    assertThat(starts).containsExactlyElementsOf(expected);
  }

  @Test
  void tenantBandwidthTakesASizeAndSyncsWithIt() {
    Cli bad = Cli.run("sync", "--db", db, "--tenant-bandwidth", "fast");
    assertThat(bad.status()).isEqualTo(64);
    assertThat(bad.err()).contains("--tenant-bandwidth takes a size like 10485760, 512k or 20m, not fast");
    assertThat(Cli.run("sync", "--db", db, "--tenant-bandwidth", "-1").status()).isEqualTo(64);
    ok("sync", "--db", db, "--tenant-bandwidth", "10m");
    ok("sync", "--db", db, "--tenant-bandwidth", "0");
  }
}
