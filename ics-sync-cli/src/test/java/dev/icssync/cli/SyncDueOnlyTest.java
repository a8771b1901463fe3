package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code sync} is an operator's explicit round and syncs every selected active feed each time;
 * {@code sync --due-only} (for cron) honours each feed's next due time: poll interval, failure
 * backoff and the channel's Retry-After.
 */
class SyncDueOnlyTest {
  final String db = "jdbc:h2:mem:cli-due-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  static String airbnb() {
    LocalDate in = LocalDate.now(ZoneOffset.UTC).plusDays(10);
    return "BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nVERSION:2.0\r\n"
        + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:" + in.format(DateTimeFormatter.BASIC_ISO_DATE)
        + "\r\nDTEND;VALUE=DATE:" + in.plusDays(3).format(DateTimeFormatter.BASIC_ISO_DATE)
        + "\r\nSUMMARY:Reserved\r\nUID:1418fb94e984-6d1e0f7c2a9b4c3e8f1a2b3c4d5e6f70@airbnb.com\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  static Cli ok(String... args) {
    Cli r = Cli.run(args);
    assertThat(r.status()).as("%s%nstdout: %s%nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
    return r;
  }

  @Test
  void dueOnlyHonoursTheIntervalAndBackoffWhilePlainSyncRunsEveryFeed() {
    try (FeedServer server = new FeedServer().put("/a.ics", airbnb())) {
      ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "airbnb",
          "--url", server.url("/a.ics"));
      ok("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source", "vrbo",
          "--url", server.url("/gone.ics"));
      JsonNode first = Cli.run("sync", "--db", db, "--json", "--due-only", "--allow-host", "127.0.0.1").json();
      assertThat(first).extracting(r -> r.get("outcome").asText()).containsExactlyInAnyOrder("applied", "failed");

      // right after: nothing is due, nothing is fetched, and that is no failure
      int fetches = server.requests();
      Cli due = ok("sync", "--db", db, "--json", "--due-only", "--allow-host", "127.0.0.1");
      assertThat(due.json()).hasSize(2).allSatisfy(r -> {
        assertThat(r.get("outcome").asText()).isEqualTo("skipped");
        assertThat(r.get("message").asText()).startsWith("not due until ");
      });
      assertThat(server.requests()).isEqualTo(fetches);
      assertThat(ok("sync", "--db", db, "--due-only", "--allow-host", "127.0.0.1").out()).contains("not due until");

      // without --due-only every feed is synced, backoff or not
      Cli all = Cli.run("sync", "--db", db, "--json", "--allow-host", "127.0.0.1");
      assertThat(all.status()).isEqualTo(1);
      assertThat(all.json()).extracting(r -> r.get("outcome").asText())
          .containsExactlyInAnyOrder("unchanged", "failed");
      assertThat(server.requests()).isEqualTo(fetches + 2);

      assertThat(ok("sync", "--help").out()).contains("--due-only");
    }
  }
}
