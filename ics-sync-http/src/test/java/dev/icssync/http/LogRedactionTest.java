package dev.icssync.http;

import static dev.icssync.http.Fixtures.CALENDAR;
import static dev.icssync.http.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.spi.FetchResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Captures everything slf4j-simple prints (it writes to the current System.err) while fetches with a
 * password and a query token run through success, failure, redirect and refusal paths; no line, no
 * result message and no reported redirect may contain a secret.
 */
class LogRedactionTest {
  private static final String TOKEN = "qTok3nZZ9";
  private static final String PASSWORD = "pw5ecretXX";

  @Test
  void noCredentialOrQueryTokenInAnyLogLineOrResult() throws Exception {
    assertThat(LoggerFactory.getLogger(HttpFeedFetcher.class).isDebugEnabled())
        .as("src/test/resources/simplelogger.properties puts dev.icssync at DEBUG").isTrue();
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<FetchResult> results = new ArrayList<>();
    try (MockWebServer server = new MockWebServer()) {
      server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      String base = "http://alice:" + PASSWORD + "@127.0.0.1:" + server.getPort();
      server.enqueue(new MockResponse().setBody(CALENDAR));
      server.enqueue(new MockResponse().setResponseCode(404));
      server.enqueue(new MockResponse().setResponseCode(301)
          .setHeader("Location", "/moved?token=" + TOKEN));
      server.enqueue(new MockResponse().setBody("<html>login</html>"));
      server.enqueue(new MockResponse().setResponseCode(302)
          .setHeader("Location", "http://localhost:1/x?token=" + TOKEN));
      server.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "5"));
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try (HttpFeedFetcher fetcher = Fixtures.loopback().timeout(Duration.ofSeconds(3)).build()) {
        for (int i = 0; i < 5; i++) {
          results.add(fetcher.fetch(request(base + "/cal.ics?token=" + TOKEN + "&x=" + i)));
        }
        results.add(fetcher.fetch(request("ftp://bob:" + PASSWORD + "@example.com/?t=" + TOKEN)));
        results.add(fetcher.fetch(request(
            "http://bob:" + PASSWORD + "@169.254.169.254/latest?token=" + TOKEN)));
      }
    } finally {
      System.setErr(originalErr);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).as("the capture works").contains("feed feed-1").contains("127.0.0.1");
    String basic = Base64.getEncoder().encodeToString(
        ("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    for (String secret : new String[] {TOKEN, PASSWORD, basic, "alice"}) {
      assertThat(log).as("log").doesNotContain(secret);
      assertThat(results.toString()).as("results").doesNotContain(secret);
    }
    assertThat(results).hasSize(7);
  }

  /** Secrets in the path (Vrbo, Google's private address, export tokens) fare the same. */
  @Test
  void noPathSecretInAnyLogLineOrResult() throws Exception {
    String vrbo = "5d1f0e2b7c3a49e8b6f1a2c3d4e59f2c";
    String google = "0f3c5e7a9b1d2f4a6c8e0b2d4f6a9a2b";
    String export = "Zx81mQp_3Lr9Tb2KwVy7AaQ-n4HcUe0s";
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<FetchResult> results = new ArrayList<>();
    try (MockWebServer server = new MockWebServer()) {
      server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      String base = "http://127.0.0.1:" + server.getPort();
      server.enqueue(new MockResponse().setBody(CALENDAR));
      server.enqueue(new MockResponse().setResponseCode(404));
      server.enqueue(new MockResponse().setResponseCode(301).setHeader("Location", "/export/" + export + ".ics"));
      server.enqueue(new MockResponse().setBody(CALENDAR));
      server.enqueue(new MockResponse().setBody("<html>login</html>"));
      server.enqueue(new MockResponse().setResponseCode(302)
          .setHeader("Location", "http://localhost:1/private-" + google + "/basic.ics"));
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try (HttpFeedFetcher fetcher = Fixtures.loopback().timeout(Duration.ofSeconds(3)).build()) {
        results.add(fetcher.fetch(request(base + "/icalendar/" + vrbo + ".ics")));
        results.add(fetcher.fetch(request(base + "/calendar/ical/me%40example.org/private-" + google + "/basic.ics")));
        results.add(fetcher.fetch(request(base + "/icalendar/" + vrbo + ".ics")));
        results.add(fetcher.fetch(request(base + "/icalendar/" + vrbo + ".ics")));
        results.add(fetcher.fetch(request("ftp://example.com/export/" + export + ".ics")));
        results.add(fetcher.fetch(request("http://169.254.169.254/private-" + google + "/basic.ics")));
      }
    } finally {
      System.setErr(originalErr);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).as("the capture works").contains("feed feed-1").contains("127.0.0.1");
    assertThat(results.get(2)).isInstanceOf(FetchResult.Fetched.class);
    assertThat(((FetchResult.Fetched) results.get(2)).permanentRedirect()).endsWith("/export/***Ue0s.ics");
    for (String secret : new String[] {vrbo, google, export}) {
      for (String part : new String[] {secret.substring(0, 8), secret.substring(secret.length() - 8)}) {
        assertThat(log).as("log").doesNotContain(part);
        assertThat(results.toString()).as("results").doesNotContain(part);
      }
    }
  }
}
