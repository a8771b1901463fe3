package dev.icssync.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.icssync.ChangeEvent;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.alert.AlertEvaluator;
import dev.icssync.alert.AlertRule;
import dev.icssync.alert.Severity;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncListener;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;

/**
 * Real syncs (the HTTP fetcher against a loopback server) of feeds whose secret is in the URL's path,
 * as Vrbo, Google's private address, Outlook, Hostaway and ics-sync's own exports put it, through
 * success, a permanent redirect to a new secret path, not-a-calendar, 404, 401 and a refused
 * connection. No secret reaches a log line (the library at DEBUG), a report (message and redirect
 * target), a stored error, a meter (name or tag, the store gauges included), the MDC, an alert, or
 * {@code Feed.toString()}; the redacted URL still shows host and path shape.
 */
class NoPathSecretsInWholeSyncTest {
  static final String ICS = NoSecretsInEngineLogsTest.ICS;
  static final String VRBO = "5d1f0e2b7c3a49e8b6f1a2c3d4e59f2c";
  static final String GOOGLE = "0f3c5e7a9b1d2f4a6c8e0b2d4f6a9a2b";
  static final String EXPORT = "Zx81mQp_3Lr9Tb2KwVy7AaQ-n4HcUe0s";
  static final String OUTLOOK_ID = "cf7d500ee50e4c7b876fb1845efe821d";
  static final String OUTLOOK_KEY = "22ed80c434a3478d9ba6316fbfed35137860062344497390190";
  static final String HOSTAWAY = "oa1HWBI56NzbAMgClOcBidsGrQp9hYOqPXug3QXTcq7ze0wmfj0iLlH4Et9ELA5D";
  static final String HOSTAWAY_NEW = "VZwCY0WDxrXlHxeeUE3Og6DfMXJSGadnryQtFm8d1TZ97YL9njlc7upP64Bszvp5";
  static final String REFUSED = "77aa01c3e5b24d6f8a9c0b1d2e3f4a61";
  static final List<String> SECRETS =
      List.of(VRBO, GOOGLE, EXPORT, OUTLOOK_ID, OUTLOOK_KEY, HOSTAWAY, HOSTAWAY_NEW, REFUSED);

