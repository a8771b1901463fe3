package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} under clients that connect and say nothing, dribble a request head byte by byte, or
 * never read their answer: valid requests from other clients are still answered, and the server
 * closes what is idle or too slow. Completion is asserted with generous deadlines (10 s per request),
 * never with a tight time bound.
 */
class ExportHttpServerSlowClientsTest {
  static final int HELD = 64;

  private final Store store = Store.inMemory();
  private final IcsSync sync = IcsSync.builder()
      .store(store)
      .fetcher(r -> FetchResult.Failed.of(FailureReason.NETWORK, "offline"))
      .build();
  private final ExportEndpoint endpoint = ExportEndpoint.builder(sync).build();
  private final String token;
  private final List<Socket> held = new ArrayList<>();
  private final List<Thread> dribblers = new ArrayList<>();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  ExportHttpServerSlowClientsTest() {
    store.saveFeed(Feed.builder("t1", "airbnb-1").property("villa-7").source("airbnb").url("https://example.com/a.ics").build());
    token = sync.exportTokens().create("t1", "villa-7", null).token();
  }

  @AfterEach
  void closeClients() throws Exception {
    dribblers.forEach(Thread::interrupt);
    for (Thread t : dribblers) {
      t.join(10_000);
    }
    for (Socket s : held) {
      s.close();
    }
  }

