package dev.icssync.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.alert.AlertEvaluator;
import dev.icssync.alert.AlertRule;
import dev.icssync.alert.Severity;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.spi.Store;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real syncs (the HTTP fetcher against a loopback server) of feeds whose URLs carry secrets, with
 * failures: everything the engine and the fetcher log (slf4j-simple on System.err, the library at
 * DEBUG via simplelogger.properties) and every meter name and tag is free of them. Log lines and
 * report messages may name a feed by its redacted URL (scheme, host and the path's shape; no user
 * info, no query value, no credential-like path segment), which is the library's redaction rule;
 * meters never name it at all. {@link NoPathSecretsInWholeSyncTest} does the same for secrets in
 * the path.
 */
class NoSecretsInEngineLogsTest {
  static final String ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
      + "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20300310\r\n"
      + "DTEND;VALUE=DATE:20300314\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  static final List<String> SECRETS = List.of("hunter2", "guest", "TOKENok111", "TOKENok222", "TOKENgone333",
      "TOKENhtml444", "TOKENrefused555", "TOKENmoved666", "TOKENnew777", "TOKENauth888");

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @Test
  void noSecretInEngineOrFetcherLogLinesOrMeters() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ical/", NoSecretsInEngineLogsTest::answer);
    server.start();
    int refusedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      refusedPort = s.getLocalPort();
    }
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    Map<String, String> urls = new LinkedHashMap<>();
    urls.put("userinfo", "http://guest:hunter2@127.0.0.1:" + server.getAddress().getPort()
        + "/ical/ok.ics?s=TOKENok111");
    urls.put("ok", base + "/ical/ok.ics?s=TOKENok222");
    urls.put("gone", base + "/ical/gone.ics?token=TOKENgone333");
    urls.put("html", base + "/ical/html.ics?key=TOKENhtml444");
    urls.put("refused", "http://127.0.0.1:" + refusedPort + "/ical/x.ics?s=TOKENrefused555");
    urls.put("moved", base + "/ical/moved.ics?s=TOKENmoved666");
    urls.put("auth", base + "/ical/auth.ics?s=TOKENauth888");

    Store store = Store.inMemory();
    for (Map.Entry<String, String> e : urls.entrySet()) {
      store.saveFeed(Feed.builder("t1", e.getKey()).property("p-" + e.getKey()).source("airbnb").url(e.getValue()).build());
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> alerts = new ArrayList<>();
    Map<String, SyncReport> first = new LinkedHashMap<>();
    List<SyncReport> all = new ArrayList<>();
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (HttpFeedFetcher fetcher = HttpFeedFetcher.builder().allowHost("127.0.0.1").build();
        IcsSync sync = IcsSync.builder().store(store).fetcher(fetcher)
            .listener(MicrometerSyncListener.builder(registry).tenantTag(true).store(store, java.time.Duration.ZERO)
                .build())
            .listener(AlertEvaluator.builder().listener(a -> alerts.add(a + " " + a.message()))
                .rules(List.of(AlertRule.errorRate("errors", 0.10, Severity.CRITICAL).withMinSamples(1)
                    .withScope(AlertRule.Scope.FEED)))
                .build())
            .build()) {
      for (String id : urls.keySet()) {
        SyncReport r = sync.syncFeed("t1", id);
        first.put(id, r);
        all.add(r);
        all.add(sync.syncFeed("t1", id, SyncMode.RELOAD));
        all.add(sync.syncFeed("t1", id));
      }
    } finally {
      System.setErr(original);
      server.stop(0);
    }
    String log = captured.toString(StandardCharsets.UTF_8);

    assertThat(first.get("ok").outcome()).isEqualTo(SyncOutcome.APPLIED);
    assertThat(first.get("moved").outcome()).isEqualTo(SyncOutcome.APPLIED);
    assertThat(first.get("gone").failure()).isEqualTo(FailureReason.GONE);
    assertThat(first.get("html").failure()).isEqualTo(FailureReason.NOT_A_CALENDAR);
    assertThat(first.get("refused").failure()).isEqualTo(FailureReason.NETWORK);
    assertThat(first.get("auth").failure()).isEqualTo(FailureReason.UNAUTHORIZED);
    // the capture holds the engine's own lines, INFO and DEBUG, for failures and successes
    assertThat(log).contains("sync of feed gone failed", "sync of feed html failed", "sync of feed refused failed",
        "sync of feed ok: APPLIED");

    List<String> texts = new ArrayList<>();
    texts.add(log);
    texts.addAll(alerts);
    for (SyncReport r : all) {
      texts.add(r.toString());
      texts.add(r.message());
    }
    for (Meter m : registry.getMeters()) {
      texts.add(m.getId().getName());
      for (Tag t : m.getId().getTags()) {
        texts.add(t.getKey() + "=" + t.getValue());
      }
    }
    assertThat(registry.getMeters()).isNotEmpty();
    assertThat(alerts).isNotEmpty();
    List<String> forbidden = new ArrayList<>(SECRETS);
    forbidden.addAll(urls.values());
    for (String s : texts) {
      assertThat(s).doesNotContain(forbidden);
    }
    for (Meter m : registry.getMeters()) {
      assertThat(m.getId().getTags()).extracting(Tag::getValue).allSatisfy(v ->
          assertThat(v).doesNotContain("127.0.0.1", "/ical/", ".ics"));
    }
  }

  private static void answer(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      byte[] body;
      int status;
      switch (path) {
        case "/ical/ok.ics" -> {
          status = 200;
          body = ICS.getBytes(StandardCharsets.UTF_8);
          x.getResponseHeaders().set("Content-Type", "text/calendar; charset=utf-8");
        }
        case "/ical/html.ics" -> {
          status = 200;
          body = "<html><body>Please sign in</body></html>".getBytes(StandardCharsets.UTF_8);
          x.getResponseHeaders().set("Content-Type", "text/html");
        }
        case "/ical/moved.ics" -> {
          status = 301;
          body = new byte[0];
          x.getResponseHeaders().set("Location", "/ical/ok.ics?s=TOKENnew777");
        }
        case "/ical/auth.ics" -> {
          status = 401;
          body = "token TOKENauth888 is not valid".getBytes(StandardCharsets.UTF_8);
        }
        default -> {
          status = 404;
          body = ("no calendar at " + x.getRequestURI()).getBytes(StandardCharsets.UTF_8);
        }
      }
      x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }
}
