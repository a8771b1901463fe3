package dev.icssync.bench.report;

import dev.icssync.bench.report.Suite.MaxAllocPerUnit;
import dev.icssync.bench.report.Suite.MinPeerRatio;
import dev.icssync.bench.report.Suite.MinRate;
import dev.icssync.bench.report.Suite.Row;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The suites of BENCHMARKS.md, in order, with the targets of the seed and of the issues that set them:
 * parser (issue 3), diff and conflict detection (issue 4), JDBC store (issue 5), fetcher over HTTP/1.1
 * and HTTP/2 (issue 6), export and endpoint (issue 7).
 */
public final class Suites {
  private Suites() {}

  private static final String JAVA_NET_HTTP = "bare java.net.http";
  private static final String APACHE = "bare Apache HttpClient 5";
  private static final String ICAL4J = "ical4j";
  private static final String BIWEEKLY = "biweekly";

  /** Every suite, in the order of the report. */
  public static List<Suite> all() {
    return List.of(parse(), write(), export(), diff(), conflicts(), jdbcLoad(), jdbcResync(), fetch(),
        fetchH2(), exportEndpoint(), exportCache());
  }

  static Suite parse() {
    Predicate<Row> airbnb = r -> "AIRBNB".equals(r.ours().params().get("feed"));
    return new Suite("Parse: ours vs ical4j vs biweekly", "ParseBenchmark",
        "One operation parses a whole generated feed of N events and reads UID, start and end of each. "
            + "Airbnb-style: all-day, folded DESCRIPTION, CRLF. Google-style: TZID with VTIMEZONE, one "
            + "event in ten weekly recurring (ours also expands the instances; the others only read the "
            + "rule). Targets (issue 3) are on the Airbnb-style feed. 100,000-event feeds are a manual run "
            + "(`-p events=100000`, 3 GB heap: ical4j takes seconds per operation there).",
        Map.of("ours", "ours"),
        Map.of("ours", peers(ICAL4J, "ical4j", BIWEEKLY, "biweekly")),
        "events/s", "event", r -> r.param("events"), Set.of(),
        Map.of("feed", Suites::feedLabel, "events", v -> count(v) + " events"),
        List.of(
            new MinRate(">= 1,500,000 events/s (issue 3)", airbnb, 1_500_000),
            new MinPeerRatio(">= 100x ical4j, same run (issue 3)", airbnb, ICAL4J, 100),
            new MaxAllocPerUnit("<= 1 KB allocated/event (issue 3)", airbnb, 1024, "event")));
  }

  static Suite write() {
    return new Suite("Write: ours vs ical4j vs biweekly", "WriteBenchmark",
        "One operation writes a calendar of N all-day stays (UID, DTSTAMP, DTSTART, DTEND, SUMMARY, "
            + "SEQUENCE) to bytes; ical4j and biweekly build their model from the same records first, as "
            + "they must. No seed target of its own: the export targets below include writing.",
        Map.of("ours", "ours"),
        Map.of("ours", peers(ICAL4J, "ical4j", BIWEEKLY, "biweekly")),
        "events/s", "event", r -> r.param("events"), Set.of(),
        Map.of("events", v -> count(v) + " events"), List.of());
  }

  static Suite export() {
    return new Suite("Export: render a property's feed", "ExportBenchmark",
        "One uncached export: store query (in-memory store), view rules, RFC 5545 writing, ETag hash. "
            + "Merged view, and the Airbnb channel view with one day of padding.",
        ordered("exportMerged", "merged view", "exportForChannel", "channel view"), Map.of(),
        "exports/s", "export", r -> 1, Set.of(),
        Map.of("events", v -> count(v) + " events stored"),
        List.of(
            new MinRate("<= 1 ms per export of 100 events (issue 7)", r -> r.ours().param("events") == 100, 1_000),
            new MinRate("<= 50 ms per export of 10,000 events (issue 7)", r -> r.ours().param("events") == 10_000, 20)));
  }

