package dev.icssync.engine.scenario;

import static dev.icssync.engine.scenario.Kit.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.ConflictStatus;
import dev.icssync.EventKind;
import dev.icssync.PropertySettings;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FetchResult;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** A real cleaning-schedule feed (corpus, see NOTICE) next to an Airbnb feed of the same flat. */
class CorpusScenarioTest {

  static byte[] corpus(String name) throws IOException {
    try (InputStream in = CorpusScenarioTest.class.getResourceAsStream("/dev/icssync/engine/corpus/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void cleaningScheduleIsReadGenericallyAndComparedWithStaysInThePropertyZone() throws IOException {
    byte[] cleaning = corpus("reservations.ics");
    try (Kit k = new Kit()) {
      k.store.saveProperty(new PropertySettings(T, "belfast", ZoneId.of("Europe/London"), LocalTime.of(15, 0),
          LocalTime.of(11, 0)));
      k.feed("clean", "belfast", "ical");
      k.feed("air", "belfast", "airbnb");
      k.fetcher.then("clean", r -> FetchResult.Fetched.of(cleaning));
      // Checks out on the morning of the 08-23 cleaning; then stays over the 08-26 and 08-27 ones.
      k.fetcher.body("air", Ics.airbnb().reserved("a1", LocalDate.of(2026, 8, 20), LocalDate.of(2026, 8, 23))
          .reserved("a2", LocalDate.of(2026, 8, 25), LocalDate.of(2026, 8, 28)).build());

      SyncReport first = k.sync("clean");
      assertThat(first.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(first.counts().created()).isEqualTo(32);
      assertThat(k.events("clean")).allSatisfy(e -> {
        assertThat(e.kind()).as("the airbnb-named PRODID is not Airbnb's").isEqualTo(EventKind.EVENT);
        assertThat(e.summary()).isEqualTo("Busy");
      });
      assertThat(k.sync("clean").outcome()).isEqualTo(SyncOutcome.UNCHANGED);

      k.sync("air");
      assertThat(k.conflicts("belfast", ConflictStatus.OPEN)).hasSize(2).allSatisfy(c -> {
        assertThat(c.first().feedId().equals("air") || c.second().feedId().equals("air")).isTrue();
      });
      CalendarEvent a2 = k.events("air").stream().filter(e -> e.key().uid().contains("a2")).findFirst().orElseThrow();
      assertThat(k.conflicts("belfast", ConflictStatus.OPEN)).allMatch(c -> c.involves(a2.key()));
    }
  }
}
