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
}
