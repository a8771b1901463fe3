package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir
  Path dir;

  @Test
  void demoSyncsTwiceAndReportsChangesConflictsAndTheGlitch() throws Exception {
    Cli r = Cli.run("demo", "--out", dir.toString());

    assertThat(r.status()).as(r.err()).isZero();
    String out = r.out();
    assertThat(out).contains("Round 1").contains("Round 2");
    // round 2: the shortened stay, the cancelled Booking.com stay, Vrbo's 304, the glitch held back
    assertThat(out).containsPattern("villa-azul-airbnb +airbnb +villa-azul +applied +0 new, 1 changed");
    assertThat(out).containsPattern("villa-azul-booking +booking +villa-azul +applied +0 new, 0 changed, 1 cancelled");
    assertThat(out).containsPattern("villa-azul-vrbo +vrbo +villa-azul +not_modified");
    assertThat(out).containsPattern("casa-sol-airbnb +airbnb +casa-sol +quarantined .*3 held back");
    assertThat(out).contains("quarantined: feed came back empty");
    // two double bookings in round 1: the shortened stay resolved one, the other stays open
    assertThat(out).containsPattern("resolved +villa-azul +airbnb");
    assertThat(out).containsPattern("open +villa-azul +booking .* x vrbo|open +villa-azul +vrbo .* x booking");
    assertThat(out).containsPattern("casa-sol +3 reservations, 2 blocks, 0 cancelled");

    Path forAirbnb = dir.resolve("villa-azul-for-airbnb.ics");
    assertThat(forAirbnb).exists();
    String ics = Files.readString(forAirbnb, StandardCharsets.UTF_8);
    assertThat(ics).startsWith("BEGIN:VCALENDAR").doesNotContain("Jane").doesNotContain("HMABCDE");
    assertThat(Cli.withoutGeneratedValues(ics)).doesNotContain("4821");
    for (String p : new String[] {"villa-azul", "casa-sol"}) {
      for (String c : new String[] {"", "-for-airbnb", "-for-booking", "-for-vrbo"}) {
        assertThat(dir.resolve(p + c + ".ics")).exists();
      }
    }
    // the database stays for the other commands
    Cli events = Cli.run("events", "--db", "jdbc:h2:file:" + dir.resolve("demo"), "--tenant", "demo", "--property",
        "villa-azul", "--include-cancelled", "--json");
    assertThat(events.status()).as(events.err()).isZero();
    assertThat(events.json().size()).isGreaterThan(5);
  }

  @Test
  void whileServingThePrintedCommandsRunAsPrintedInAnotherProcess() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream printed = new PrintStream(out, true, StandardCharsets.UTF_8);
    Thread demo = new Thread(() -> IcsSyncCli.run(new String[] {"demo", "--out", dir.toString(), "--serve", "--port",
        "0"}, printed, printed, Map.of()), "demo-serve");
    demo.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (!out.toString(StandardCharsets.UTF_8).contains("Serving the exports") && demo.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(text).contains("Serving the exports");
      List<String> commands = text.lines().map(String::strip).filter(l -> l.startsWith("java -jar ")).toList();
      assertThat(commands).hasSize(3);
      for (String command : commands) {
        List<String> words = words(command);
        assertThat(words.get(2)).endsWith(".jar");
        // as printed, with this build's classes in place of the jar the package phase makes
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), IcsSyncCli.class.getName()));
        argv.addAll(words.subList(3, words.size()));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String result = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(command + "\n" + result).isZero();
        assertThat(result).doesNotContain("locked");
      }
    } finally {
      demo.interrupt();
      demo.join(TimeUnit.MINUTES.toMillis(1));
    }
  }

  /** Splits a printed command line as a POSIX shell would (spaces, single quotes). */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : line.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
        any = true;
      } else if (c == ' ' && !quoted) {
        if (any) {
          words.add(w.toString());
        }
        w.setLength(0);
        any = false;
      } else {
        w.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(w.toString());
    }
    return words;
  }
}
