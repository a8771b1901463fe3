package dev.icssync.cli;

import dev.icssync.IcsSync;
import dev.icssync.http.ExportEndpoint;
import dev.icssync.http.ExportHttpServer;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.micrometer.MicrometerSyncListener;
import dev.icssync.scheduler.FeedSyncScheduler;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ics-sync run}: the whole system as one worker process. The scheduler module polls every
 * active feed (shared with every other {@code run} on the same PostgreSQL database), and one HTTP
 * port serves the exports, Prometheus metrics and health checks. Stops on SIGTERM: readiness goes to
 * 503, no new syncs start, running ones finish (or are left to the takeover after
 * {@code --shutdown-wait}), then the process exits 0.
 */
@Command(mixinStandardHelpOptions = true, name = "run", sortOptions = false,
    description = {
        "Run as a service: sync every active feed on its interval (shared with every",
        "other 'run' on the same PostgreSQL database) and serve on one port:",
        "  /export/<token>.ics  exports (as 'serve')",
        "  /metrics             Prometheus text",
        "  /health/live         200 while the process answers",
        "  /health/ready        200 when the database answers and the scheduler runs,",
        "                       else 503",
        "Every option can also be set by the environment variable named beside it;",
        "an option on the command line wins. SIGTERM (or Ctrl-C) stops taking work,",
        "waits for running syncs (--shutdown-wait) and exits 0.",
        ""},
    footerHeading = "%n",
    footer = {
        "Takeover: the syncs of a worker killed with SIGKILL are revived by another",
        "worker after at most about heartbeat x 6 + poll interval (35 s with the",
        "defaults). Feeds added with 'feeds add' (from anywhere) are found within",
        "--discover-interval and first synced within their poll interval; removed",
        "ones stop at their next due time, unfetched.",
        "On jdbc:h2:... the same scheduler runs for this one process; add",
        ";AUTO_SERVER=TRUE to a file URL so other commands can reach it meanwhile.",
        "Logs go to standard error: one INFO line per sync (logger dev.icssync.sync)",
        "with tenant, property, feed id, outcome and timings, never the URL."})
final class RunCommand implements Callable<Integer> {
  static final String METRICS = "/metrics";
  static final String LIVE = "/health/live";
  static final String READY = "/health/ready";
  private static final int MISSED_HEARTBEATS = 4;

  @Spec @Nullable CommandSpec spec;

  @Option(names = "--db", paramLabel = "URL", defaultValue = "${env:ICSSYNC_DB}",
      description = "jdbc:postgresql:... (shared by every worker) or jdbc:h2:... (one process); migrated on start."
          + " Env ICSSYNC_DB.")
  @Nullable String db;

