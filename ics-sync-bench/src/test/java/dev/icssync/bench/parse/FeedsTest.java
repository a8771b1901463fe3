package dev.icssync.bench.parse;

import static org.assertj.core.api.Assertions.assertThat;

import biweekly.Biweekly;
import dev.icssync.DateRange;
import dev.icssync.ical.IcalParser;
import dev.icssync.ical.ParseResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import net.fortuna.ical4j.data.CalendarBuilder;
import org.junit.jupiter.api.Test;

/** The generated feeds are read alike by all three parsers, so the benchmark compares like with like. */
class FeedsTest {
  @Test
  void airbnbFeedIsReadAlikeByAllThree() throws Exception {
    byte[] b = Feeds.airbnb(300);
    ParseResult r = IcalParser.create().parse(b);
    assertThat(r.events()).hasSize(300).allSatisfy(e -> assertThat(e.range()).isInstanceOf(DateRange.AllDay.class));
    assertThat(r.diagnostics()).isEmpty();
    assertThat(r.events().get(0).description()).startsWith("Reservation URL: https://www.airbnb.com/").contains("\nPhone");
    assertThat(new String(b, StandardCharsets.US_ASCII)).contains("\r\n ").doesNotContain("\n\n");
    assertThat(new CalendarBuilder().build(new ByteArrayInputStream(b)).getComponents("VEVENT")).hasSize(300);
    assertThat(Biweekly.parse(new String(b, StandardCharsets.UTF_8)).first().getEvents()).hasSize(300);
  }

  @Test
  void googleFeedIsReadAlikeByAllThree() throws Exception {
    byte[] b = Feeds.google(300);
    ParseResult r = IcalParser.create().parse(b);
    assertThat(r.diagnostics()).isEmpty();
    assertThat(r.events().stream().filter(e -> e.recurrenceId().isEmpty())).hasSize(270);
    assertThat(new CalendarBuilder().build(new ByteArrayInputStream(b)).getComponents("VEVENT")).hasSize(300);
    assertThat(Biweekly.parse(new String(b, StandardCharsets.UTF_8)).first().getEvents()).hasSize(300);
  }
}
