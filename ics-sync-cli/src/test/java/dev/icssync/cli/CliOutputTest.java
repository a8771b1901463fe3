package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text from a feed reaches the terminal with its control characters escaped; check reads what the fetcher would. */
class CliOutputTest {
  /** C0 but tab and newline, DEL, C1. */
  static final Pattern RAW_CONTROL = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]");
  static final String ESC = "\u001b";
  final String db = "jdbc:h2:mem:out-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @TempDir
  Path dir;

  static String hostile(String uidA, String uidB) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ev" + ESC + "]0;owned\u0007il//EN\r\n"
        + "BEGIN:VEVENT\r\nUID:" + uidA + ESC + "[2J@x\r\nDTSTART;VALUE=DATE:20300101\r\n"
        + "DTEND;VALUE=DATE:20300105\r\nSUMMARY:Hi " + ESC + "[31mred\u009b\u007f\r\nEND:VEVENT\r\n"
        + "BEGIN:VEVENT\r\nUID:" + uidB + "\u0085@x\r\nDTSTART;VALUE=DATE:20300102\r\n"
        + "DTEND;VALUE=DATE:20300103\r\nSUMMARY:two\r\nEND:VEVENT\r\n"
        + "BOGUS" + ESC + "[8m hidden\r\nEND:VCALENDAR\r\n";
  }

  static void assertEscaped(Cli r) {
    assertThat(r.out()).as("stdout").doesNotContainPattern(RAW_CONTROL);
    assertThat(r.err()).as("stderr").doesNotContainPattern(RAW_CONTROL);
  }

  @Test
  void checkEscapesWhatTheFeedSays() throws IOException {
    Path f = dir.resolve("hostile.ics");
    Files.writeString(f, hostile("a", "b"), StandardCharsets.UTF_8);

    Cli r = Cli.run("check", f.toString(), "--from", "2029-12-01", "--to", "2030-02-01");

    assertThat(r.status()).as(r.err()).isZero();
    assertEscaped(r);
    assertThat(r.out()).contains("PRODID -//ev\\x1b]0;owned\\x07il//EN");
  }

  @Test
  void checkEscapesTheReasonAFeedIsNotACalendar() throws IOException {
    Path f = dir.resolve("page.ics");
    Files.writeString(f, "<html>" + ESC + "]0;owned\u0007</html>", StandardCharsets.UTF_8);
    Cli r = Cli.run("check", f.toString());
    assertThat(r.status()).isEqualTo(2);
    assertEscaped(r);
    Cli fetched;
    try (FeedServer server = new FeedServer().put("/x" + "\u0085" + ".ics", "x")) {
      fetched = Cli.run("check", server.url("/nothing.ics"), "--allow-host", "127.0.0.1");
    }
    assertThat(fetched.status()).isEqualTo(2);
    assertEscaped(fetched);
  }

  @Test
  void syncEventsAndConflictsEscapeWhatTheFeedsSaid() {
    try (FeedServer server = new FeedServer().put("/a.ics", hostile("a", "b")).put("/b.ics", hostile("c", "d"))) {
      for (String path : new String[] {"/a.ics", "/b.ics"}) {
        assertThat(Cli.run("feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "x" + path.charAt(1),
            "--url", server.url(path)).status()).isZero();
      }
      Cli sync = Cli.run("sync", "--db", db, "--allow-host", "127.0.0.1");
      assertThat(sync.status()).as(sync.err()).isZero();
      assertEscaped(sync);
      Cli events = Cli.run("events", "--db", db, "--tenant", "t", "--property", "p");
      assertEscaped(events);
      assertThat(events.out()).startsWith("START").contains("xa", "xb");
      Cli conflicts = Cli.run("conflicts", "--db", db);
      assertThat(conflicts.out()).startsWith("ID").contains("open", "xa 2030-01-01..2030-01-05");
      assertEscaped(conflicts);
      assertEscaped(Cli.run("feeds", "list", "--db", db));
    }
  }

  @Test
  void checkAppliesTheFetchersSizeLimitUnlessRaised() throws IOException {
    StringBuilder sb = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n");
    String pad = "X-PAD:" + "x".repeat(1000) + "\r\n";
    while (sb.length() < 11 * 1024 * 1024) {
      sb.append(pad);
    }
    sb.append("END:VCALENDAR\r\n");
    Path big = dir.resolve("big.ics");
    Files.writeString(big, sb, StandardCharsets.UTF_8);

    Cli refused = Cli.run("check", big.toString());
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err().strip().lines()).hasSize(1);
    assertThat(refused.err()).contains("larger than 10485760 bytes").contains("--max-bytes");

    Cli raised = Cli.run("check", big.toString(), "--max-bytes", "12m");
    assertThat(raised.status()).as(raised.err()).isZero();
    assertThat(Cli.run("check", big.toString(), "--max-bytes", "lots").status()).isEqualTo(64);
  }
}