  @Test
  void pathSecretsNeverReachALogLineReportStoredErrorMeterOrMdc() throws Exception {
    assertThat(MDC.getMDCAdapter()).as("the MDC works (surefire names MdcCapableSimpleProvider)")
        .isInstanceOf(BasicMDCAdapter.class);
    assertThat(LoggerFactory.getLogger("dev.icssync.http.HttpFeedFetcher").isDebugEnabled())
        .as("simplelogger.properties puts dev.icssync at DEBUG").isTrue();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", NoPathSecretsInWholeSyncTest::answer);
    server.start();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    Map<String, String> urls = new LinkedHashMap<>();
    urls.put("vrbo", base + "/icalendar/" + VRBO + ".ics");
    urls.put("google", base + "/calendar/ical/owner%40example.org/private-" + GOOGLE + "/basic.ics");
    urls.put("export", base + "/export/" + EXPORT + ".ics");
    urls.put("outlook", base + "/owa/calendar/" + OUTLOOK_ID + "@example.org/" + OUTLOOK_KEY + "/calendar.ics");
    urls.put("hostaway", base + "/ical/" + HOSTAWAY + "/listings/466923.ics");
    urls.put("refused", "http://127.0.0.1:" + closedPort + "/icalendar/" + REFUSED + ".ics");

    Store store = Store.inMemory();
    for (Map.Entry<String, String> e : urls.entrySet()) {
      store.saveFeed(Feed.builder("t1", e.getKey()).property("p-" + e.getKey()).source(e.getKey()).url(e.getValue()).build());
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> texts = new CopyOnWriteArrayList<>();
    List<Map<String, String>> mdcs = new CopyOnWriteArrayList<>();
    SyncListener mdcProbe = new SyncListener() {
      @Override
      public void onSyncStarted(Feed feed) {
        mdcs.add(MDC.getCopyOfContextMap());
      }

      @Override
      public void onChange(ChangeEvent change) {
        mdcs.add(MDC.getCopyOfContextMap());
        texts.add(change.toString());
      }

      @Override
      public void onSyncFinished(Feed feed, SyncReport report) {
        mdcs.add(MDC.getCopyOfContextMap());
      }
    };
    Map<String, SyncReport> first = new LinkedHashMap<>();
    List<SyncReport> all = new ArrayList<>();
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (HttpFeedFetcher http = HttpFeedFetcher.builder().allowHost("127.0.0.1").build();
        IcsSync sync = IcsSync.builder().store(store)
            .fetcher((FetchRequest request) -> {
              mdcs.add(MDC.getCopyOfContextMap());
              FetchResult r = http.fetch(request);
              texts.add(r.toString());
              return r;
            })
            .listener(MicrometerSyncListener.builder(registry).tenantTag(true).store(store, Duration.ZERO).build())
            .listener(AlertEvaluator.builder().listener(a -> texts.add(a + " " + a.message()))
                .rules(List.of(AlertRule.errorRate("errors", 0.10, Severity.CRITICAL).withMinSamples(1)
                    .withScope(AlertRule.Scope.FEED)))
                .build())
            .listener(mdcProbe)
            .build()) {
      for (String id : urls.keySet()) {
        SyncReport r = sync.syncFeed("t1", id);
        first.put(id, r);
        all.add(r);
        all.add(sync.syncFeed("t1", id));
      }
      all.addAll(sync.syncTenant("t1"));
    } finally {
      System.setErr(original);
      server.stop(0);
    }
    String log = captured.toString(StandardCharsets.UTF_8);

    assertThat(first.get("vrbo").outcome()).isEqualTo(SyncOutcome.APPLIED);
    assertThat(first.get("hostaway").outcome()).isEqualTo(SyncOutcome.APPLIED);
    assertThat(first.get("google").failure()).isEqualTo(FailureReason.NOT_A_CALENDAR);
    assertThat(first.get("export").failure()).isEqualTo(FailureReason.GONE);
    assertThat(first.get("outlook").failure()).isEqualTo(FailureReason.UNAUTHORIZED);
    assertThat(first.get("refused").failure()).isEqualTo(FailureReason.NETWORK);
    // what is checked is really there: DEBUG and INFO lines, redacted URLs, stored errors, MDC values
    assertThat(log).contains("sync of feed google failed", "sync of feed vrbo: APPLIED", "feed vrbo: fetched");
    assertThat(first.get("hostaway").permanentRedirect())
        .isEqualTo(base + "/ical/***zvp5/listings/466923.ics");
    assertThat(first.get("refused").message()).contains("127.0.0.1:" + closedPort + "/icalendar/***4a61.ics");
    assertThat(mdcs).isNotEmpty().allSatisfy(m -> assertThat(m).containsKey("icssync.feed"));
    assertThat(registry.getMeters()).isNotEmpty();
    assertThat(registry.getMeters()).as("the store gauges are in the registry inspected")
        .anyMatch(m -> m.getId().getName().startsWith("icssync.feeds"));

    texts.add(log);
    for (SyncReport r : all) {
      texts.add(r.toString());
      texts.add(String.valueOf(r.message()));
      texts.add(String.valueOf(r.permanentRedirect()));
    }
    List<String> storedErrors = new ArrayList<>();
    for (String id : urls.keySet()) {
      FeedState state = store.state("t1", id);
      storedErrors.add(String.valueOf(state.lastError()));
      texts.add(store.feed("t1", id).orElseThrow().toString());
    }
    assertThat(storedErrors).as("failures are stored").filteredOn(e -> !e.equals("null")).hasSize(4);
    texts.addAll(storedErrors);
    for (Map<String, String> m : mdcs) {
      texts.addAll(m.values());
    }
    for (Meter m : registry.getMeters()) {
      texts.add(m.getId().getName());
      for (Tag t : m.getId().getTags()) {
        texts.add(t.getKey() + "=" + t.getValue());
      }
    }
    for (String text : texts) {
      for (String secret : SECRETS) {
        assertThat(text).doesNotContain(secret.substring(0, 8))
            .doesNotContain(secret.substring(secret.length() / 2 - 4, secret.length() / 2 + 4))
            .doesNotContain(secret.substring(secret.length() - 8));
      }
    }
  }

  private static void answer(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      byte[] body = new byte[0];
      int status;
      if (path.equals("/icalendar/" + VRBO + ".ics")
          || path.equals("/ical/" + HOSTAWAY_NEW + "/listings/466923.ics")) {
        status = 200;
        body = ICS.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/calendar; charset=utf-8");
      } else if (path.contains("/private-" + GOOGLE + "/")) {
        status = 200;
        body = "<html><body>Please sign in</body></html>".getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/html");
      } else if (path.startsWith("/ical/" + HOSTAWAY + "/")) {
        status = 301;
        x.getResponseHeaders().set("Location", "/ical/" + HOSTAWAY_NEW + "/listings/466923.ics");
      } else if (path.contains(OUTLOOK_KEY)) {
        status = 401;
        body = ("key " + OUTLOOK_KEY + " is not valid").getBytes(StandardCharsets.UTF_8);
      } else {
        status = 404;
        body = ("no calendar at " + x.getRequestURI()).getBytes(StandardCharsets.UTF_8);
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
