package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressClassifierTest {

  @ParameterizedTest
  @ValueSource(strings = {
    "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.255",
    "127.0.0.1", "127.255.0.9", "169.254.169.254", "169.254.0.1", "172.16.0.1", "172.31.255.255",
    "192.0.0.8", "192.0.2.55", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255",
    "198.51.100.7", "203.0.113.9", "224.0.0.251", "239.255.255.250", "240.0.0.1",
    "255.255.255.255", "::", "::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
    "64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b:1::808:808", "2002:a00:1::1", "2002:7f00:1::",
    "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1", "2001:2::1", "3fff::1",
    "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1", "100::1", "4000::1"
  })
  void refused(String literal) throws Exception {
    assertThat(AddressClassifier.refusal(InetAddress.getByName(literal))).as(literal).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.15.255.255",
    "172.32.0.0", "192.169.0.1", "198.17.255.255", "198.20.0.0", "223.255.255.255",
    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "2606:4700::1111",
    "2a00:1450:4001:81a::200e", "2001:4860:4860::8888"
  })
  void publicPasses(String literal) throws Exception {
    assertThat(AddressClassifier.refusal(InetAddress.getByName(literal))).as(literal).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "2130706433, 127.0.0.1", "0177.0.0.1, 127.0.0.1", "0x7f.1, 127.0.0.1", "127.1, 127.0.0.1",
    "127.0.1, 127.0.0.1", "0x7f000001, 127.0.0.1", "017700000001, 127.0.0.1",
    "0xA9.0xFE.0xA9.0xFE, 169.254.169.254", "0251.0376.0251.0376, 169.254.169.254",
    "10.1, 10.0.0.1", "3232235521, 192.168.0.1", "0, 0.0.0.0", "8.8.8.8., 8.8.8.8",
    "'[::1]', 0:0:0:0:0:0:0:1", "'[::ffff:127.0.0.1]', 127.0.0.1"
  })
  void oddSpellingsAreNormalised(String host, String canonical) throws Exception {
    assertThat(AddressClassifier.canonicalHost(host)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"256.0.0.1", "1.2.3.4.5", "08.0.0.1", "1.2.3.0x1ff", "4294967296",
      "1.16777216"})
  void invalidNumericHostsFailClosed(String host) {
    assertThatThrownBy(() -> AddressClassifier.parseLiteral(host))
        .isInstanceOf(UnknownHostException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "cal.airbnb.com", "1.example", "x0x7f", "a.0x7fz"})
  void namesAreNotLiterals(String host) throws Exception {
    assertThat(AddressClassifier.parseLiteral(host)).isNull();
  }
}
