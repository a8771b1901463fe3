package dev.icssync.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The connection manager's only way to turn a host into addresses: resolves, checks every address
 * with the {@link AccessPolicy}, fails closed, and returns only the addresses it checked. The
 * connection manager connects to exactly what this returns, so the address that was checked is the
 * address that is connected to (DNS pinning, per connection); there is no second lookup that a
 * rebinding DNS server could answer differently.
 */
final class GuardedDnsResolver implements DnsResolver {

  /** The raw lookup (the system resolver in production, a test double in tests). */
  @FunctionalInterface
  interface Lookup {
    InetAddress[] lookup(String host) throws UnknownHostException;

    static Lookup system() {
      return InetAddress::getAllByName;
    }
  }

  /** Resolution refused by the SSRF guard (a subtype so the connection manager passes it through). */
  static final class RefusedHostException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    RefusedHostException(String message) {
      super(message);
    }
  }

  /** The lookup did not answer in time (the system resolver cannot be interrupted). */
  static final class LookupTimeoutException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    LookupTimeoutException() {
      super("DNS lookup timed out");
    }
  }

  private final Lookup lookup;
  private final AccessPolicy policy;
  private final Duration timeout;

  GuardedDnsResolver(Lookup lookup, AccessPolicy policy, Duration timeout) {
    this.lookup = lookup;
    this.policy = policy;
    this.timeout = timeout;
  }

  /**
   * Runs the blocking lookup on a daemon thread so a hanging resolver cannot hold a fetch past its
   * bound; the thread ends when the lookup returns. Only new connections look up names.
   */
  private InetAddress[] timedLookup(String host) throws UnknownHostException {
    CompletableFuture<InetAddress[]> answer = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        answer.complete(lookup.lookup(host));
      } catch (Throwable e) {
        answer.completeExceptionally(e);
      }
    }, "ics-sync-dns");
    t.setDaemon(true);
    t.start();
    try {
      return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new LookupTimeoutException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnknownHostException("interrupted during DNS lookup");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof UnknownHostException u) {
        throw u;
      }
      throw new UnknownHostException("DNS lookup failed: " + cause.getClass().getSimpleName());
    }
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    String canonical = AddressClassifier.canonicalHost(host);
    InetAddress literal = AddressClassifier.parseLiteral(canonical);
    InetAddress[] found;
    if (literal != null) {
      found = new InetAddress[] {literal};
    } else {
      found = timedLookup(canonical);
      if (found == null || found.length == 0) {
        throw new UnknownHostException("no address for host");
      }
    }
    List<InetAddress> checked = new ArrayList<>(found.length);
    for (InetAddress address : found) {
      if (address == null) {
        throw new UnknownHostException("resolver returned a null address");
      }
      Optional<String> why = policy.refusal(canonical, address);
      if (why.isPresent()) {
        // one bad address refuses the whole host: a name that mixes public and private
        // addresses is exactly what a rebinding attacker serves
        throw new RefusedHostException("host resolves to a refused address: " + why.get());
      }
      // a fresh object with no host name attached, so nothing re-resolves it later
      checked.add(InetAddress.getByAddress(address.getAddress()));
    }
    return checked.toArray(new InetAddress[0]);
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    InetAddress[] addresses = resolve(host);
    List<InetSocketAddress> out = new ArrayList<>(addresses.length);
    for (InetAddress a : addresses) {
      out.add(new InetSocketAddress(a, port));
    }
    return out;
  }

  @Override
  public String resolveCanonicalHostname(String host) {
    return host; // no reverse lookups: they would be one more unchecked DNS answer
  }
}
