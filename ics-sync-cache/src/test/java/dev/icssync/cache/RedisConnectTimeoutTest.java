package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.IcsSyncException;
import dev.icssync.spi.ExportCache;
import dev.icssync.tck.net.TcpProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connecting and commands have separate timeouts: a Redis that is slow to answer while the link
 * connects (a cold, busy JVM at start-up looks the same from here) gets the connect timeout and is
 * connected, not degraded for a cool-down; a command gets the command timeout; and no call waits
 * for a connect longer than a command may take. Bounds are checked one way only where load could
 * break them: a timeout cannot fire early, and the upper bounds are far above the timeout that must
 * apply and far below the one that must not.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisConnectTimeoutTest {

  /** Accepts TCP connections and never answers a byte (needs no Redis). */
  static final class Blackhole implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    final CountDownLatch connected = new CountDownLatch(1);

    Blackhole() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            accepted.add(server.accept());
            connected.countDown();
          } catch (IOException e) {
            return;
          }
        }
      }, "blackhole");
      t.setDaemon(true);
      t.start();
    }

    String uri() {
      return "redis://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void connectingIsBoundedByTheConnectTimeoutNotTheCommandTimeout() throws Exception {
    Duration connect = Duration.ofSeconds(1);
    try (Blackhole hole = new Blackhole();
        RedisCaches redis = RedisCaches.builder(hole.uri()).connectTimeout(connect)
            .commandTimeout(Duration.ofSeconds(60)).coolDown(Duration.ZERO).build()) {
      long start = System.nanoTime();
      assertThat(redis.isAvailable()).isFalse();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(hole.connected.getCount()).as("the TCP connect succeeded; the handshake hung").isZero();
      assertThat(took).as("gave up at the connect timeout, not the 60 s command timeout")
          .isGreaterThanOrEqualTo(connect.minusMillis(100)).isLessThan(Duration.ofSeconds(30));
      assertThat(redis.exportCache().get("v")).isEmpty();
      assertThat(redis.exportCache().stats().failures()).isPositive();
    }
  }

  @Test
  void noCallWaitsForAConnectLongerThanTheCommandTimeout() throws Exception {
    try (Blackhole hole = new Blackhole();
        RedisCaches redis = RedisCaches.builder(hole.uri()).connectTimeout(Duration.ofSeconds(60))
            .commandTimeout(Duration.ofMillis(200)).build()) {
      ExportCache cache = redis.exportCache();
      long start = System.nanoTime();
      assertThat(cache.get("v")).as("the call that starts the connect: a miss").isEmpty();
      assertThat(cache.get("v", "t", "p")).as("a call while it runs: a miss").isEmpty();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(hole.connected.await(30, TimeUnit.SECONDS)).as("the connect reached the server").isTrue();
      assertThat(took).as("neither call waited for the 60 s connect").isLessThan(Duration.ofSeconds(30));
      assertThat(redis.isAvailable()).as("the connect is still hanging").isFalse();
      assertThat(cache.stats().failures()).isPositive();
    }
  }

  @Test
  @Tag("redis")
  void aRedisSlowToAnswerAtStartIsConnectedNotDegraded() throws Exception {
    RedisSupport.requireRedis();
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379);
        RedisCaches redis = RedisCaches.builder("redis://127.0.0.1:" + proxy.port())
            .keyPrefix(RedisSupport.uniquePrefix()).commandTimeout(Duration.ofMillis(100))
            .connectTimeout(Duration.ofSeconds(30))
            // a connect that failed would keep Redis away for the rest of the test
            .coolDown(Duration.ofMinutes(10)).build()) {
      proxy.stall(); // the handshake is held far longer than a command may take
      assertThat(redis.isAvailable()).as("not yet: the connect goes on").isFalse();
      Thread.sleep(500);
      proxy.resume();
      RedisSupport.awaitAvailable(redis);
    }
  }

  @Test
  @Tag("redis")
  void commandsAreBoundedByTheCommandTimeoutNotTheConnectTimeout() throws Exception {
    RedisSupport.requireRedis();
    String prefix = RedisSupport.uniquePrefix();
    Duration command = Duration.ofMillis(200);
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379);
        RedisCaches redis = RedisCaches.builder("redis://127.0.0.1:" + proxy.port()).keyPrefix(prefix)
            .commandTimeout(command).connectTimeout(Duration.ofSeconds(60)).coolDown(Duration.ZERO).build()) {
      ExportCache cache = redis.exportCache();
      RedisSupport.awaitAvailable(redis);

      proxy.stall(); // connected, then silent
      long start = System.nanoTime();
      assertThat(cache.get("v", "t", "p")).as("a miss when the command times out").isEmpty();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).as("gave up at the command timeout, not the 60 s connect timeout")
          .isGreaterThanOrEqualTo(command.minusMillis(50)).isLessThan(Duration.ofSeconds(30));
      assertThat(cache.stats().failures()).isPositive();
      proxy.resume();
    } finally {
      RedisSupport.deleteAll(prefix);
    }
  }

  @Test
  void timeoutsAreValidatedInBuildWithTheParameterNamed() {
    assertThatThrownBy(() -> RedisCaches.builder("redis://127.0.0.1:1").connectTimeout(Duration.ZERO).build())
        .isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> RedisCaches.builder("redis://127.0.0.1:1").connectTimeout(Duration.ofMillis(-1))
        .build()).isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> RedisCaches.builder("redis://127.0.0.1:1").commandTimeout(Duration.ZERO).build())
        .isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> RedisCaches.builder("redis://127.0.0.1:1").connectTimeout(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("connectTimeout");
  }
}
