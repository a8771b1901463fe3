package dev.icssync.http;

import static dev.icssync.http.Fixtures.CALENDAR;
import static dev.icssync.http.Fixtures.ascii;
import static dev.icssync.http.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.FailureReason;
import dev.icssync.spi.FetchResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every refused form gets a typed REFUSED, and a listener on the wildcard address (so it sees every
 * loopback spelling, IPv4 and IPv6) accepts zero connections.
 */
class SsrfGuardTest {
  private RawServer listener;

  @BeforeEach
  void listen() throws Exception {
    listener = RawServer.counter(new InetSocketAddress(0));
  }

  @AfterEach
  void stop() throws Exception {
    listener.close();
  }

  private static final Map<String, InetAddress[]> NAMES = Map.of(
      "metadata.test", addrs("169.254.169.254"),
      "private.test", addrs("10.1.2.3"),
      "cgnat.test", addrs("100.64.0.1"),
      "ula.test", addrs("fd00::1"),
      "mapped.test", addrs("::ffff:192.168.1.1"),
      "mixed.test", addrs("93.184.216.34", "127.0.0.1"),
      "mixed6.test", addrs("2606:4700::1111", "fe80::1"));

  private static InetAddress[] addrs(String... literals) {
    InetAddress[] out = new InetAddress[literals.length];
    for (int i = 0; i < literals.length; i++) {
      try {
        out[i] = InetAddress.getByName(literals[i]);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  private static HttpFeedFetcher guarded(GuardedDnsResolver.Lookup lookup) {
    return HttpFeedFetcher.builder().lookup(lookup).minIntervalPerHost(Duration.ZERO)
        .connectTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(3)).build();
  }

  private static GuardedDnsResolver.Lookup table() {
    return host -> {
      InetAddress[] a = NAMES.get(host);
      if (a != null) {
        return a;
      }
      if (host.equals("localhost")) {
        return addrs("127.0.0.1", "::1");
      }
      throw new UnknownHostException("no such test host");
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "127.0.0.1", "localhost", "LOCALHOST.", "2130706433", "0177.0.0.1", "0x7f.1", "0x7f000001",
    "127.1", "127.0.1", "017700000001", "0", "0.0.0.0", "[::1]", "[0:0:0:0:0:0:0:1]", "[::]",
    "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]",
    "[fe80::1%25lo]", "metadata.test", "private.test", "cgnat.test", "ula.test", "mapped.test",
    "mixed.test", "mixed6.test", "unresolvable.test", "169.254.169.254", "192.168.0.1",
    "10.0.0.1", "172.16.0.1", "100.64.0.1", "224.0.0.1", "255.255.255.255", "198.18.0.1",
    "192.0.2.1", "[fc00::1]", "[2001::1]", "256.0.0.1", "0x100.0.0.1"
  })
  void refusedFormsNeverConnect(String host) {
    try (HttpFeedFetcher fetcher = guarded(table())) {
      FetchResult r = fetcher.fetch(request("http://" + host + ":" + listener.port() + "/cal.ics"));
      assertThat(r).isInstanceOf(FetchResult.Failed.class);
      assertThat(((FetchResult.Failed) r).reason()).as("%s", r).isEqualTo(FailureReason.REFUSED);
    }
    assertThat(listener.accepted()).isZero();
  }

  @Test
  void webcalFormsAreCheckedToo() {
    try (HttpFeedFetcher fetcher = guarded(table())) {
      for (String scheme : new String[] {"webcal", "webcals", "https"}) {
        FetchResult r = fetcher.fetch(request(scheme + "://localhost:" + listener.port() + "/c"));
        assertThat(((FetchResult.Failed) r).reason()).isEqualTo(FailureReason.REFUSED);
      }
    }
    assertThat(listener.accepted()).isZero();
  }

  @Test
  void dnsRebindingCannotReachThePrivateAddress() throws Exception {
    // 127.0.0.2 plays a public address (allowed by CIDR); the second answer for the same name is
    // the private 127.0.0.1, where a listener waits on the same port.
    try (RawServer publicServer = new RawServer(
        new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0),
        (head, socket, out) -> out.write(ascii("HTTP/1.1 200 OK\r\nConnection: close\r\n"
            + "Content-Length: " + CALENDAR.length() + "\r\n\r\n" + CALENDAR)));
        RawServer privateListener = RawServer.counter(
            new InetSocketAddress(InetAddress.getByName("127.0.0.1"), publicServer.port()))) {
      AtomicInteger calls = new AtomicInteger();
      GuardedDnsResolver.Lookup rebinding = host -> calls.getAndIncrement() == 0
          ? addrs("127.0.0.2") : addrs("127.0.0.1");
      try (HttpFeedFetcher fetcher = HttpFeedFetcher.builder().lookup(rebinding)
          .allowCidr("127.0.0.2/32").minIntervalPerHost(Duration.ZERO).build()) {
        String url = "http://rebind.test:" + publicServer.port() + "/cal.ics";
        assertThat(fetcher.fetch(request(url))).isInstanceOf(FetchResult.Fetched.class);
        FetchResult second = fetcher.fetch(request(url));
        assertThat(((FetchResult.Failed) second).reason()).isEqualTo(FailureReason.REFUSED);
        assertThat(((FetchResult.Failed) second).message()).contains("loopback");
      }
      assertThat(calls.get()).as("one lookup per connection, no second unchecked one").isEqualTo(2);
      assertThat(publicServer.accepted()).isEqualTo(1);
      assertThat(privateListener.accepted()).isZero();
    }
  }

  @Test
  void allowListOpensExactlyWhatItNames() throws Exception {
    try (RawServer server = new RawServer(new InetSocketAddress(0),
        (head, socket, out) -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: "
            + CALENDAR.length() + "\r\nConnection: close\r\n\r\n" + CALENDAR)))) {
      int port = server.port();
      try (HttpFeedFetcher byHost = HttpFeedFetcher.builder().lookup(table())
          .allowHost("localhost").minIntervalPerHost(Duration.ZERO).build()) {
        assertThat(byHost.fetch(request("http://localhost:" + port + "/c")))
            .isInstanceOf(FetchResult.Fetched.class);
        for (String other : new String[] {"127.0.0.1", "127.0.0.2", "[::1]", "private.test"}) {
          FetchResult r = byHost.fetch(request("http://" + other + ":" + port + "/c"));
          assertThat(((FetchResult.Failed) r).reason()).as(other).isEqualTo(FailureReason.REFUSED);
        }
      }
      assertThat(server.accepted()).isEqualTo(1);
      try (HttpFeedFetcher byCidr = HttpFeedFetcher.builder().lookup(table())
          .allowCidr("127.0.0.0/30").minIntervalPerHost(Duration.ZERO).build()) {
        assertThat(byCidr.fetch(request("http://127.0.0.2:" + port + "/c")))
            .isInstanceOf(FetchResult.Fetched.class);
        assertThat(((FetchResult.Failed) byCidr.fetch(request("http://127.0.0.9:" + port + "/c")))
            .reason()).isEqualTo(FailureReason.REFUSED);
        // localhost also answers ::1, which the IPv4 block does not cover: the whole name is refused
        assertThat(((FetchResult.Failed) byCidr.fetch(request("http://localhost:" + port + "/c")))
            .reason()).isEqualTo(FailureReason.REFUSED);
      }
      assertThat(server.accepted()).isEqualTo(2);
    }
  }
}
