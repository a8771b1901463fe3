package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FastPath} and picocli side by side: for every argument line of the table the fast path
 * either declines it (and picocli runs it) or prints exactly the bytes picocli prints, on both
 * streams, and returns the same status. The table says which lines the fast path must take itself,
 * so that a fast path that declines everything does not pass.
 */
class FastPathTest {
  @TempDir Path dir;

  private String feed;
  private String missing;

  @BeforeEach
  void feeds() throws IOException {
    feed = write("airbnb.ics", CheckCommandTest.AIRBNB);
    write("google.ics", CheckCommandTest.RECURRING);
    write("empty.ics", "");
    write("blank.ics", " \r\n \r\n");
    write("cut.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n");
    write("login.html", "<!DOCTYPE html><html><body>Sign in</body></html>");
    write("broken.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:2026x\r\n"
        + "SUMMARY:Bell\u0007\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    missing = dir.resolve("nope.ics").toString();
  }

  private String write(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, body, StandardCharsets.UTF_8);
    return p.toString();
  }

  private String f(String name) {
    return dir.resolve(name).toString();
  }

  /** Lines the fast path runs itself. */
  private List<String[]> taken() {
    List<String[]> t = new ArrayList<>();
    t.add(new String[] {"--version"});
    t.add(new String[] {"-V"});
    t.add(new String[] {"check", feed});
    t.add(new String[] {"check", feed, "--json"});
    t.add(new String[] {"check", "--json", feed});
    t.add(new String[] {"check", f("google.ics"), "--from", "2026-08-01", "--to", "2026-09-01"});
    t.add(new String[] {"check", f("google.ics"), "--json", "--from=2026-08-01", "--to=2026-09-01", "--zone",
        "Europe/Lisbon"});
    t.add(new String[] {"check", "--zone=UTC+1", f("google.ics"), "--from", "2026-08-01"});
    t.add(new String[] {"check", feed, "--source", "Booking", "--json"});
    t.add(new String[] {"check", feed, "--source=airbnb"});
    t.add(new String[] {"check", feed, "--source", "someone-else"});
    t.add(new String[] {"check", feed, "--max-bytes", "10"});
    t.add(new String[] {"check", feed, "--max-bytes=10", "--json"});
    t.add(new String[] {"check", feed, "--max-bytes", "1m"});
    t.add(new String[] {"check", feed, "--max-bytes", "0"});
    t.add(new String[] {"check", feed, "--max-bytes", "lots"});
    t.add(new String[] {"check", feed, "--from", "2026-09-01", "--to", "2026-08-01"});
    t.add(new String[] {"check", feed, "--from", "2026-09-01", "--to", "2026-08-01", "--json"});
    t.add(new String[] {"check", feed, "--allow-host", "127.0.0.1", "--allow-host", "::1"});
    t.add(new String[] {"check", missing});
    t.add(new String[] {"check", missing, "--json"});
    t.add(new String[] {"check", dir.toString()});
    t.add(new String[] {"check", f("empty.ics")});
    t.add(new String[] {"check", f("blank.ics"), "--json"});
    t.add(new String[] {"check", f("cut.ics")});
    t.add(new String[] {"check", f("login.html"), "--json"});
    t.add(new String[] {"check", f("login.html")});
    t.add(new String[] {"check", f("broken.ics")});
    t.add(new String[] {"check", f("broken.ics"), "--json"});
    t.add(new String[] {"check", ""});
    t.add(new String[] {"check", "http://127.0.0.1:9/cal.ics?token=secret"});
    t.add(new String[] {"check", "webcal://127.0.0.1:9/cal.ics?token=secret", "--json"});
    return t;
  }

