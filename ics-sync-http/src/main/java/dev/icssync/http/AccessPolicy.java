package dev.icssync.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The SSRF guard: which (host, addresses) pairs may be connected to.
 *
 * <p>A host passes when every one of its addresses is public, or the host is named exactly in the
 * allow-list, or each non-public address lies in an allowed CIDR. An allow-list entry opens exactly
 * what it names: allowing {@code intranet.example} does not open another name that resolves to the
 * same private address, and allowing {@code 10.1.2.0/24} does not open {@code 10.1.3.4}.
 */
final class AccessPolicy {
  private final boolean guardEnabled;
  private final Set<String> allowedHosts;
  private final List<Cidr> allowedCidrs;

  AccessPolicy(boolean guardEnabled, Set<String> allowedHosts, List<Cidr> allowedCidrs) {
    this.guardEnabled = guardEnabled;
    this.allowedHosts = Set.copyOf(allowedHosts);
    this.allowedCidrs = List.copyOf(allowedCidrs);
  }

  /** Checks a host before resolution: an IP literal is judged now, a name after resolution. */
  Optional<String> refusalForHost(String canonicalHost) {
    if (!guardEnabled || allowedHosts.contains(canonicalHost)) {
      return Optional.empty();
    }
    try {
      InetAddress literal = AddressClassifier.parseLiteral(canonicalHost);
      return literal == null ? Optional.empty() : refusalForAddress(literal);
    } catch (UnknownHostException e) {
      return Optional.of("invalid numeric host");
    }
  }

  /** Why a resolved address of {@code canonicalHost} may not be connected to, or empty. */
  Optional<String> refusal(String canonicalHost, InetAddress address) {
    if (!guardEnabled || allowedHosts.contains(canonicalHost)) {
      return Optional.empty();
    }
    return refusalForAddress(address);
  }

  private Optional<String> refusalForAddress(InetAddress address) {
    Optional<String> why = AddressClassifier.refusal(address);
    if (why.isEmpty()) {
      return why;
    }
    for (Cidr cidr : allowedCidrs) {
      if (cidr.contains(address)) {
        return Optional.empty();
      }
    }
    return why;
  }

  /** An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}. */
  record Cidr(byte[] network, int prefix, String text) {
    static Cidr parse(String text) {
      String t = text.trim();
      int slash = t.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("cidr must look like 10.0.0.0/8, was " + text);
      }
      try {
        InetAddress addr = AddressClassifier.parseLiteral(t.substring(0, slash));
        if (addr == null) {
          throw new IllegalArgumentException("cidr must start with an IP address, was " + text);
        }
        int prefix = Integer.parseInt(t.substring(slash + 1));
        byte[] bytes = addr.getAddress();
        if (prefix < 0 || prefix > bytes.length * 8) {
          throw new IllegalArgumentException("cidr prefix out of range in " + text);
        }
        return new Cidr(bytes, prefix, t);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("cidr must look like 10.0.0.0/8, was " + text, e);
      }
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
