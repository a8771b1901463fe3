package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The day-to-day tasks: tokens list/revoke/rotate, conflicts ignore/unignore, sync --dry-run, why a feed is held. */
class CliTasksTest {
  static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  final LocalDate today = LocalDate.now(ZoneOffset.UTC);
  String db = "jdbc:h2:mem:tasks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @AfterEach
  void drop() {
    // H2 memory databases vanish with the JVM; the PostgreSQL subclass drops its own
  }

  Cli ok(String... args) {
    Cli r = Cli.run(args);
    assertThat(r.status()).as("%s%nstdout: %s%nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
    return r;
  }

  String[] withDb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--db");
    all.add(db);
    return all.toArray(String[]::new);
  }

  String airbnb(String... stays) {
    StringBuilder sb = new StringBuilder(
        "BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nVERSION:2.0\r\n");
    for (int i = 0; i < stays.length; i += 3) {
      sb.append("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:").append(today.plusDays(Integer.parseInt(stays[i + 1])).format(DAY))
          .append("\r\nDTEND;VALUE=DATE:").append(today.plusDays(Integer.parseInt(stays[i + 2])).format(DAY))
          .append("\r\nSUMMARY:Reserved\r\nUID:1418fb94e984-").append(stays[i]).append("@airbnb.com\r\nEND:VEVENT\r\n");
    }
    return sb.append("END:VCALENDAR\r\n").toString();
  }

  String booking(int from, int to) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//admin.booking.com//NONSGML v1.0//EN\r\n"
        + "BEGIN:VEVENT\r\nUID:0123456789abcdef0123456789abcdef@booking.com\r\nDTSTART;VALUE=DATE:"
        + today.plusDays(from).format(DAY) + "\r\nDTEND;VALUE=DATE:" + today.plusDays(to).format(DAY)
        + "\r\nSUMMARY:CLOSED - Not available\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  @Test
  void tokensListRevokeAndRotate() throws Exception {
    ok(withDb("feeds", "add", "--tenant", "t1", "--property", "villa", "--source", "airbnb", "--url",
        "https://example.com/a.ics"));
    String first = ok(withDb("tokens", "create", "--tenant", "t1", "--property", "villa", "--channel", "airbnb"))
        .out().strip();
    String second = ok(withDb("tokens", "create", "--tenant", "t1", "--property", "villa")).out().strip();
    String secret = first.substring("/export/".length(), first.length() - ".ics".length());

    Cli list = ok(withDb("tokens", "list", "--tenant", "t1"));
    assertThat(list.out()).startsWith("ID").contains("airbnb", "(merged)", "valid").doesNotContain(secret);
    JsonNode json = ok(withDb("tokens", "list", "--tenant", "t1", "--json")).json();
    assertThat(json).hasSize(2);
    assertThat(json.toString()).doesNotContain(secret);
    JsonNode airbnbToken = null;
    for (JsonNode t : json) {
      assertThat(t.get("id").asText()).hasSize(12);
      assertThat(t.get("state").asText()).isEqualTo("valid");
      if ("airbnb".equals(t.get("channel").asText())) {
        airbnbToken = t;
      }
    }
    assertThat(airbnbToken).isNotNull();

    // a leaked URL: revoke it by its id from the listing
    assertThat(ok(withDb("tokens", "revoke", "--tenant", "t1", "--property", "villa",
        airbnbToken.get("id").asText())).out()).contains("revoked 1 token");
    JsonNode after = ok(withDb("tokens", "list", "--tenant", "t1", "--property", "villa", "--json")).json();
    assertThat(after).anySatisfy(t -> {
      assertThat(t.get("channel").asText()).isEqualTo("airbnb");
      assertThat(t.get("state").asText()).isEqualTo("revoked");
      assertThat(t.get("revokedAt").isNull()).isFalse();
    });
    // the merged-view token still works; by its secret path it can be revoked too
    assertThat(ok(withDb("tokens", "revoke", "--tenant", "t1", "--property", "villa", second)).out())
        .contains("revoked 1 token");
    assertThat(ok(withDb("tokens", "list", "--tenant", "t1", "--property", "villa", "--json")).json())
        .allSatisfy(t -> assertThat(t.get("state").asText()).isEqualTo("revoked"));

    // rotate: a new URL; the view's other tokens expire after the grace period
    ok(withDb("tokens", "create", "--tenant", "t1", "--property", "villa", "--channel", "booking"));
    String rotated = ok(withDb("tokens", "rotate", "--tenant", "t1", "--property", "villa", "--channel", "booking",
        "--grace", "2h")).out().strip();
    assertThat(rotated).matches("/export/[A-Za-z0-9_-]{32}\\.ics");
    JsonNode booking = ok(withDb("tokens", "list", "--tenant", "t1", "--property", "villa", "--json")).json();
    int withExpiry = 0;
    int open = 0;
    for (JsonNode t : booking) {
      if ("booking".equals(t.get("channel").asText())) {
        if (t.get("expiresAt").isNull()) {
          open++;
        } else {
          withExpiry++;
        }
      }
    }
    assertThat(withExpiry).as("the old booking token ends after the grace").isEqualTo(1);
    assertThat(open).as("the new one does not").isEqualTo(1);

    Cli bad = Cli.run(withDb("tokens", "revoke", "--tenant", "t1", "--property", "villa"));
    assertThat(bad.status()).isEqualTo(64);
    assertThat(Cli.run(withDb("tokens", "revoke", "--tenant", "t1", "--property", "villa", "ffffffffffff")).status())
        .isEqualTo(1);
    assertThat(Cli.run(withDb("tokens", "rotate", "--tenant", "t1", "--property", "villa", "--grace", "soon"))
        .status()).isEqualTo(64);
  }