  /** Lines the fast path leaves to picocli: usage errors, help, other commands, shapes it does not read. */
  private List<String[]> declined() {
    List<String[]> t = new ArrayList<>();
    t.add(new String[] {});
    t.add(new String[] {"check"});
    t.add(new String[] {"check", feed, feed});
    t.add(new String[] {"check", feed, "extra"});
    t.add(new String[] {"check", feed, "--json", "--json"});
    t.add(new String[] {"check", feed, "--json=true"});
    t.add(new String[] {"check", feed, "--json", "true"});
    t.add(new String[] {"check", feed, "--source", "a", "--source", "b"});
    t.add(new String[] {"check", feed, "--source"});
    t.add(new String[] {"check", feed, "--source", ""});
    t.add(new String[] {"check", feed, "--source", "  "});
    t.add(new String[] {"check", feed, "--source=", "--json"});
    t.add(new String[] {"check", feed, "--source", "--json"});
    t.add(new String[] {"check", feed, "--zone", "Mars/Base"});
    t.add(new String[] {"check", feed, "--zone="});
    t.add(new String[] {"check", feed, "--from", "yesterday"});
    t.add(new String[] {"check", feed, "--to", "2026-02-30"});
    t.add(new String[] {"check", feed, "--max-bytes", "-1"});
    t.add(new String[] {"check", feed, "--allow-host"});
    t.add(new String[] {"check", feed, "--nope"});
    t.add(new String[] {"check", feed, "-x"});
    t.add(new String[] {"check", "-"});
    t.add(new String[] {"check", "--", feed});
    t.add(new String[] {"check", feed, "--help"});
    t.add(new String[] {"check", "-h"});
    t.add(new String[] {"check", feed, "-v"});
    t.add(new String[] {"check", feed, "--verbose", "--json"});
    t.add(new String[] {"check", "-V"});
    t.add(new String[] {"check", "@" + feed});
    t.add(new String[] {"check", feed, "--source", "@" + feed});
    t.add(new String[] {"-v", "check", feed});
    t.add(new String[] {"--version", "check", feed});
    t.add(new String[] {"--version", "--version"});
    t.add(new String[] {"-V", "-v"});
    t.add(new String[] {"--help"});
    t.add(new String[] {"help", "check"});
    t.add(new String[] {"chek", feed});
    t.add(new String[] {"CHECK", feed});
    t.add(new String[] {"events"});
    return t;
  }

  private record Run(int status, String out, String err) {}

  private static Run fast(String[] args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    Integer status = FastPath.run(args, o, e);
    o.flush();
    e.flush();
    return status == null ? null
        : new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run picocli(String[] args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    int status = IcsSyncCli.runWithPicocli(args, o, e, Map.of());
    o.flush();
    e.flush();
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyLineTheFastPathTakesPrintsWhatPicocliPrints() {
    SoftAssertions soft = new SoftAssertions();
    for (String[] args : taken()) {
      Run fast = fast(args);
      soft.assertThat(fast).as("taken by the fast path: %s", Arrays.toString(args)).isNotNull();
      if (fast != null) {
        soft.assertThat(fast).as("fast path = picocli: %s", Arrays.toString(args)).isEqualTo(picocli(args));
      }
    }
    soft.assertAll();
  }

  @Test
  void everyOtherLineIsLeftToPicocli() {
    SoftAssertions soft = new SoftAssertions();
    for (String[] args : declined()) {
      soft.assertThat(fast(args)).as("left to picocli: %s", Arrays.toString(args)).isNull();
    }
    soft.assertAll();
  }

  @Test
  void theCommandRunsTheFastPathAndFallsBackToPicocli() {
    Cli version = Cli.run("--version");
    assertThat(version.status()).isZero();
    assertThat(version.out()).startsWith("ics-sync ").endsWith(System.lineSeparator());
    Cli check = Cli.run("check", feed, "--json");
    assertThat(check.status()).isZero();
    assertThat(check.json().get("events")).hasSize(2);
    Cli usage = Cli.run("check", feed, "--from", "yesterday");
    assertThat(usage.status()).isEqualTo(IcsSyncCli.USAGE);
    assertThat(usage.err()).isEqualTo(picocli(new String[] {"check", feed, "--from", "yesterday"}).err());
  }
}
