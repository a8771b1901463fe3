package dev.icssync.ical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.icssync.IcsSyncException.ParseException;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz test of the lenient parser: whatever the bytes, it returns a result or throws a typed
 * {@link ParseException}, the byte[] and streaming entries agree (on the events, or on the failure),
 * and a result keeps the parser's promises: every event has a non-blank UID and a recurrence id of
 * the documented form, the limits hold, and an empty body yields no events.
 *
 * <p>In a normal build Jazzer runs in regression mode: every input under
 * {@code src/test/resources/dev/icssync/ical/IcalParserFuzzTestInputs/parse/} (seeds and past
 * findings) once. To fuzz for real (libFuzzer-driven, coverage-guided; new corpus entries go to
 * {@code .cifuzz-corpus/}, which git ignores; findings land in the inputs directory and then stay as
 * regression cases):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B verify -pl ics-sync-core -am -Dtest=IcalParserFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false '-Djazzer.instrument=dev.icssync.ical.**'
 * </pre>
 *
 * which runs for {@code maxDuration} below (about 1,500 inputs/s on one core). Instrumentation is
 * limited to the parser internals: Jazzer 0.24's instrumentation drops the NestMembers attribute of
 * records with nested builders ({@code ParseOptions}), which then fail with IllegalAccessError.
 */
class IcalParserFuzzTest {
  static final ParseOptions OPTIONS = ParseOptions.builder()
      .window(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"))
      .maxLineLength(64 * 1024)
      .maxInstances(2_000)
      .maxEvents(20_000)
      .build();

  @FuzzTest(maxDuration = "10m")
  void parse(byte[] input) {
    check(input);
  }

  static void check(byte[] input) {
    IcalParser parser = IcalParser.create(OPTIONS);
    ParseResult whole;
    try {
      whole = parser.parse(input);
    } catch (ParseException e) {
      assertThatThrownBy(() -> parser.parse(new ByteArrayInputStream(input), event -> { }))
          .as("the streaming entry rejects the input for the same reason")
          .isInstanceOfSatisfying(ParseException.class,
              streaming -> assertThat(streaming.failure()).isEqualTo(e.failure()));
      return;
    }
    List<ParsedEvent> streamed = new ArrayList<>();
    ParseResult s = parser.parse(new ByteArrayInputStream(input), streamed::add);
    assertThat(streamed).containsExactlyInAnyOrderElementsOf(whole.events());
    assertThat(s.diagnostics()).hasSameSizeAs(whole.diagnostics());
    assertThat(whole.bytes()).isEqualTo(input.length);
    assertThat(s.bytes()).isEqualTo(input.length);
    assertThat(whole.events()).hasSizeLessThanOrEqualTo(OPTIONS.maxEvents());
    assertThat(whole.diagnostics()).hasSizeLessThanOrEqualTo(1_000);
    if (whole.empty()) {
      assertThat(whole.events()).as("an empty body holds no events").isEmpty();
    }
    for (ParsedEvent e : whole.events()) {
      assertThat(e.uid()).as("UID, synthetic when missing").isNotBlank();
      assertThat(e.recurrenceId()).as("recurrence id: none, a date or a UTC date-time")
          .matches("|\\d{8}|\\d{8}T\\d{6}Z");
      assertThat(e.line()).isPositive();
    }
  }
}
