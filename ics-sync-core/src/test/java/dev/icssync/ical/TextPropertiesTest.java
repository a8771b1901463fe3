package dev.icssync.ical;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

class TextPropertiesTest {

  @Property
  void foldThenUnfoldIsIdentity(@ForAll @StringLength(max = 400) String line) {
    String noBreaks = line.replace('\r', ' ').replace('\n', ' ');
    String folded = Text.fold(noBreaks);
    assertThat(Text.unfold(folded)).isEqualTo(noBreaks);
  }

  @Property
  void foldedLinesAreAtMost75OctetsAndKeepUtf8Whole(
      @ForAll @StringLength(max = 400) @CharRange(from = ' ', to = '~') @CharRange(from = 'à', to = 'ÿ')
      @CharRange(from = '一', to = '龥') String line) {
    for (String physical : Text.fold(line).split("\r\n", -1)) {
      byte[] b = physical.getBytes(StandardCharsets.UTF_8);
      assertThat(b.length).isLessThanOrEqualTo(75);
      assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo(physical); // no broken sequence
    }
  }

  @Property
  void foldedValuesParseBack(@ForAll @StringLength(min = 1, max = 300) String summary) {
    String ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART;VALUE=DATE:20260105\r\n"
        + Text.fold("SUMMARY:" + Text.escape(summary)) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    String expected = summary.replace("\r\n", "\n").replace('\r', '\n');
    // documented loss: a backslash right before ',' or ';' reads as Booking.com's double escape
    net.jqwik.api.Assume.that(!expected.contains("\\,") && !expected.contains("\\;"));
    ParsedEvent e = IcalParser.create().parse(ics.getBytes(StandardCharsets.UTF_8)).events().get(0);
    assertThat(e.summary()).isEqualTo(expected);
  }

  @Property
  void escapeThenUnescapeIsIdentity(@ForAll String text) {
    String expected = text.replace("\r\n", "\n").replace('\r', '\n');
    net.jqwik.api.Assume.that(!expected.contains("\\,") && !expected.contains("\\;"));
    assertThat(Text.unescape(Text.escape(text))).isEqualTo(expected);
  }

  @Property
  void unescapeNeverGrowsAndNeverFails(@ForAll String raw) {
    assertThat(Text.unescape(raw).length()).isLessThanOrEqualTo(raw.length());
  }

  @Example
  void foldKeepsSurrogatePairsWhole() {
    String line = "SUMMARY:" + "\uD83D\uDE00".repeat(40);
    for (String physical : Text.fold(line).split("\r\n", -1)) {
      assertThat(physical.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75);
      assertThat(physical.replace(" ", "").codePoints().filter(c -> c >= 0xD800 && c <= 0xDFFF)).isEmpty();
    }
    assertThat(Text.unfold(Text.fold(line))).isEqualTo(line);
  }

  @Example
  void theDocumentedAmbiguity() {
    // RFC 5545 reads "\\\," as backslash + comma; Booking.com means a plain comma by it
    assertThat(Text.unescape("a\\\\\\, b")).isEqualTo("a, b");
    assertThat(Text.unescape("a\\\\, b")).isEqualTo("a\\, b");
  }
}
