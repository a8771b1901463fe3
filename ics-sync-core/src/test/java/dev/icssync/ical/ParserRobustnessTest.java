package dev.icssync.ical;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Raw-byte robustness in every build (complements the Jazzer fuzz test, which only replays its
 * inputs unless run with JAZZER_FUZZ=1): corpus files mutated at random (bytes flipped, structural
 * characters inserted, pieces cut or repeated) go through {@link IcalParserFuzzTest#check}.
 */
class ParserRobustnessTest {
  static final String[] SEEDS = {
    "corpus/files/MichMich__MagicMirror/tests__configs__data__calendar_test.ics",
    "corpus/files/allenporter__ical/tests__compat__testdata__office_356_custom_timezone.ics",
    "corpus/files/allenporter__ical/tests__examples__testdata__recurring_with_single_change.ics",
    "IcalParserFuzzTestInputs/parse/crafted_custom_zone_after_use.ics",
    "IcalParserFuzzTestInputs/parse/crafted_folds_secondly_truncated.ics",
  };
  static final byte[] STRUCTURAL = "\r\n :;=,\"\\\t/TZ0-+".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

  @Provide
  Arbitrary<byte[]> mutated() {
    List<byte[]> seeds = new ArrayList<>();
    for (String s : SEEDS) {
      try (InputStream in = getClass().getResourceAsStream(s)) {
        seeds.add(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Arbitraries.integers().between(0, seeds.size() - 1)
        .flatMap(i -> Arbitraries.longs().map(seed -> mutate(seeds.get(i), new Random(seed))));
  }

  static byte[] mutate(byte[] in, Random r) {
    byte[] b = in.clone();
    int ops = 1 + r.nextInt(8);
    for (int k = 0; k < ops && b.length > 0; k++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(5)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1 -> b[at] = STRUCTURAL[r.nextInt(STRUCTURAL.length)];
        case 2 -> b = java.util.Arrays.copyOf(b, at); // cut
        case 3 -> { // repeat a piece
          int len = Math.min(b.length - at, 1 + r.nextInt(200));
          byte[] c = new byte[b.length + len];
          System.arraycopy(b, 0, c, 0, at + len);
          System.arraycopy(b, at, c, at + len, b.length - at);
          b = c;
        }
        default -> { // drop a piece
          int len = Math.min(b.length - at, 1 + r.nextInt(50));
          byte[] c = new byte[b.length - len];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + len, c, at, b.length - at - len);
          b = c;
        }
      }
    }
    return b;
  }

  @Property(tries = 400)
  void mutatedFeedsNeverBreakTheParser(@ForAll("mutated") byte[] body) {
    IcalParserFuzzTest.check(body);
  }

  @Property(tries = 300)
  void randomBytesNeverBreakTheParser(@ForAll byte[] body) {
    IcalParserFuzzTest.check(body);
  }
}
