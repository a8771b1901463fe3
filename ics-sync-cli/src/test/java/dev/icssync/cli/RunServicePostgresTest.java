package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.icssync.tck.db.PostgresServer;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import dev.icssync.tck.net.TcpProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code ics-sync run} end to end, through the command in separate JVMs: two workers on one
 * PostgreSQL database (one configured by environment variables, through a TCP proxy that can cut its
 * database; one by flags), a loopback server playing the channels. Every wait is a promise with a
 * generous deadline, never a timing: the machine may be busy.
 */
@Tag("slow")
@Tag("postgres")
class RunServicePostgresTest {
  private static final Duration INTERVAL = Duration.ofSeconds(15);
  private static final Pattern SERVING = Pattern.compile("worker (\\S+) serving http://127\\.0\\.0\\.1:(\\d+)/");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestDatabase pg = TestDatabases.postgres("cli_run");
  private final String user = "user=" + pg.user() + (pg.password().isEmpty() ? "" : "&password=" + pg.password());
  private final String db = pg.jdbcUrl() + "&" + user;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Process> processes = new ArrayList<>();
  private final Channels channels = new Channels();
  private Path logs;

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    channels.close();
    pg.close();
  }

  @Test
  void twoWorkersShareTheFeedsTakeOverAKilledOneReportHealthAndStopOnSigterm() throws Exception {
    logs = Files.createDirectories(Path.of("target", "run-logs"));
    logs = Files.createTempDirectory(logs, "run");
    PostgresServer server = TestDatabases.postgresServer();
    try (TcpProxy proxy = new TcpProxy(server.host(), server.port())) {
      String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + pg.name()
          + "?connectTimeout=2&socketTimeout=30&" + user;
      // migrate first, so the two workers do not race to create the schema
      assertThat(Cli.run("feeds", "list", "--db", db).status()).isZero();

      // A: every setting from the environment, JSON logs, database behind the proxy
      Map<String, String> env = new LinkedHashMap<>();
      env.put("ICSSYNC_DB", viaProxy);
      env.put("ICSSYNC_PORT", "0");
      env.put("ICSSYNC_BIND", "127.0.0.1");
      env.put("ICSSYNC_THREADS", "2");
      env.put("ICSSYNC_ALLOW_HOST", "localhost,127.0.0.1");
      env.put("ICSSYNC_HEARTBEAT", "1s");
      env.put("ICSSYNC_POLL_INTERVAL", "500ms");
      env.put("ICSSYNC_DISCOVER_INTERVAL", "1s");
      env.put("ICSSYNC_STATS_REFRESH", "1s");
      env.put("ICSSYNC_SHUTDOWN_WAIT", "10s");
      env.put("ICSSYNC_LOG_FORMAT", "json");
      Worker a = start("a", env);
      // B: the same by flags, text logs, database direct
      Worker b = start("b", Map.of(), "--db", db, "--port", "0", "--bind", "127.0.0.1", "--threads", "2",
          "--allow-host", "127.0.0.1", "--heartbeat", "1s", "--poll-interval", "500ms", "--discover-interval", "1s",
          "--stats-refresh", "1s", "--shutdown-wait", "10s");
      a.awaitServing();
      b.awaitServing();
      await(Duration.ofSeconds(90), "both workers ready", () -> status(a, RunCommand.READY) == 200
          && status(b, RunCommand.READY) == 200);
      assertThat(status(a, RunCommand.LIVE)).isEqualTo(200);

      // feeds added while the workers run, from another process: each synced within its interval
      Instant added = Instant.now();
      List<String[]> feeds = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String tenant = i % 2 == 0 ? "acme" : "globex";
        String source = List.of("airbnb", "booking", "vrbo").get(i % 3);
        String path = (i < 3 ? "/slow/" : "/feeds/") + i + ".ics";
        channels.serve(path, i < 3 ? 2_500 : 200);
        Cli r = Cli.run("feeds", "add", "--db", db, "--tenant", tenant, "--property", "villa-" + (i % 4),
            "--source", source, "--url", channels.url(path), "--interval", INTERVAL.toSeconds() + "s");
        assertThat(r.status()).as(r.err()).isZero();
        feeds.add(new String[] {tenant, r.out().trim(), path});
      }
      // discovery (1 s) + the first run, spread over the interval + slack for a busy machine
      await(INTERVAL.plusSeconds(75), "every added feed synced", () -> feeds.stream().allMatch(
          f -> runsAfter(f[0], f[1], added) > 0));
      for (String[] f : feeds) {
        assertThat(channels.fetches(f[2])).as(f[2]).isNotEmpty();
      }

      // the sync counters move
      double before = runsCounter(a) + runsCounter(b);
      await(Duration.ofSeconds(90), "icssync_sync_runs_total grows", () -> runsCounter(a) + runsCounter(b) > before);
      // every metric the alert rules use is one the processes really expose
      String scrape = get(a, RunCommand.METRICS).body() + get(b, RunCommand.METRICS).body();
      Set<String> exposed = new TreeSet<>();
      for (String line : scrape.split("\n")) {
        Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(line);
        if (!line.startsWith("#") && m.find()) {
          exposed.add(m.group(1));
        }
      }
      Set<String> used = AlertRulesTest.metricNames(AlertRulesTest.rules());
      assertThat(used).isNotEmpty();
      assertThat(exposed).as("metrics in %s", AlertRulesTest.RULES).containsAll(used);
      assertThat(exposed).contains("icssync_stats_syncs", "icssync_stats_sync_duration_seconds");

      // a removed feed stops
      String[] removed = feeds.remove(feeds.size() - 1);
      assertThat(Cli.run("feeds", "remove", "--db", db, "--tenant", removed[0], "--feed", removed[1]).status())
          .isZero();
      Instant removedAt = Instant.now();

      // SIGKILL B while it holds a sync; A finishes every feed, that one included
      String held = awaitPicked(b.name);
      Instant killed = Instant.now();
      signal(b.process, "KILL");
      assertThat(b.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      await(Duration.ofSeconds(120), "A syncs every feed after the kill", () -> feeds.stream().allMatch(
          f -> runsAfter(f[0], f[1], killed) > 0));
      String[] heldFeed = feeds.stream().filter(f -> held.equals(f[0] + "/" + f[1])).findFirst().orElseThrow(
          () -> new AssertionError("B held " + held + ", not a feed of this test"));
      assertThat(runsAfter(heldFeed[0], heldFeed[1], killed)).isPositive();
      System.out.printf("run: the feed B held when killed was synced by A %.1f s after the SIGKILL%n",
          firstRunAfter(heldFeed[0], heldFeed[1], killed) / 1000.0);
      assertThat(pickedBy(b.name)).as("executions still picked by the dead worker").isZero();

      // never two fetches of one feed at once, on either worker
      assertThat(channels.maxInFlight()).isEqualTo(1);
      // the removed feed was not fetched again (a fetch already running at the removal may end)
      assertThat(channels.fetches(removed[2])).noneMatch(t -> t.isAfter(removedAt.plusSeconds(3)));

      // readiness follows the database: 503 while it is cut off, 200 again when it is back
      proxy.cut();
      Instant cut = Instant.now();
      await(Duration.ofSeconds(60), "A not ready without its database", () -> status(a, RunCommand.READY) == 503);
      System.out.printf("run: /health/ready answered 503 %.1f s after the database was cut%n",
          Duration.between(cut, Instant.now()).toMillis() / 1000.0);
      assertThat(get(a, RunCommand.READY).body()).contains("\"database\":\"down\"");
      assertThat(status(a, RunCommand.LIVE)).isEqualTo(200);
      proxy.restore();
      await(Duration.ofSeconds(90), "A ready again", () -> status(a, RunCommand.READY) == 200);

      // SIGTERM while A holds a sync: A stops taking work, finishes that sync, exits 0
      // a sync may end between the read of its pick and the signal: it counts as finished from the moment
      // it was seen picked, which is what the promise needs (no sync abandoned, none left picked)
      Instant picking = Instant.now();
      String running = awaitPicked(a.name);
      signal(a.process, "TERM");
      Instant term = Instant.now();
      assertThat(a.process.waitFor(120, TimeUnit.SECONDS)).as("A exits after SIGTERM").isTrue();
      System.out.printf("run: SIGTERM to exit %.1f s%n", Duration.between(term, Instant.now()).toMillis() / 1000.0);
      assertThat(a.process.exitValue()).as(a.err()).isZero();
      assertThat(a.err()).contains("\"msg\":\"stopped\"");
      String[] runningFeed = feeds.stream().filter(f -> running.equals(f[0] + "/" + f[1])).findFirst().orElseThrow();
      // a 304 or an unchanged body leaves no run row of its own: the scheduler's record of the execution
      // says it completed after it was seen picked
      assertThat(runsAfter(runningFeed[0], runningFeed[1], picking) + executionsCompletedAfter(running, picking))
          .as("the sync running at SIGTERM finished").isPositive();
      assertThat(pickedBy(a.name)).as("executions left picked by the stopped worker").isZero();

      // stats --json counts exactly the runs the store holds
      Cli stats = Cli.run("stats", "--json", "--db", db);
      assertThat(stats.status()).as(stats.err()).isZero();
      JsonNode tenants = stats.json().get("tenants");
      long syncs = 0;
      long applied = 0;
      List<String> names = new ArrayList<>();
      for (JsonNode t : tenants) {
        names.add(t.get("tenant").asText());
        syncs += t.get("lastHour").get("syncs").asLong();
        applied += t.get("lastDay").get("outcomes").get("applied").asLong();
        assertThat(t.get("lastHour").get("p95Ms").asDouble()).isPositive();
        assertThat(t.get("lastHour").get("bytesFetched").asLong()).isPositive();
        assertThat(t.get("sources")).isNotEmpty();
      }
      assertThat(names).containsExactly("acme", "globex");
      // a row is one run, or a tally of a batch's 304s and unchanged bodies (syncs = how many)
      assertThat(syncs).isEqualTo(count("SELECT coalesce(sum(syncs), 0) FROM icssync_sync_run"));
      assertThat(applied).isGreaterThanOrEqualTo(8);

      // logs: one JSON line per sync with tenant, property, feed id, outcome, timings; never a feed URL
      List<JsonNode> syncLines = new ArrayList<>();
      for (String line : a.err().split("\n")) {
        if (line.isBlank() || line.startsWith("OpenJDK") || line.startsWith("WARNING")) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        if (SyncLog.LOGGER.equals(n.path("logger").asText())) {
          syncLines.add(n);
        }
      }
      assertThat(syncLines).isNotEmpty().allSatisfy(n -> {
        assertThat(n.get("level").asText()).isEqualTo("INFO");
        assertThat(n.has("tenant") && n.has("property") && n.has("feed") && n.has("outcome")
            && n.has("total_ms")).as(n.toString()).isTrue();
        assertThat(n.get("total_ms").isIntegralNumber()).as(n.toString()).isTrue();
      });
      assertThat(b.err()).containsPattern("INFO " + SyncLog.LOGGER.replace(".", "\\.")
          + " - tenant=\\S+ property=\\S+ feed=\\S+ source=\\S+ outcome=[a-z_]+ total_ms=\\d+ ");
      String channelAddress = "127.0.0.1:" + channels.port();
      assertThat(a.err()).doesNotContain(channelAddress);
      assertThat(b.err()).doesNotContain(channelAddress);
    }
  }

  // --------------------------------------------------------------------------------------- helpers

  private final class Worker {
    final String label;
    final Process process;
    String name = "";
    int port;

    Worker(String label, Process process) {
      this.label = label;
      this.process = process;
    }

    void awaitServing() {
      await(Duration.ofSeconds(120), label + " prints where it serves", () -> {
        Matcher m = SERVING.matcher(read(logs.resolve(label + ".out")));
        if (m.find()) {
          name = m.group(1);
          port = Integer.parseInt(m.group(2));
          return true;
        }
        assertThat(process.isAlive()).as("%s died: %s", label, err()).isTrue();
        return false;
      });
    }

    String err() {
      return read(logs.resolve(label + ".err"));
    }
  }

  private Worker start(String label, Map<String, String> env, String... flags) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, IcsSyncCli.class.getName(),
        "run"));
    command.addAll(List.of(flags));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(logs.resolve(label + ".out").toFile())
        .redirectError(logs.resolve(label + ".err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ICSSYNC_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return new Worker(label, p);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private HttpResponse<String> get(Worker w, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.port + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int status(Worker w, String path) {
    try {
      return get(w, path).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The sum of every {@code icssync_sync_runs_total} series of one worker. */
  private double runsCounter(Worker w) {
    try {
      double sum = 0;
      for (String line : get(w, RunCommand.METRICS).body().split("\n")) {
        if (line.startsWith("icssync_sync_runs_total{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private long runsAfter(String tenant, String feedId, Instant after) {
    // a sync that applied changes leaves a run row of the feed; a 304 or an unchanged body only its
    // state's last success (their runs are tallied per batch, not per feed)
    return ofFeedAfter("SELECT (SELECT count(*) FROM icssync_sync_run"
        + " WHERE tenant = ? AND feed_id = ? AND finished_at > ? AND outcome IN ('APPLIED', 'UNCHANGED', 'NOT_MODIFIED'))"
        + " + (SELECT count(*) FROM icssync_feed_state WHERE tenant = ? AND feed_id = ? AND last_success > ?)",
        tenant, feedId, after, rs -> rs.getLong(1));
  }

  /** Milliseconds from {@code after} to the first successful run of the feed that finished after it. */
  private long firstRunAfter(String tenant, String feedId, Instant after) {
    // the first run row after, else the state's last success (a 304 or an unchanged body)
    return ofFeedAfter("SELECT coalesce((SELECT min(finished_at) FROM icssync_sync_run"
        + " WHERE tenant = ? AND feed_id = ? AND finished_at > ?),"
        + " (SELECT last_success FROM icssync_feed_state WHERE tenant = ? AND feed_id = ? AND last_success > ?))",
        tenant, feedId, after,
        rs -> Duration.between(after, rs.getObject(1, OffsetDateTime.class).toInstant()).toMillis());
  }

  interface Column<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** One value of a query over the run rows and the state of a feed, both bound to (tenant, feed, after). */
  private <T> T ofFeedAfter(String sql, String tenant, String feedId, Instant after, Column<T> column) {
    try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < 2; i++) {
        ps.setString(3 * i + 1, tenant);
        ps.setString(3 * i + 2, feedId);
        ps.setObject(3 * i + 3, OffsetDateTime.ofInstant(after, ZoneOffset.UTC));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return column.read(rs);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long pickedBy(String worker) {
    try (Connection c = pg.connect();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM icssync_scheduled_tasks WHERE picked AND picked_by = ?")) {
      ps.setString(1, worker);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** Executions of the feed's task (decoded task instance) that db-scheduler recorded as completed after {@code after}. */
  private long executionsCompletedAfter(String taskInstance, Instant after) {
    try (Connection c = pg.connect();
        PreparedStatement ps = c.prepareStatement("SELECT task_instance FROM icssync_scheduled_tasks WHERE last_success > ? OR last_failure > ?")) {
      ps.setObject(1, OffsetDateTime.ofInstant(after, ZoneOffset.UTC));
      ps.setObject(2, OffsetDateTime.ofInstant(after, ZoneOffset.UTC));
      long n = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (taskInstance.equals(java.net.URLDecoder.decode(rs.getString(1), StandardCharsets.UTF_8))) {
            n++;
          }
        }
      }
      return n;
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until {@code worker} holds a running sync of a slow feed; returns its task instance. */
  private String awaitPicked(String worker) {
    String[] held = new String[1];
    await(Duration.ofSeconds(120), worker + " holds a sync", () -> {
      try (Connection c = pg.connect();
          PreparedStatement ps = c.prepareStatement("SELECT task_instance FROM icssync_scheduled_tasks"
              + " WHERE picked AND picked_by = ?")) {
        ps.setString(1, worker);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            held[0] = java.net.URLDecoder.decode(rs.getString(1), StandardCharsets.UTF_8);
            return true;
          }
        }
        return false;
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
    });
    return held[0];
  }

  private static void signal(Process p, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private static void await(Duration deadline, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + deadline + ": " + what);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Channels on loopback: one small calendar per path, each answer held a while; records fetches. */
  private static final class Channels implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Integer> delays = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, List<Instant>> fetches = new ConcurrentHashMap<>();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    Channels() {
      try {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "channels");
        t.setDaemon(true);
        return t;
      }));
      server.createContext("/", ex -> {
        try (ex) {
          String path = ex.getRequestURI().getPath();
          Integer delay = delays.get(path);
          if (delay == null) {
            ex.sendResponseHeaders(404, -1);
            return;
          }
          fetches.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(Instant.now());
          AtomicInteger n = inFlight.computeIfAbsent(path, p -> new AtomicInteger());
          maxInFlight.accumulateAndGet(n.incrementAndGet(), Math::max);
          try {
            Thread.sleep(delay);
            byte[] body = calendar(path).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/calendar");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            n.decrementAndGet();
          }
        }
      });
      server.start();
    }

    private static String calendar(String path) {
      String day = "2030" + String.format("%02d", 1 + Math.abs(path.hashCode()) % 12) + "10";
      return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//channels//EN\r\n"
          + "BEGIN:VEVENT\r\nUID:" + path.replaceAll("[^a-z0-9]", "") + "@channels\r\nDTSTAMP:20260101T000000Z\r\n"
          + "DTSTART;VALUE=DATE:" + day + "\r\nDTEND;VALUE=DATE:" + day.substring(0, 6) + "13\r\n"
          + "SUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    }

    void serve(String path, int delayMillis) {
      delays.put(path, delayMillis);
    }

    String url(String path) {
      return "http://127.0.0.1:" + port() + path;
    }

    int port() {
      return server.getAddress().getPort();
    }

    List<Instant> fetches(String path) {
      return fetches.getOrDefault(path, List.of());
    }

    int maxInFlight() {
      return maxInFlight.get();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
