package dev.icssync.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Classifies addresses for the SSRF guard and parses IP literals the way a permissive resolver would
 * (so that {@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1} and {@code 127.1} are all seen as
 * 127.0.0.1 before they are classified).
 *
 * <p>IPv4: everything that is not globally routable unicast is refused. IPv6: only global unicast
 * ({@code 2000::/3}) passes, minus the special blocks inside it; IPv4-mapped, NAT64 (well-known
 * prefix) and 6to4 addresses are judged by the IPv4 address they embed; Teredo is refused outright
 * (its client address is obfuscated).
 */
final class AddressClassifier {
  private AddressClassifier() {}

  /** Why an address is refused, or empty when it is public. */
  static Optional<String> refusal(InetAddress address) {
    if (address instanceof Inet4Address) {
      return Optional.ofNullable(ipv4(address.getAddress()));
    }
    if (address instanceof Inet6Address) {
      return Optional.ofNullable(ipv6(address.getAddress()));
    }
    return Optional.of("unknown address family");
  }

  static boolean isPublic(InetAddress address) {
    return refusal(address).isEmpty();
  }

  private static @Nullable String ipv4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    if (a0 == 0) {
      return "unspecified/this-network (0.0.0.0/8)";
    }
    if (a0 == 10) {
      return "private (10.0.0.0/8)";
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return "carrier-grade NAT (100.64.0.0/10)";
    }
    if (a0 == 127) {
      return "loopback (127.0.0.0/8)";
    }
    if (a0 == 169 && a1 == 254) {
      return "link-local / cloud metadata (169.254.0.0/16)";
    }
    if (a0 == 172 && (a1 & 0xf0) == 16) {
      return "private (172.16.0.0/12)";
    }
    if (a0 == 192 && a1 == 0 && a2 == 0) {
      return "IETF protocol assignments (192.0.0.0/24)";
    }
    if (a0 == 192 && a1 == 0 && a2 == 2) {
      return "documentation (192.0.2.0/24)";
    }
    if (a0 == 192 && a1 == 88 && a2 == 99) {
      return "6to4 relay anycast (192.88.99.0/24)";
    }
    if (a0 == 192 && a1 == 168) {
      return "private (192.168.0.0/16)";
    }
    if (a0 == 198 && (a1 & 0xfe) == 18) {
      return "benchmarking (198.18.0.0/15)";
    }
    if (a0 == 198 && a1 == 51 && a2 == 100) {
      return "documentation (198.51.100.0/24)";
    }
    if (a0 == 203 && a1 == 0 && a2 == 113) {
      return "documentation (203.0.113.0/24)";
    }
    if ((a0 & 0xf0) == 224) {
      return "multicast (224.0.0.0/4)";
    }
    if ((a0 & 0xf0) == 240) {
      return "reserved/broadcast (240.0.0.0/4)";
    }
    return null;
  }

  private static @Nullable String ipv6(byte[] b) {
    boolean first10Zero = true;
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        first10Zero = false;
        break;
      }
    }
    if (first10Zero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      String inner = ipv4(new byte[] {b[12], b[13], b[14], b[15]});
      return inner == null ? null : "IPv4-mapped " + inner;
    }
    boolean allZero = true;
    for (int i = 0; i < 15; i++) {
      if (b[i] != 0) {
        allZero = false;
        break;
      }
    }
    if (allZero && b[15] == 0) {
      return "unspecified (::)";
    }
    if (allZero && b[15] == 1) {
      return "loopback (::1)";
    }
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int w2 = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
    if (w0 == 0x0064 && w1 == 0xff9b) {
      boolean wellKnown = true;
      for (int i = 4; i < 12; i++) {
        if (b[i] != 0) {
          wellKnown = false;
          break;
        }
      }
      if (!wellKnown) {
        return "NAT64 local-use (64:ff9b:1::/48) or non-standard NAT64 form";
      }
      String inner = ipv4(new byte[] {b[12], b[13], b[14], b[15]});
      return inner == null ? null : "NAT64 (64:ff9b::/96) of " + inner;
    }
    if ((w0 & 0xfe00) == 0xfc00) {
      return "unique local (fc00::/7)";
    }
    if ((w0 & 0xffc0) == 0xfe80) {
      return "link-local (fe80::/10)";
    }
    if ((w0 & 0xffc0) == 0xfec0) {
      return "site-local (fec0::/10)";
    }
    if ((w0 & 0xff00) == 0xff00) {
      return "multicast (ff00::/8)";
    }
    if ((w0 & 0xe000) != 0x2000) {
      // ::/96 IPv4-compatible, 100::/64 discard, and everything else outside global unicast
      return "not global unicast (outside 2000::/3)";
    }
    if (w0 == 0x2001 && w1 == 0x0000) {
      return "Teredo (2001::/32)";
    }
    if (w0 == 0x2001 && (w1 & 0xfe00) == 0) {
      return "IETF protocol assignments (2001::/23)";
    }
    if (w0 == 0x2001 && w1 == 0x0db8) {
      return "documentation (2001:db8::/32)";
    }
    if (w0 == 0x3fff && (w1 & 0xf000) == 0) {
      return "documentation (3fff::/20)";
    }
    if (w0 == 0x2002) {
      String inner = ipv4(new byte[] {b[2], b[3], b[4], b[5]});
      return inner == null ? null : "6to4 (2002::/16) of " + inner;
    }
    if (w0 == 0x2001 && w1 == 0x0002 && w2 == 0) {
      return "benchmarking (2001:2::/48)";
    }
    return null;
  }

  /**
   * Parses a URL host as an IP literal, accepting every IPv4 spelling that a C resolver accepts
   * (1 to 4 parts, each decimal, octal with a leading 0 or hex with 0x) and bracketed or bare IPv6.
   *
   * @return the address, or null when the host is a name
   * @throws UnknownHostException when the host looks numeric but is not a valid address (fail closed)
   */
  static @Nullable InetAddress parseLiteral(String host) throws UnknownHostException {
    String h = host;
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.indexOf(':') >= 0) {
      return parseIpv6(h);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.isEmpty()) {
      return null;
    }
    String[] parts = h.split("\\.", -1);
    // WHATWG rule: a host whose last label is numeric is an IPv4 address or invalid
    if (!looksNumeric(parts[parts.length - 1])) {
      return null;
    }
    if (parts.length > 4) {
      throw new UnknownHostException("numeric host with more than four parts");
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = parsePart(parts[i]);
    }
    long addr = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 255) {
        throw new UnknownHostException("numeric host part out of range");
      }
      addr = (addr << 8) | values[i];
    }
    int remainingBytes = 4 - (parts.length - 1);
    long last = values[parts.length - 1];
    if (last >= (1L << (8 * remainingBytes))) {
      throw new UnknownHostException("numeric host part out of range");
    }
    addr = (addr << (8 * remainingBytes)) | last;
    byte[] bytes = {
      (byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr
    };
    return InetAddress.getByAddress(bytes);
  }

  private static boolean looksNumeric(String label) {
    if (label.isEmpty()) {
      return false;
    }
    boolean hex = label.length() >= 2 && label.charAt(0) == '0' && (label.charAt(1) == 'x' || label.charAt(1) == 'X');
    for (int i = hex ? 2 : 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (hex ? Character.digit(c, 16) < 0 : c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static long parsePart(String part) throws UnknownHostException {
    String p = part.toLowerCase(Locale.ROOT);
    int radix = 10;
    if (p.startsWith("0x")) {
      radix = 16;
      p = p.substring(2);
      if (p.isEmpty()) {
        return 0;
      }
    } else if (p.length() > 1 && p.startsWith("0")) {
      radix = 8;
      p = p.substring(1);
    }
    if (p.isEmpty() || p.length() > 12) {
      throw new UnknownHostException("invalid numeric host part");
    }
    try {
      return Long.parseLong(p, radix);
    } catch (NumberFormatException e) {
      throw new UnknownHostException("invalid numeric host part");
    }
  }

  private static InetAddress parseIpv6(String h) throws UnknownHostException {
    String s = h;
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone); // zone ids only make sense for link-local, which is refused anyway
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
        throw new UnknownHostException("invalid IPv6 literal");
      }
    }
    // only hex digits, ':' and '.': getByName parses a literal and never queries DNS for it
    return InetAddress.getByName("[" + s + "]");
  }

  /** Lower case, no trailing dot, IP literals in canonical form (IPv6 without brackets). */
  static String canonicalHost(String host) throws UnknownHostException {
    InetAddress literal = parseLiteral(host);
    if (literal != null) {
      return literal.getHostAddress();
    }
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
