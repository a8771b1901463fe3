package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Feed URLs carry channel secrets (a password, a query token). Whatever the command prints, on
 * success, on failure, refused, with {@code --json} or {@code --verbose}, and whatever the library logs
 * meanwhile, none of them appears.
 */
class CliSecretsTest {
  static final String PASSWORD = "pw9SecretQ";
  static final String TOKEN = "tok7SecretZ";
  final String db = "jdbc:h2:mem:cli-secrets-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  static String calendar() {
    String day = LocalDate.now(ZoneOffset.UTC).plusDays(10).format(DateTimeFormatter.BASIC_ISO_DATE);
    String next = LocalDate.now(ZoneOffset.UTC).plusDays(12).format(DateTimeFormatter.BASIC_ISO_DATE);
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@test\r\n"
        + "DTSTART;VALUE=DATE:" + day + "\r\nDTEND;VALUE=DATE:" + next + "\r\nSUMMARY:Reserved\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  @Test
  void noPasswordOrTokenInAnyOutputOrLogLine() {
    List<Cli> runs = new ArrayList<>();
    PrintStream savedErr = System.err;
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    try (FeedServer server = new FeedServer()) {
      server.put("/cal.ics", calendar()).put("/login.ics", "<html><body>Please log in</body></html>");
      String base = server.url("/").replace("http://", "http://alice:" + PASSWORD + "@");
      System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
      for (String path : new String[] {"cal.ics", "login.ics", "gone.ics"}) {
        Cli add = Cli.run("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source",
            "airbnb", "--url", base + path + "?token=" + TOKEN);
        assertThat(add.status()).as(add.err()).isZero();
        runs.add(add);
      }
      runs.add(Cli.run("feeds", "list", "--db", db));
      runs.add(Cli.run("feeds", "list", "--db", db, "--json"));
      // refused: no --allow-host for loopback
      runs.add(Cli.run("sync", "--db", db, "--verbose"));
      runs.add(Cli.run("sync", "--db", db, "--json", "--force", "--allow-host", "127.0.0.1"));
      runs.add(Cli.run("sync", "--db", db, "--verbose", "--force", "--allow-host", "127.0.0.1"));
      runs.add(Cli.run("check", base + "cal.ics?token=" + TOKEN, "--allow-host", "127.0.0.1"));
      runs.add(Cli.run("check", base + "gone.ics?token=" + TOKEN, "--json", "--allow-host", "127.0.0.1"));
      runs.add(Cli.run("check", base + "login.ics?token=" + TOKEN, "--verbose", "--allow-host", "127.0.0.1"));
      runs.add(Cli.run("check", base + "cal.ics?token=" + TOKEN, "--verbose"));
    } finally {
      System.setErr(savedErr);
    }
    String json = runs.get(4).out();
    assertThat(json).as("the listing works").contains("127.0.0.1").contains("cal.ics");
    Cli sync = runs.get(6);
    assertThat(sync.status()).as("one feed gone, one not a calendar").isEqualTo(1);
    assertThat(sync.json()).hasSize(3);
    assertThat(runs.get(5).out() + runs.get(5).err()).as("the refusal is reported").containsIgnoringCase("refused");
    assertThat(runs.get(8).status()).as(runs.get(8).err()).isZero();

    String basic = Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    String everything = logged.toString(StandardCharsets.UTF_8) + runs.stream()
        .map(r -> r.out() + "\n" + r.err()).reduce("", String::concat);
    for (String secret : new String[] {PASSWORD, TOKEN, basic, "alice"}) {
      assertThat(everything).as("output and logs").doesNotContain(secret);
    }
  }

  /**
   * Channels also keep their secret in the URL's path (Vrbo, Google's private address, Outlook,
   * ics-sync's own export tokens): no command prints it, in text, JSON or verbose output, on success,
   * failure or refusal, and neither does the library's logging; the listing still tells feeds apart.
   */
  @Test
  void noPathSecretInAnyOutputOrLogLine() {
    String vrbo = "5d1f0e2b7c3a49e8b6f1a2c3d4e59f2c";
    String google = "0f3c5e7a9b1d2f4a6c8e0b2d4f6a9a2b";
    String export = "Zx81mQp_3Lr9Tb2KwVy7AaQ-n4HcUe0s";
    String outlookId = "cf7d500ee50e4c7b876fb1845efe821d";
    String outlookKey = "22ed80c434a3478d9ba6316fbfed35137860062344497390190";
    List<String> secrets = List.of(vrbo, google, export, outlookId, outlookKey);
    List<Cli> runs = new ArrayList<>();
    PrintStream savedErr = System.err;
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    try (FeedServer server = new FeedServer()) {
      String vrboPath = "/icalendar/" + vrbo + ".ics";
      String googlePath = "/calendar/ical/owner@example.org/private-" + google + "/basic.ics";
      String exportPath = "/export/" + export + ".ics";
      String outlookPath = "/owa/calendar/" + outlookId + "@example.org/" + outlookKey + "/calendar.ics";
      server.put(vrboPath, calendar()).put(outlookPath, calendar())
          .put(googlePath, "<html><body>Please sign in</body></html>");
      System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
      for (String path : new String[] {vrboPath, googlePath, exportPath, outlookPath}) {
        Cli add = Cli.run("feeds", "add", "--db", db, "--tenant", "t1", "--property", "villa", "--source",
            "vrbo", "--url", server.url(path));
        assertThat(add.status()).as(add.err()).isZero();
        runs.add(add);
      }
      runs.add(Cli.run("feeds", "list", "--db", db));
      runs.add(Cli.run("feeds", "list", "--db", db, "--json"));
      runs.add(Cli.run("sync", "--db", db, "--verbose")); // refused: loopback is not allowed
      runs.add(Cli.run("sync", "--db", db, "--json", "--allow-host", "127.0.0.1"));
      runs.add(Cli.run("sync", "--db", db, "--verbose", "--allow-host", "127.0.0.1"));
      for (String path : new String[] {vrboPath, googlePath, exportPath, outlookPath}) {
        runs.add(Cli.run("check", server.url(path), "--allow-host", "127.0.0.1"));
        runs.add(Cli.run("check", server.url(path), "--json", "--allow-host", "127.0.0.1"));
        runs.add(Cli.run("check", server.url(path), "--verbose"));
      }
      runs.add(Cli.run("check", server.url(vrboPath).replace("http://", "htp://")));
    } finally {
      System.setErr(savedErr);
    }
    String listing = runs.get(4).out();
    assertThat(listing).as("the listing tells the feeds apart by host, path shape and token tails")
        .contains("127.0.0.1", "/icalendar/***9f2c.ics", "/private-***9a2b/basic.ics", "/export/***Ue0s.ics",
            "/owa/calendar/***821d@example.org/***0190/calendar.ics");
    assertThat(runs.get(5).json()).hasSize(4);
    Cli sync = runs.get(7);
    assertThat(sync.json()).as(sync.err()).hasSize(4);
    assertThat(sync.status()).as("one feed gone, one not a calendar").isEqualTo(1);
    assertThat(runs.get(9).status()).as(runs.get(9).err()).isZero();

    String everything = logged.toString(StandardCharsets.UTF_8) + runs.stream()
        .map(r -> r.out() + "\n" + r.err()).reduce("", String::concat);
    assertThat(everything).as("the capture holds the library's lines").contains("127.0.0.1");
    for (String secret : secrets) {
      assertThat(everything).as("output and logs").doesNotContain(secret.substring(0, 8))
          .doesNotContain(secret.substring(secret.length() - 8));
    }
  }
}
