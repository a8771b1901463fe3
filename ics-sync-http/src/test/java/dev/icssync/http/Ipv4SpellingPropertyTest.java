package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every C-resolver spelling of an IPv4 address (1 to 4 parts, each decimal, octal or hex) parses to
 * that address, so the guard classifies what the socket would connect to.
 */
class Ipv4SpellingPropertyTest {

  record Spelling(long address, String text) {}

  @Property(tries = 2000)
  void everySpellingParsesToItsAddress(@ForAll("spellings") Spelling s) throws Exception {
    InetAddress parsed = AddressClassifier.parseLiteral(s.text());
    assertThat(parsed).as(s.text()).isNotNull();
    byte[] b = parsed.getAddress();
    long value = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
    assertThat(value).as(s.text()).isEqualTo(s.address());
  }

  @Property(tries = 500)
  void loopbackInAnySpellingIsRefused(@ForAll("loopbackSpellings") Spelling s) throws Exception {
    InetAddress parsed = AddressClassifier.parseLiteral(s.text());
    assertThat(AddressClassifier.refusal(parsed)).as(s.text()).isPresent();
  }

  @Provide
  Arbitrary<Spelling> spellings() {
    return spell(Arbitraries.longs().between(0, 0xffffffffL));
  }

  @Provide
  Arbitrary<Spelling> loopbackSpellings() {
    return spell(Arbitraries.longs().between(0x7f000000L, 0x7fffffffL));
  }

  private static Arbitrary<Spelling> spell(Arbitrary<Long> addresses) {
    Arbitrary<Integer> parts = Arbitraries.integers().between(1, 4);
    Arbitrary<List<Integer>> radixes = Arbitraries.of(8, 10, 16).list().ofSize(4);
    return Combinators.combine(addresses, parts, radixes).as((addr, n, rs) -> {
      long[] values = new long[n];
      for (int i = 0; i < n - 1; i++) {
        values[i] = (addr >>> (8 * (3 - i))) & 0xff;
      }
      int restBytes = 4 - (n - 1);
      values[n - 1] = addr & ((1L << (8 * restBytes)) - 1);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append('.');
        }
        long v = values[i];
        switch (rs.get(i)) {
          case 8 -> sb.append('0').append(Long.toOctalString(v));
          case 16 -> sb.append(i % 2 == 0 ? "0x" : "0X").append(Long.toHexString(v));
          default -> sb.append(v);
        }
      }
      return new Spelling(addr, sb.toString());
    });
  }
}
