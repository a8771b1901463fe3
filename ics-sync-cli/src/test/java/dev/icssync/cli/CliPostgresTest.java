package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The commands on {@code --db jdbc:postgresql:...}: a fresh database, migrated by the first command. */
@Tag("postgres")
class CliPostgresTest {
  static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  final LocalDate today = LocalDate.now(ZoneOffset.UTC);
  final TestDatabase pg = TestDatabases.postgres("cli");
  final String db = pg.jdbcUrl() + "&user=" + pg.user() + (pg.password().isEmpty() ? "" : "&password=" + pg.password());

  @AfterEach
  void drop() {
    pg.close();
  }

  Cli ok(String... args) {
    Cli r = Cli.run(args);
    assertThat(r.status()).as("%s%nstdout: %s%nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
    return r;
  }

  List<String> tables() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = pg.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
            + "WHERE table_schema = current_schema() ORDER BY table_name")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  int successfulMigrations() throws SQLException {
    try (Connection c = pg.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM icssync_schema_history WHERE success")) {
      rs.next();
      return rs.getInt(1);
    }
  }

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

  @Test
  void aMissingDatabaseIsOneLineSayingWhatToDo() {
    String missing = db.replace("/" + pg.name() + "?", "/" + pg.name() + "_missing?");
    Cli r = Cli.run("feeds", "list", "--db", missing);
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).contains("does not exist").contains("create the database first");
    CliErrorsTest.assertNoJavaTypes(r.err());
  }

  @Test
  void feedsSyncExportAndConflictsOnAFreshPostgresDatabase() throws Exception {
    assertThat(tables()).as("fresh database").isEmpty();
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb(10, 14)).put("/b.ics", booking(13, 16))) {
      String a = ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
          "--url", server.url("/a.ics")).out().strip();
      assertThat(a).matches("airbnb-[0-9a-f]{10}");
      assertThat(tables()).as("migrated by the first command").contains("icssync_schema_history", "icssync_feed",
          "icssync_feed_state", "icssync_event", "icssync_conflict", "icssync_sync_run", "icssync_export_token",
          "icssync_property");
      int migrations = successfulMigrations();
      assertThat(migrations).isPositive();
      String b = ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "booking",
          "--url", server.url("/b.ics")).out().strip();
      assertThat(successfulMigrations()).as("the second command migrates nothing").isEqualTo(migrations);

      JsonNode feeds = ok("feeds", "list", "--db", db, "--json").json();
      assertThat(feeds).extracting(f -> f.get("id").asText()).containsExactlyInAnyOrder(a, b);

      JsonNode reports = ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1").json();
      assertThat(reports).hasSize(2);
      for (JsonNode r : reports) {
        assertThat(r.get("outcome").asText()).isEqualTo("applied");
        assertThat(r.get("reason").isNull()).isTrue();
        assertThat(r.get("counts").get("created").asInt()).isEqualTo(1);
        assertThat(r.get("durations").get("total").asDouble()).isPositive();
      }
      assertThat(reports).extracting(r -> r.get("feedId").asText()).containsExactlyInAnyOrder(a, b);
      assertThat(reports.get(0).get("conflictsOpened").asInt() + reports.get(1).get("conflictsOpened").asInt())
          .isEqualTo(1);

      JsonNode again = ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1").json();
      assertThat(again).extracting(r -> r.get("outcome").asText()).allMatch(o -> o.equals("unchanged")
          || o.equals("not_modified"));

      try (Connection c = pg.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM icssync_event")) {
        rs.next();
        assertThat(rs.getInt(1)).as("events stored in PostgreSQL").isEqualTo(2);
      }

      String merged = ok("export", "--db", db, "--tenant", "t1", "--property", "villa").out();
      assertThat(merged).startsWith("BEGIN:VCALENDAR").contains(today.plusDays(10).format(DAY))
          .contains(today.plusDays(13).format(DAY));
      assertThat(Cli.withoutGeneratedValues(merged)).doesNotContain("4821");
      String forAirbnb = ok("export", "--db", db, "--tenant", "t1", "--property", "villa", "--channel", "airbnb")
          .out();
      assertThat(forAirbnb).contains(today.plusDays(13).format(DAY)).doesNotContain(today.plusDays(10).format(DAY));

      JsonNode conflicts = ok("conflicts", "--db", db, "--json").json();
      assertThat(conflicts).hasSize(1);
      JsonNode conflict = conflicts.get(0);
      assertThat(conflict.get("tenant").asText()).isEqualTo("t1");
      assertThat(conflict.get("property").asText()).isEqualTo("villa");
      assertThat(conflict.get("status").asText()).isEqualTo("open");
      assertThat(ok("conflicts", "--db", db, "--tenant", "t2", "--json").json()).isEmpty();

      // the Booking block moves away: the conflict is resolved in PostgreSQL too
      server.put("/b.ics", booking(20, 22));
      JsonNode moved = ok("sync", "--db", db, "--json", "--allow-host", "127.0.0.1", "--feed", b).json();
      assertThat(moved.get(0).get("conflictsResolved").asInt()).isEqualTo(1);
      assertThat(ok("conflicts", "--db", db, "--json").json().get(0).get("status").asText()).isEqualTo("resolved");
    }
  }
}