  @Option(names = "--port", paramLabel = "N", defaultValue = "${env:ICSSYNC_PORT:-8080}",
      description = "HTTP port of exports, /metrics and /health (0 picks a free one; default 8080). Env ICSSYNC_PORT.")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "${env:ICSSYNC_BIND:-127.0.0.1}",
      description = "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface). Env ICSSYNC_BIND.")
  String bind = "127.0.0.1";

  @Option(names = "--threads", paramLabel = "N", defaultValue = "${env:ICSSYNC_THREADS:-4}",
      description = "syncs this process runs at once (default 4). Env ICSSYNC_THREADS.")
  int threads;

  @Option(names = "--allow-host", paramLabel = "HOST", split = ",", defaultValue = "${env:ICSSYNC_ALLOW_HOST}",
      description = "a host whose private or loopback address feeds may be fetched from (repeatable; the SSRF"
          + " guard refuses them otherwise). Env ICSSYNC_ALLOW_HOST, comma-separated.")
  List<String> allowHosts = new ArrayList<>();

  @Option(names = "--tenant-bandwidth", paramLabel = "SIZE", defaultValue = "${env:ICSSYNC_TENANT_BANDWIDTH:-0}",
      description = "bytes a second each tenant's feeds may fetch in this process, shared by its threads; fetches slow"
          + " down to it, never fail for it (bytes, or with k or m; default 0: no limit). Env ICSSYNC_TENANT_BANDWIDTH.")
  String tenantBandwidth = "0";
  private long bandwidth;

  @Option(names = "--heartbeat", paramLabel = "DURATION", defaultValue = "${env:ICSSYNC_HEARTBEAT:-5s}",
      converter = DurationConverter.class,
      description = "how often a running sync's heartbeat is written (default 5s); a worker missing "
          + MISSED_HEARTBEATS + " is dead and its syncs are taken over. Env ICSSYNC_HEARTBEAT.")
  Duration heartbeat = Duration.ofSeconds(5);

  @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "${env:ICSSYNC_POLL_INTERVAL:-5s}",
      converter = DurationConverter.class,
      description = "how often an idle worker looks for due feeds (default 5s). Env ICSSYNC_POLL_INTERVAL.")
  Duration pollInterval = Duration.ofSeconds(5);

  @Option(names = "--discover-interval", paramLabel = "DURATION",
      defaultValue = "${env:ICSSYNC_DISCOVER_INTERVAL:-30s}", converter = DurationConverter.class,
      description = "how often new feeds are looked for in the store (default 30s). Env ICSSYNC_DISCOVER_INTERVAL.")
  Duration discoverInterval = Duration.ofSeconds(30);

  @Option(names = "--shutdown-wait", paramLabel = "DURATION", defaultValue = "${env:ICSSYNC_SHUTDOWN_WAIT:-20s}",
      converter = DurationConverter.class,
      description = "how long a stop waits for running syncs (default 20s); later ones are taken over by"
          + " another worker. Env ICSSYNC_SHUTDOWN_WAIT.")
  Duration shutdownWait = Duration.ofSeconds(20);

  @Option(names = "--stats-refresh", paramLabel = "DURATION", defaultValue = "${env:ICSSYNC_STATS_REFRESH:-60s}",
      converter = DurationConverter.class,
      description = "how often the per-tenant statistics gauges (icssync_stats_*) are read from the store"
          + " (default 60s). Env ICSSYNC_STATS_REFRESH.")
  Duration statsRefresh = Duration.ofSeconds(60);

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "${env:ICSSYNC_LOG_FORMAT:-text}",
      description = "text or json (one JSON object per line; default text). Env ICSSYNC_LOG_FORMAT.")
  LogFormat logFormat = LogFormat.TEXT;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:ICSSYNC_LOG_LEVEL:-info}",
      description = "error, warn, info or debug (default info). Env ICSSYNC_LOG_LEVEL.")
  String logLevel = "info";

  /** Log line formats. */
  enum LogFormat { TEXT, JSON }

  @Override
  public Integer call() {
    CommandLine cmd = Objects.requireNonNull(spec).commandLine();
    if (db == null || db.isBlank()) {
      throw new CommandLine.ParameterException(cmd, "Missing --db (or ICSSYNC_DB)");
    }
    check(port >= 0 && port <= 65_535, cmd, "--port must be in 0..65535, was " + port);
    check(threads > 0, cmd, "--threads must be positive, was " + threads);
    for (Duration d : List.of(heartbeat, pollInterval, discoverInterval, statsRefresh)) {
      check(!d.isZero() && !d.isNegative(), cmd, "durations must be positive, was " + d);
    }
    check(!shutdownWait.isNegative(), cmd, "--shutdown-wait must not be negative");
    bandwidth = CheckCommand.size(tenantBandwidth, "--tenant-bandwidth", true);
    check(List.of("error", "warn", "info", "debug", "trace").contains(logLevel.toLowerCase(Locale.ROOT)), cmd,
        "--log-level takes error, warn, info or debug, not " + logLevel);
    configureLogging();
    return new Service(cmd.getOut()).run();
  }

  private static void check(boolean ok, CommandLine cmd, String message) {
    if (!ok) {
      throw new CommandLine.ParameterException(cmd, message);
    }
  }

  /**
   * Before the first logger is made: the level, date-times in text, and the JSON binding when asked.
   * The command's classes keep no static loggers, so nothing has started SLF4J yet.
   */
  private void configureLogging() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel.toLowerCase(Locale.ROOT));
    // the JDK server logs request lines (which hold export tokens) at DEBUG
    System.setProperty("org.slf4j.simpleLogger.log.com.sun.net.httpserver", "info");
    System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    if (logFormat == LogFormat.JSON) {
      // SLF4J reports an explicit provider at INFO on stderr: not a JSON line
      System.setProperty("slf4j.internal.verbosity", "WARN");
      System.setProperty("slf4j.provider", JsonLogProvider.class.getName());
    }
  }

  /** The running process: started by {@link #run()}, which returns when it has stopped. */
  private final class Service {
    private final PrintWriter out;
    private final AtomicBoolean stopping = new AtomicBoolean();

    Service(PrintWriter out) {
      this.out = out;
    }

    int run() {
      Logger log = LoggerFactory.getLogger(RunCommand.class);
      CountDownLatch stop = new CountDownLatch(1);
      CountDownLatch stopped = new CountDownLatch(1);
      AtomicBoolean signalled = new AtomicBoolean();
      Thread hook = new Thread(() -> {
        signalled.set(true);
        stop.countDown();
        boolean clean = false;
        try {
          clean = stopped.await(shutdownWait.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        System.out.flush();
        System.err.flush();
        // a stop asked for by a signal that went as planned is a success, not 128 + 15
        Runtime.getRuntime().halt(clean ? IcsSyncCli.OK : IcsSyncCli.FAILED);
      }, "ics-sync-stop");
      Runtime.getRuntime().addShutdownHook(hook);

      // closed last-opened first: the worker (its running syncs), the server, the engine, the pool
      java.util.Deque<AutoCloseable> open = new java.util.ArrayDeque<>();
      ScheduledExecutorService background = Executors.newScheduledThreadPool(3, r -> {
        Thread t = new Thread(r, "ics-sync-run-background");
        t.setDaemon(true);
        return t;
      });
      try {
        Database d = Database.open(Objects.requireNonNull(db), threads + 6);
        open.push(d);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        open.push(registry::close);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        open.push(gc);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        HttpFeedFetcher.Builder fb = HttpFeedFetcher.builder();
        allowHosts.stream().map(String::trim).filter(h -> !h.isEmpty()).forEach(fb::allowHost);
        HttpFeedFetcher fetcher = fb.build();
        open.push(fetcher);
        IcsSync sync = IcsSync.builder()
            .store(d.store())
            .fetcher(fetcher)
            .listener(MicrometerSyncListener.builder(registry).store(d.store(), Duration.ofSeconds(30)).build())
            .listener(new SyncLog())
            .tenantBandwidth(bandwidth)
            .build();
        open.push(sync);

        Health health = new Health(d.dataSource());
        background.scheduleWithFixedDelay(health::probe, 0, 1, TimeUnit.SECONDS);
        StatsGauges stats = new StatsGauges(registry, d.dataSource());
        background.scheduleWithFixedDelay(stats::refresh, 0, statsRefresh.toMillis(), TimeUnit.MILLISECONDS);

        FeedSyncScheduler worker = FeedSyncScheduler.builder(d.dataSource())
            .sync(sync)
            .threads(threads)
            .pollingInterval(pollInterval)
            .heartbeatInterval(heartbeat)
            .missedHeartbeatsLimit(MISSED_HEARTBEATS)
            // db-scheduler waits this long for running syncs, then as long again after interrupting them
            .shutdownMaxWait(shutdownWait.dividedBy(2))
            .start();
        open.push(() -> {
          log.info("stopping: no new syncs; waiting up to {} for running ones", shutdownWait);
          worker.close();
        });
        health.scheduler(worker);
        background.scheduleWithFixedDelay(() -> {
          try {
            worker.enrolAll();
          } catch (RuntimeException e) {
            log.warn("cannot look for new feeds: {}", IcsSyncCli.oneLine(e));
          }
        }, discoverInterval.toMillis(), discoverInterval.toMillis(), TimeUnit.MILLISECONDS);

        ExportHttpServer server = ExportHttpServer.builder(ExportEndpoint.builder(sync).build())
            .address(new InetSocketAddress(bind, port))
            .contextPath(ServeCommand.CONTEXT)
            .route(METRICS, request -> text(200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"))
            .route(LIVE, request -> text(200, "live\n", "text/plain; charset=utf-8"))
            .route(READY, request -> health.response(stopping.get()))
            .start();
        // the worker stops before the server: readiness answers 503 while its running syncs finish
        AutoCloseable workerStop = open.pop();
        open.push(server);
        open.push(workerStop);
        String base = "http://" + hostText(server.address()) + ":" + server.port();
        log.info("worker {} running {} threads; serving {}", worker.name(), threads, base);
        out.println("ics-sync run: worker " + worker.name() + " serving " + base + "/ (exports "
            + ServeCommand.CONTEXT + "/<token>.ics, " + METRICS + ", " + LIVE + ", " + READY + ")");
        out.flush();

        try {
          stop.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        stopping.set(true);
      } finally {
        stopping.set(true);
        background.shutdownNow();
        while (!open.isEmpty()) {
          AutoCloseable c = open.pop();
          try {
            c.close();
          } catch (Exception e) {
            log.warn("while stopping: {}", IcsSyncCli.oneLine(e));
          }
        }
        if (!signalled.get()) {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting already
          }
        }
        LoggerFactory.getLogger(RunCommand.class).info("stopped");
        stopped.countDown();
      }
      return IcsSyncCli.OK;
    }
  }

  private static String hostText(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }

  static ExportEndpoint.Response text(int status, String body, String contentType) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Content-Type", List.of(contentType));
    h.put("Cache-Control", List.of("no-store"));
    h.put("Content-Length", List.of(Integer.toString(bytes.length)));
    return new ExportEndpoint.Response(status, h, bytes);
  }

  /** Parses {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT5S}). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String t = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (t.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        return FeedsCommand.isoOrUnit(t);
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException("takes a duration like 500ms, 5s, 2m or PT30S, not '"
            + value + "'");
      }
    }
  }
}
