package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code run}'s command line (usage errors, the documented environment variables) and {@code stats}
 * on H2: the statistics view and its percentiles work on the embedded database too.
 */
class RunAndStatsCommandTest {
  final String db = "jdbc:h2:mem:cli-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  final LocalDate today = LocalDate.now(ZoneOffset.UTC);

  String calendar(String uid, int from, int to) {
    DateTimeFormatter day = DateTimeFormatter.BASIC_ISO_DATE;
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:" + uid + "\r\n"
        + "DTSTART;VALUE=DATE:" + today.plusDays(from).format(day) + "\r\nDTEND;VALUE=DATE:"
        + today.plusDays(to).format(day) + "\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  @Test
  void runHelpNamesEveryEnvironmentVariableAndTheEndpoints() {
    Cli help = Cli.run("run", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("ICSSYNC_DB", "ICSSYNC_PORT", "ICSSYNC_BIND", "ICSSYNC_THREADS",
        "ICSSYNC_ALLOW_HOST", "comma-separated", "ICSSYNC_HEARTBEAT", "ICSSYNC_POLL_INTERVAL",
        "ICSSYNC_DISCOVER_INTERVAL", "ICSSYNC_SHUTDOWN_WAIT", "ICSSYNC_STATS_REFRESH", "ICSSYNC_LOG_FORMAT",
        "ICSSYNC_LOG_LEVEL", "/export/<token>.ics", "/metrics", "/health/live", "/health/ready");
  }

  @Test
  void runRefusesBadUsageBeforeStartingAnything() {
    Cli noDb = Cli.run("run", "--port", "0");
    assertThat(noDb.status()).isEqualTo(IcsSyncCli.USAGE);
    assertThat(noDb.err()).contains("Missing --db (or ICSSYNC_DB)");
    Cli badDuration = Cli.run("run", "--db", db, "--heartbeat", "soon");
    assertThat(badDuration.status()).isEqualTo(IcsSyncCli.USAGE);
    assertThat(badDuration.err()).contains("--heartbeat", "soon");
    Cli badThreads = Cli.run("run", "--db", db, "--threads", "0");
    assertThat(badThreads.status()).isEqualTo(IcsSyncCli.USAGE);
    assertThat(badThreads.err()).contains("--threads must be positive");
    Cli badFormat = Cli.run("run", "--db", db, "--log-format", "xml");
    assertThat(badFormat.status()).isEqualTo(IcsSyncCli.USAGE);
  }

  @Test
  void durationsTakeUnitsAndIso8601() {
    RunCommand.DurationConverter c = new RunCommand.DurationConverter();
    assertThat(c.convert("500ms")).hasMillis(500);
    assertThat(c.convert("5s")).hasSeconds(5);
    assertThat(c.convert("2m")).hasMinutes(2);
    assertThat(c.convert("PT30S")).hasSeconds(30);
  }

  @Test
  void statsOnH2CountTheSyncsPerTenantAndSource() {
    try (FeedServer server = new FeedServer()) {
      server.put("/a.ics", calendar("a@t", 10, 12)).put("/b.ics", calendar("b@t", 20, 22));
      assertThat(Cli.run("feeds", "add", "--db", db, "--tenant", "acme", "--property", "villa", "--source", "airbnb",
          "--url", server.url("/a.ics")).status()).isZero();
      assertThat(Cli.run("feeds", "add", "--db", db, "--tenant", "acme", "--property", "villa", "--source", "booking",
          "--url", server.url("/b.ics")).status()).isZero();
      assertThat(Cli.run("feeds", "add", "--db", db, "--tenant", "globex", "--property", "loft", "--source", "vrbo",
          "--url", server.url("/missing.ics")).status()).isZero();
      Cli sync = Cli.run("sync", "--db", db, "--allow-host", "127.0.0.1");
      assertThat(sync.out()).contains("applied");
    }
    Cli stats = Cli.run("stats", "--json", "--db", db);
    assertThat(stats.status()).as(stats.err()).isZero();
    JsonNode tenants = stats.json().get("tenants");
    assertThat(tenants).hasSize(2);
    JsonNode acme = tenants.get(0);
    assertThat(acme.get("tenant").asText()).isEqualTo("acme");
    assertThat(acme.get("activeFeeds").asLong()).isEqualTo(2);
    for (String window : new String[] {"lastHour", "lastDay"}) {
      JsonNode w = acme.get(window);
      assertThat(w.get("syncs").asLong()).isEqualTo(2);
      assertThat(w.get("outcomes").get("applied").asLong()).isEqualTo(2);
      assertThat(w.get("eventsChanged").asLong()).isEqualTo(2);
      assertThat(w.get("bytesFetched").asLong()).isPositive();
      assertThat(w.get("p95Ms").asDouble()).isGreaterThanOrEqualTo(w.get("p50Ms").asDouble());
    }
    assertThat(acme.get("sources")).extracting(s -> s.get("source").asText()).containsExactly("airbnb", "booking");
    assertThat(acme.get("sources").get(0).get("lastHour").get("syncs").asLong()).isEqualTo(1);
    JsonNode globex = tenants.get(1);
    assertThat(globex.get("lastHour").get("outcomes").get("failed").asLong()).isEqualTo(1);
    assertThat(globex.get("lastHour").get("bytesFetched").asLong()).isZero();

    Cli table = Cli.run("stats", "--db", db);
    assertThat(table.status()).isZero();
    assertThat(table.out()).contains("acme", "airbnb", "booking", "globex", "vrbo");
  }
}
