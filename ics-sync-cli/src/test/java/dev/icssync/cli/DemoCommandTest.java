package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    assertThat(ics).startsWith("BEGIN:VCALENDAR").doesNotContain("Jane").doesNotContain("4821")
        .doesNotContain("HMABCDE");
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
}