  private Socket connect(ExportHttpServer server) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 10_000);
    held.add(s);
    return s;
  }

  /** Sends one byte of a request head every {@code every}, until closed or interrupted. */
  private Socket dribble(ExportHttpServer server, Duration every) throws IOException {
    Socket s = connect(server);
    OutputStream out = s.getOutputStream();
    byte[] head = ("GET /export/" + token + ".ics HTTP/1.1\r\nHost: a\r\nX-Slow: " + "a".repeat(100_000))
        .getBytes(StandardCharsets.US_ASCII);
    Thread t = new Thread(() -> {
      try {
        for (byte b : head) {
          out.write(b);
          out.flush();
          Thread.sleep(every.toMillis());
        }
      } catch (IOException | InterruptedException e) {
        // closed by the server or by the test: done
      }
    }, "dribbler");
    t.setDaemon(true);
    t.start();
    dribblers.add(t);
    return s;
  }

  private HttpResponse<byte[]> get(URI uri) throws Exception {
    CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    return f.get(10, TimeUnit.SECONDS);
  }

  /** True when the server closed {@code s}: end of stream or a reset, waiting at most 10 s. */
  private static boolean closedByServer(Socket s) throws IOException {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  /** True when {@code s} is still open: a read waits instead of seeing the end of stream. */
  private static boolean stillOpen(Socket s) throws IOException {
    s.setSoTimeout(5);
    try {
      return s.getInputStream().read() >= 0;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (SocketException e) {
      return false;
    }
  }

  @Test
  void exportsAreServedWhileManyIdleAndDribblingClientsHoldConnections() throws Exception {
    // timeouts far beyond the test's length: the clients stay connected while the GETs are answered
    try (ExportHttpServer server = ExportHttpServer.builder(endpoint).contextPath("/export")
        .readTimeout(Duration.ofMinutes(2)).idleTimeout(Duration.ofMinutes(2)).start()) {
      List<Socket> idle = new ArrayList<>();
      for (int i = 0; i < HELD; i++) {
        Socket s = connect(server);
        s.getOutputStream().write('G'); // the start of a request line, then nothing
        s.getOutputStream().flush();
        idle.add(s);
        idle.add(connect(server)); // and one that sends nothing at all
        dribble(server, Duration.ofMillis(200));
      }
      URI uri = server.baseUri().resolve(token + ".ics");
      for (int i = 0; i < 20; i++) {
        HttpResponse<byte[]> r = get(uri);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).startsWith("BEGIN:VCALENDAR");
      }
      // they were held open the whole time: the answers did not wait for them to be dropped
      for (Socket s : idle) {
        assertThat(stillOpen(s)).isTrue();
      }
    }
  }

  @Test
  void idleConnectionsAreClosedAfterTheIdleTimeoutAndNotBefore() throws Exception {
    Duration idleTimeout = Duration.ofMillis(700);
    try (ExportHttpServer server = ExportHttpServer.builder(endpoint).idleTimeout(idleTimeout).start()) {
      List<Socket> idle = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < HELD; i++) {
        idle.add(connect(server));
      }
      for (Socket s : idle) {
        assertThat(closedByServer(s)).isTrue();
      }
      // timers only fire late, never early: a lower bound holds on a busy machine
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(idleTimeout.minusMillis(50));

      // a keep-alive connection that answered a request is closed once it has been idle as long
      Socket kept = connect(server);
      kept.getOutputStream().write(("GET /" + token + ".ics HTTP/1.1\r\nHost: a\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      kept.getOutputStream().flush();
      kept.setSoTimeout(10_000);
      String answer = new String(kept.getInputStream().readNBytes(15), StandardCharsets.US_ASCII);
      assertThat(answer).isEqualTo("HTTP/1.1 200 OK");
      assertThat(closedByServer(kept)).isTrue();
      assertThat(get(server.baseUri().resolve(token + ".ics")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aRequestThatTricklesInIsCutOffAtTheReadTimeoutThoughNeverSilent() throws Exception {
    // the idle timeout alone would never fire: a byte comes every 50 ms
    try (ExportHttpServer server = ExportHttpServer.builder(endpoint)
        .readTimeout(Duration.ofMillis(500)).idleTimeout(Duration.ofMinutes(2)).start()) {
      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < HELD; i++) {
        slow.add(dribble(server, Duration.ofMillis(50)));
      }
      assertThat(get(server.baseUri().resolve(token + ".ics")).statusCode()).isEqualTo(200);
      for (Socket s : slow) {
        assertThat(closedByServer(s)).isTrue();
      }
      // a request that arrives whole, however late after the connection opened, is answered
      Socket late = connect(server);
      Thread.sleep(700);
      late.getOutputStream().write(("GET /" + token + ".ics HTTP/1.1\r\nHost: a\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      late.setSoTimeout(10_000);
      assertThat(new String(late.getInputStream().readNBytes(15), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200 OK");
    }
  }

  @Test
  void aClientThatNeverReadsItsAnswerBlocksNobodyAndIsClosedAfterTheIdleTimeout() throws Exception {
    byte[] big = new byte[32 * 1024 * 1024];
    try (ExportHttpServer server = ExportHttpServer.builder(endpoint).workerThreads(1)
        .idleTimeout(Duration.ofMillis(700))
        .route("/big", r -> new ExportEndpoint.Response(200, java.util.Map.of(), big))
        .start()) {
      List<Socket> stuck = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 10_000);
        held.add(s);
        s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        stuck.add(s);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(get(server.baseUri().resolve(token + ".ics")).statusCode()).isEqualTo(200);
      }
      // the server gives up writing once nothing moved for the idle timeout (reading before that would
      // let the writes go on): wait until it has closed every connection, these and the client's idle one
      for (int i = 0; i < 2000 && server.openConnections() > 0; i++) {
        Thread.sleep(10);
      }
      assertThat(server.openConnections()).isZero();
      for (Socket s : stuck) {
        s.setSoTimeout(10_000);
        long received = 0;
        try (InputStream in = s.getInputStream()) {
          byte[] buf = new byte[64 * 1024];
          for (int n; (n = in.read(buf)) >= 0; ) {
            received += n;
          }
        } catch (SocketException reset) {
          // closed by the server with data unsent
        }
        assertThat(received).isLessThan(big.length);
      }
    }
  }

  @Test
  void atTheConnectionCapTheLongestWaitingConnectionMakesRoom() throws Exception {
    try (ExportHttpServer server = ExportHttpServer.builder(endpoint).maxConnections(8)
        .readTimeout(Duration.ofMinutes(2)).idleTimeout(Duration.ofMinutes(2)).start()) {
      List<Socket> idle = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        idle.add(connect(server));
      }
      // the server has taken all eight (accepting is asynchronous): it is at its cap
      for (int i = 0; i < 1000 && server.openConnections() < 8; i++) {
        Thread.sleep(10);
      }
      assertThat(server.openConnections()).isEqualTo(8);
      for (int i = 0; i < 5; i++) {
        assertThat(get(server.baseUri().resolve(token + ".ics")).statusCode()).isEqualTo(200);
      }
      // one of the waiting connections made room (which one depends on the order the I/O threads took
      // them in); the count stays at the cap
      long closed = 0;
      for (int i = 0; i < 500 && closed == 0; i++) {
        closed = 0;
        for (Socket s : idle) {
          closed += stillOpen(s) ? 0 : 1;
        }
      }
      assertThat(closed).isBetween(1L, 5L);
      assertThat(server.openConnections()).isLessThanOrEqualTo(8);
    }
  }

  @Test
  void handlersRunOnBoundedWorkersAndAFullQueueIsAnswered503AtOnce() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (ExportHttpServer server = ExportHttpServer.builder(endpoint).workerThreads(1).maxQueuedRequests(1)
        .route("/slow", r -> {
          threads.add(Thread.currentThread().getName());
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new ExportEndpoint.Response(200, java.util.Map.of(), "done\n".getBytes(StandardCharsets.UTF_8));
        })
        .start()) {
      URI root = URI.create("http://127.0.0.1:" + server.port());
      CompletableFuture<HttpResponse<byte[]>> first = client.sendAsync(
          HttpRequest.newBuilder(root.resolve("/slow")).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<HttpResponse<byte[]>> queued = client.sendAsync(
          HttpRequest.newBuilder(server.baseUri().resolve(token + ".ics")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      // the one worker is blocked and the queue holds at most one: once it does, the next is refused
      for (int i = 0; i < 1000 && server.queuedRequests() < 1; i++) {
        Thread.sleep(10);
      }
      assertThat(server.queuedRequests()).isEqualTo(1);
      HttpResponse<byte[]> refused = get(server.baseUri().resolve(token + ".ics"));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(queued.isDone()).isFalse();
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(queued.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(threads).allMatch(n -> n.startsWith("ics-sync-export-"));
    }
  }

  @Test
  void anOversizedRequestHeadClosesItsConnectionOnly() throws Exception {
    try (ExportHttpServer server = ExportHttpServer.builder(endpoint).start()) {
      Socket huge = connect(server);
      huge.getOutputStream().write(("GET /" + token + ".ics HTTP/1.1\r\nHost: a\r\nX-Big: "
          + "a".repeat(ExportHttpServer.MAX_LINE_LENGTH + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      huge.getOutputStream().flush();
      assertThat(closedByServer(huge)).isTrue();
      Socket many = connect(server);
      StringBuilder head = new StringBuilder("GET /" + token + ".ics HTTP/1.1\r\nHost: a\r\n");
      for (int i = 0; i <= ExportHttpServer.MAX_HEADER_COUNT; i++) {
        head.append("X-H").append(i).append(": v\r\n");
      }
      many.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      many.getOutputStream().flush();
      assertThat(closedByServer(many)).isTrue();
      assertThat(get(server.baseUri().resolve(token + ".ics")).statusCode()).isEqualTo(200);
    }
  }
}
