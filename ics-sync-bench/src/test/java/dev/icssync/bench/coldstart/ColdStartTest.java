package dev.icssync.bench.coldstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ical.IcalParser;
import dev.icssync.ical.ParseOptions;
import dev.icssync.ical.ParseResult;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ColdStartTest {
  @Test
  void theTimedFeedHoldsOneHundredEventsAndNoDiagnostics() {
    String feed = ColdStart.feed(100, LocalDate.of(2027, 1, 2));
    ParseResult parsed = IcalParser.create(ParseOptions.builder().build()).parse(feed.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.events()).hasSize(100);
    assertThat(parsed.diagnostics()).isEmpty();
    assertThat(parsed.prodId()).contains("Airbnb");
  }
}
