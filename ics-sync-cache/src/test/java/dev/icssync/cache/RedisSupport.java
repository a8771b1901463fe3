package dev.icssync.cache;

import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** The shared test Redis: skip when absent, fail when absent on CI; unique prefixes; cleanup. */
final class RedisSupport {
  static final String URI = "redis://127.0.0.1:6379";

  private RedisSupport() {}

  static void requireRedis() {
    boolean up;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
      up = true;
    } catch (IOException e) {
      up = false;
    }
    if (!up) {
      String msg = "Redis is not reachable at 127.0.0.1:6379";
      if (Boolean.getBoolean("icssync.ci")) {
        fail(msg + " (icssync.ci=true: Redis tests must run)");
      }
      Assumptions.abort(msg + ": skipping Redis test; start one with `redis-server --port 6379` to run"
          + " these tests (with ICSSYNC_CI=true or -Pci a missing Redis fails the build instead)");
    }
  }

  static String uniquePrefix() {
    return "icssync:test:" + UUID.randomUUID().toString().substring(0, 13) + ":";
  }

  /** An instance under {@code prefix} (with {@code more} of its builder), connected before it is returned. */
  static RedisCaches connected(String prefix, java.util.function.UnaryOperator<RedisCaches.Builder> more) {
    RedisCaches redis = more.apply(RedisCaches.builder(URI).keyPrefix(prefix)).build();
    awaitAvailable(redis);
    return redis;
  }

  /** Closes the instances and deletes every key under their prefix. */
  static void closeAll(String prefix, RedisCaches... instances) {
    for (RedisCaches r : instances) {
      r.close();
    }
    deleteAll(prefix);
  }

  /** Deletes every key under the prefix. */
  static void deleteAll(String prefix) {
    RedisClient client = RedisClient.create(URI);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*")
            .limit(500));
        if (!page.getKeys().isEmpty()) {
          c.sync().del(page.getKeys().toArray(String[]::new));
        }
        cursor = page;
      } while (!cursor.isFinished());
    } finally {
      client.shutdown();
    }
  }

  /**
   * Polls until {@code redis} has connected: a connect goes on in the background, and on a cold,
   * loaded machine it can take seconds. Tests that check what Redis shares wait for it first, so a
   * slow start is not mistaken for a sharing bug.
   */
  static void awaitAvailable(RedisCaches redis) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    try {
      while (!redis.isAvailable() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!redis.isAvailable()) {
      fail("Redis not connected within 60 s");
    }
  }

  /** A loopback port nothing listens on. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