  static Suite diff() {
    return new Suite("Diff", "DiffBenchmark",
        "The diff of a 100,000-event feed against its stored copy where 1 % of the events moved (0.1 % "
            + "vanished, 0.1 % new); one operation = one event.",
        Map.of("diff", "diff of 100,000 events"), Map.of(),
        "events/s", "event", r -> 1, Set.of(),
        Map.of("changedShare", v -> "changed share " + v),
        List.of(new MinRate(">= 1,000,000 events/s (issue 4)", r -> true, 1_000_000)));
  }

  static Suite conflicts() {
    return new Suite("Conflict detection", "ConflictBenchmark",
        "Double-booking detection over the events of four colliding feeds of one property: the whole "
            + "detector (zone placement, sweep, overlap objects), and the sweep alone over primitive "
            + "arrays. One operation = one run over all events.",
        ordered("detect", "detect (whole detector)", "sweep", "sweep alone"), Map.of(),
        "events/s", "event", r -> r.param("events"), Set.of(),
        Map.of("events", v -> count(v) + " events"),
        List.of(new MinRate("<= 1 s per run over 1,000,000 events (issue 4)",
            r -> r.ours().method().equals("detect") && r.ours().param("events") == 1_000_000, 1_000_000)));
  }

  static Suite jdbcLoad() {
    return new Suite("JDBC apply: initial load (PostgreSQL and H2)", "JdbcStoreLoadBenchmark",
        "Initial load of 100,000 events into empty tables, split over `feeds` feeds (a first sync's two "
            + "transactions per feed: beginSync, the fence, then one apply), `concurrency` feeds at once on "
            + "connections of their own (10: the engine's default parallelism; 1: one after the other); one "
            + "operation = one row written. PostgreSQL is the local server.",
        Map.of("initialLoad", "initial load"), Map.of(),
        "rows/s", "row", r -> 1, Set.of("synchronousApplyCommit"),
        Map.of("target", v -> v, "feeds", v -> count(v) + (v.equals("1") ? " feed" : " feeds"),
            "concurrency", v -> v.equals("1") ? "one at a time" : v + " at once"),
        List.of(new MinRate(">= 100,000 rows/s on PostgreSQL (issue 5)",
            r -> r.ours().params().getOrDefault("target", "").startsWith("postgres"), 100_000)));
  }

  static Suite jdbcResync() {
    return new Suite("JDBC apply: resync of 100 feeds (PostgreSQL and H2)", "JdbcStoreResyncBenchmark",
        "100,000 stored events (100 feeds x 1,000) where 1 % changed; one operation = the applies of all "
            + "100 feeds. `changedOnly` sends only the changed events (the engine's path), `allSent` "
            + "sends every event, `noChange` sends every event unchanged, `readAll` reads every feed's "
            + "events back. Each operation fails unless exactly the changed rows were written.",
        ordered("changedOnly", "changed only", "allSent", "all sent", "noChange", "no change", "readAll",
            "read all"), Map.of(),
        "resyncs/s", "resync", r -> 1, Set.of("synchronousApplyCommit"),
        Map.of("target", v -> v), List.of());
  }

  static Suite fetch() {
    Map<String, Map<String, String>> peers = new LinkedHashMap<>();
    peers.put("ours", peers(JAVA_NET_HTTP, "jdk", APACHE, "apache"));
    peers.put("oursThreads10", peers(JAVA_NET_HTTP, "jdkThreads10", APACHE, "apacheThreads10"));
    peers.put("oursThreads50", peers(JAVA_NET_HTTP, "jdkThreads50", APACHE, "apacheThreads50"));
    return new Suite("HTTP fetch: our fetcher vs bare clients", "FetchBenchmark",
        "One feed GET on loopback (com.sun.net.httpserver, TCP_NODELAY): HttpFeedFetcher (SSRF-guarded "
            + "resolver, per-host gate, deadline, streaming reader, sniffing) beside a bare java.net.http "
            + "client and a bare Apache HttpClient 5 (the library the fetcher is built on). `304`: "
            + "If-None-Match matches; `200`: a 20 KB calendar. The 10- and 50-thread rows share one "
            + "client; their score is the total of all threads.",
        ordered("ours", "fetch", "oursThreads10", "fetch", "oursThreads50", "fetch"), peers,
        "requests/s", "request", r -> 1, Set.of(),
        Map.of("path", v -> "path " + v),
        List.of(new MinPeerRatio("within 20 % of the bare java.net.http client, >= 0.8x (issue 6)", r -> true,
            JAVA_NET_HTTP, 0.8)));
  }

