package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An owner's Google calendar (events of kind {@code event}) takes the property's dates in
 * double-booking detection and in exports alike; {@code --personal-events-block false} leaves its
 * events out of both.
 */
class PersonalEventsCliTest {
  static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  final LocalDate today = LocalDate.now(ZoneOffset.UTC);

  String airbnb() {
    return "BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nVERSION:2.0\r\n"
        + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:" + today.plusDays(22).format(DAY) + "\r\nDTEND;VALUE=DATE:"
        + today.plusDays(24).format(DAY) + "\r\nSUMMARY:Reserved\r\n"
        + "UID:1418fb94e984-6d1e0f7c2a9b4c3e8f1a2b3c4d5e6f70@airbnb.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  String google() {
    return "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
        + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:" + today.plusDays(20).format(DAY) + "\r\nDTEND;VALUE=DATE:"
        + today.plusDays(25).format(DAY) + "\r\nSUMMARY:Family at the villa\r\nUID:owner-stay@google.com\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  static Cli ok(String... args) {
    Cli r = Cli.run(args);
    assertThat(r.status()).as("%s%nstdout: %s%nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
    return r;
  }

  String setUp(FeedServer server) {
    String db = "jdbc:h2:mem:cli-personal-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
        "--url", server.url("/a.ics"));
    ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "google",
        "--url", server.url("/g.ics"));
    return db;
  }

  @Test
  void anOwnersCalendarBlocksDatesInConflictsAndExportsAlikeUnlessTurnedOff() {
    String ownerStay = "DTSTART;VALUE=DATE:" + today.plusDays(20).format(DAY);
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb()).put("/g.ics", google())) {
      String db = setUp(server);
      ok("sync", "--db", db, "--allow-host", "127.0.0.1");
      assertThat(ok("conflicts", "--db", db, "--json").json()).hasSize(1);
      assertThat(ok("export", "--db", db, "--tenant", "t1", "--property", "villa", "--channel", "airbnb").out())
          .contains(ownerStay);

      String off = setUp(server);
      ok("sync", "--db", off, "--allow-host", "127.0.0.1", "--personal-events-block", "false");
      assertThat(ok("conflicts", "--db", off, "--json").json()).isEmpty();
      assertThat(ok("export", "--db", off, "--tenant", "t1", "--property", "villa", "--channel", "airbnb",
          "--personal-events-block", "false").out()).doesNotContain(ownerStay);
      assertThat(ok("export", "--help").out()).contains("--personal-events-block");
    }
  }
}