  @Test
  void conflictsIgnoreAndUnignoreByIdAndTheTextShowsLocalDatesAndChannels() {
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb("aaa", "10", "14")).put("/b.ics", booking(13, 16))) {
      ok(withDb("feeds", "add", "--tenant", "t1", "--property", "villa", "--source", "airbnb", "--url",
          server.url("/a.ics")));
      ok(withDb("feeds", "add", "--tenant", "t1", "--property", "villa", "--source", "booking", "--url",
          server.url("/b.ics")));
      ok(withDb("properties", "set", "--tenant", "t1", "--property", "villa", "--zone", "Europe/Lisbon"));
      ok(withDb("sync", "--allow-host", "127.0.0.1"));

      String text = ok(withDb("conflicts")).out();
      assertThat(text.lines().findFirst().orElseThrow()).startsWith("ID").contains("STATUS", "FIRST", "SECOND");
      assertThat(text).contains("airbnb " + today.plusDays(10) + ".." + today.plusDays(14))
          .contains("booking " + today.plusDays(13) + ".." + today.plusDays(16))
          .doesNotContain("@airbnb.com");
      String id = ok(withDb("conflicts", "--json")).json().get(0).get("id").asText();

      assertThat(ok(withDb("conflicts", "ignore", id.substring(0, 8))).out()).contains(id + " ignored");
      assertThat(ok(withDb("conflicts", "--json")).json().get(0).get("status").asText()).isEqualTo("ignored");
      ok(withDb("sync", "--allow-host", "127.0.0.1"));
      assertThat(ok(withDb("conflicts", "--json")).json().get(0).get("status").asText()).isEqualTo("ignored");

      assertThat(ok(withDb("conflicts", "unignore", "--tenant", "t1", id)).out()).contains(id + " unignored");
      assertThat(ok(withDb("conflicts", "--json")).json().get(0).get("status").asText()).isEqualTo("open");

      Cli unknown = Cli.run(withDb("conflicts", "ignore", "0000000000"));
      assertThat(unknown.status()).isEqualTo(1);
      assertThat(unknown.err()).contains("no double booking 0000000000");
    }
  }

  @Test
  void dryRunPrintsTheChangesAndWritesNothing() {
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb("aaa", "10", "14", "bbb", "20", "25"))) {
      String feed = ok(withDb("feeds", "add", "--tenant", "t1", "--property", "villa", "--source", "airbnb", "--url",
          server.url("/a.ics"))).out().strip();

      Cli text = ok(withDb("sync", "--dry-run", "--allow-host", "127.0.0.1"));
      assertThat(text.out()).contains("dry_run", "2 new");
      assertThat(text.out().strip().lines().reduce((a, b) -> b).orElseThrow())
          .startsWith("1 feed: 1 dry_run; 2 events would change;");
      JsonNode json = ok(withDb("sync", "--dry-run", "--json", "--allow-host", "127.0.0.1")).json().get(0);
      assertThat(json.get("outcome").asText()).isEqualTo("dry_run");
      assertThat(json.get("counts").get("created").asInt()).isEqualTo(2);
      assertThat(json.get("changes")).hasSize(2).allSatisfy(c -> {
        assertThat(c.get("change").asText()).isEqualTo("created");
        assertThat(c.get("event").get("feedId").asText()).isEqualTo(feed);
      });
      // nothing was written: no events, and the feed never synced
      assertThat(ok(withDb("events", "--tenant", "t1", "--property", "villa", "--json")).json()).isEmpty();
      assertThat(ok(withDb("feeds", "list", "--json")).json().get(0).get("lastSuccess").isNull()).isTrue();

      Cli real = ok(withDb("sync", "--allow-host", "127.0.0.1"));
      assertThat(real.out().strip().lines().reduce((a, b) -> b).orElseThrow())
          .matches("1 feed: 1 applied; 2 events changed; \\d+ bytes in \\d+\\.\\d s");
      assertThat(ok(withDb("events", "--tenant", "t1", "--property", "villa", "--json")).json()).hasSize(2);
      assertThat(Cli.run(withDb("sync", "--dry-run", "--confirm-cancellations", "--feed", "x")).status()).isEqualTo(64);
    }
  }

  @Test
  void feedsListSaysWhyAFeedIsHeld() {
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb("aaa", "10", "14", "bbb", "20", "25"))) {
      ok(withDb("feeds", "add", "--tenant", "t1", "--property", "villa", "--source", "airbnb", "--url",
          server.url("/a.ics")));
      ok(withDb("sync", "--allow-host", "127.0.0.1"));
      server.put("/a.ics", airbnb());
      ok(withDb("sync", "--allow-host", "127.0.0.1"));

      String text = ok(withDb("feeds", "list")).out();
      assertThat(text).contains(" held ").contains("  held: ").contains("2 cancellations held back until 2 more polls"
          + " confirm the same result");
      ok(withDb("sync", "--allow-host", "127.0.0.1"));
      assertThat(ok(withDb("feeds", "list")).out()).contains("until 1 more poll confirms");
      var held = ok(withDb("feeds", "list", "--json")).json().get(0).get("held");
      assertThat(held.get("pendingCancellations").asInt()).isEqualTo(2);
      assertThat(held.get("identicalResults").asInt()).isEqualTo(2);
      assertThat(held.get("confirmationsNeeded").asInt()).isEqualTo(3);
      assertThat(java.time.Instant.parse(held.get("confirmableFrom").asText()))
          .isAfter(java.time.Instant.now().plus(java.time.Duration.ofMinutes(50)));
    }
  }
}