  static Suite fetchH2() {
    Map<String, Map<String, String>> peers = new LinkedHashMap<>();
    peers.put("ours", peers(JAVA_NET_HTTP, "jdk"));
    peers.put("oursThreads10", peers(JAVA_NET_HTTP, "jdkThreads10"));
    peers.put("oursThreads50", peers(JAVA_NET_HTTP, "jdkThreads50"));
    return new Suite("HTTP/2 fetch over TLS: our fetcher vs java.net.http", "FetchH2Benchmark",
        "The fetch suite over https with HTTP/2 on loopback: an httpcore5-h2 server with a self-signed "
            + "certificate offers h2 by ALPN; HttpFeedFetcher and a bare java.net.http client (version "
            + "HTTP_2) trust that certificate, and setup fails unless both negotiated HTTP/2. `304`: "
            + "If-None-Match matches; `200`: a 20 KB calendar. The 10- and 50-thread rows share one "
            + "client (streams of one connection); their score is the total of all threads.",
        ordered("ours", "fetch h2", "oursThreads10", "fetch h2", "oursThreads50", "fetch h2"), peers,
        "requests/s", "request", r -> 1, Set.of(),
        Map.of("path", v -> "path " + v),
        List.of(new MinPeerRatio("within 20 % of the bare java.net.http client over HTTP/2, >= 0.8x (issue 6)",
            r -> true, JAVA_NET_HTTP, 0.8)));
  }

  static Suite exportEndpoint() {
    Map<String, Map<String, String>> peers = new LinkedHashMap<>();
    String corePeer = "bare HttpCore 5 server, same bytes";
    String staticPeer = "bare JDK HttpServer, same bytes";
    peers.put("ours", peers(corePeer, "bareHttpCore", staticPeer, "staticBytes"));
    peers.put("oursUncached", peers(corePeer, "bareHttpCore", staticPeer, "staticBytes"));
    return new Suite("Export endpoint: HTTP GET of an export", "ExportEndpointBenchmark",
        "One GET of a property's Airbnb export on loopback through ExportHttpServer (token lookup, view, "
            + "render or cache hit, ETag check), one client thread. `ours` uses the Caffeine export cache "
            + "as deployed; `uncached` renders from the store every time. The first peer serves the same "
            + "bytes from memory on a bare HttpCore 5 async server with the same I/O settings (the floor of "
            + "the stack `serve` runs on); the second on a bare com.sun.net.httpserver handler. Each trial "
            + "first sends its own request until the JIT compiler is done with its path (at least 2 s): "
            + "while the compiler keeps both cores busy, the one client's ping-pong runs about twice as fast "
            + "as after, and a short warm-up measured whichever phase it happened to end in.",
        ordered("ours", "endpoint (cached)", "oursUncached", "endpoint (uncached)"), peers,
        "requests/s", "request", r -> 1, Set.of(),
        Map.of("path", v -> "path " + v, "events", v -> count(v) + " events stored"),
        List.of(new MinRate(">= 1,000 requests/min (seed, issue 7)", r -> true, 1_000.0 / 60)));
  }

  static Suite exportCache() {
    return new Suite("Export cache: one export request by cache", "ExportCacheBenchmark",
        "One export request of a property with three feeds: rendered every time (`none`), from the "
            + "Caffeine cache, or from Redis on 127.0.0.1:6379 (two round trips plus decoding).",
        Map.of("export", "export request"), Map.of(),
        "requests/s", "request", r -> 1, Set.of(),
        Map.of("cache", v -> "cache " + v, "eventsPerFeed", v -> count(v) + " events/feed"), List.of());
  }

  private static String feedLabel(String v) {
    return switch (v) {
      case "AIRBNB" -> "Airbnb-style";
      case "GOOGLE" -> "Google-style";
      default -> v;
    };
  }

  private static String count(String v) {
    try {
      return String.format(Locale.ROOT, "%,d", Long.parseLong(v));
    } catch (NumberFormatException e) {
      return v;
    }
  }

  private static Map<String, String> ordered(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static Map<String, String> peers(String... labelAndMethod) {
    return ordered(labelAndMethod);
  }
}
