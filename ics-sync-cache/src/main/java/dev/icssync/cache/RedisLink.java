package dev.icssync.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lazily connected Redis connection with short timeouts and a breaker: after a failure, Redis is
 * not tried again for {@code coolDown}, so a dead or slow Redis costs one timeout per cool-down, not
 * one per request. Failures are counted and logged at most once per cool-down, never thrown.
 *
 * <p>Connecting and commands have separate timeouts. A connect (TCP, then the HELLO handshake and
 * the invalidation subscription) runs on its own thread, bounded by {@code connectTimeout}: on a
 * cold, busy JVM the first one can take seconds, and failing it at the command timeout would
 * degrade the caches for a whole cool-down. The caller that starts a connect waits for it at most
 * the command timeout, callers meanwhile do not wait, and all of them take the degraded path until
 * it is done: no caller waits for Redis longer than a command may take, so the connect timeout can
 * be generous.
 */
final class RedisLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);

  private final ClientResources resources;
  private final RedisClient client;
  private final String prefix;
  private final Duration commandTimeout;
  private final Duration coolDown;
  private final Clock clock;
  private @Nullable CompletableFuture<@Nullable StatefulRedisConnection<byte[], byte[]>> attempt;
  private final AtomicLong failures = new AtomicLong();
  private final CopyOnWriteArrayList<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Runnable> onConnect = new CopyOnWriteArrayList<>();
  private volatile @Nullable StatefulRedisConnection<byte[], byte[]> connection;
  private volatile @Nullable StatefulRedisPubSubConnection<byte[], byte[]> pubSub;
  private volatile Instant downUntil = Instant.MIN;
  private volatile boolean closed;

  RedisLink(String uri, String prefix, Duration commandTimeout, Duration connectTimeout,
      Duration coolDown, Clock clock) {
    RedisURI redisUri = RedisURI.create(uri);
    // Lettuce bounds the connection handshake by the URI's timeout; commands get theirs below
    redisUri.setTimeout(connectTimeout);
    // reconnect attempts back off to 1 s at most (Lettuce's default cap is 30 s): recovery is quick
    this.resources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
            TimeUnit.MILLISECONDS))
        .build();
    this.client = RedisClient.create(resources, redisUri);
    client.setOptions(ClientOptions.builder()
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .autoReconnect(false) // reconnection is ours: after the cool-down, on next use
        .build());
    this.prefix = prefix;
    this.commandTimeout = commandTimeout;
    this.coolDown = coolDown;
    this.clock = clock;
  }

  String prefix() {
    return prefix;
  }

  byte[] key(String suffix) {
    return (prefix + suffix).getBytes(StandardCharsets.UTF_8);
  }

  long failures() {
    return failures.get();
  }

  /** Listens to invalidation messages (subscribed on first connect). */
  void subscribe(Consumer<String> listener) {
    subscribers.add(listener);
  }

  /** Runs after every (re)connect this link makes. */
  void onConnect(Runnable r) {
    onConnect.add(r);
  }

  /** Whether Redis is connected; may start a connect and wait for it up to the command timeout. */
  boolean isAvailable() {
    return connection() != null;
  }

  /**
   * The connection, or null while Redis is down (cool-down running, connect failed) or while a
   * connect is under way: the caller that starts a connect waits for it up to the command timeout,
   * the others do not wait at all; the connect itself goes on in the background.
   */
  @Nullable StatefulRedisConnection<byte[], byte[]> connection() {
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (closed || clock.instant().isBefore(downUntil)) {
      return null;
    }
    if (c != null && c.isOpen()) {
      return c;
    }
    CompletableFuture<@Nullable StatefulRedisConnection<byte[], byte[]>> started = startConnect();
    if (started == null) {
      c = connection;
      return c != null && c.isOpen() ? c : null;
    }
    try {
      return started.get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Starts a connect on its own thread, or returns null when one is under way (or not due). */
  private synchronized @Nullable CompletableFuture<@Nullable StatefulRedisConnection<byte[], byte[]>>
      startConnect() {
    CompletableFuture<@Nullable StatefulRedisConnection<byte[], byte[]>> running = attempt;
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if ((running != null && !running.isDone()) || (c != null && c.isOpen()) || closed
        || clock.instant().isBefore(downUntil)) {
      return null;
    }
    CompletableFuture<@Nullable StatefulRedisConnection<byte[], byte[]>> next = new CompletableFuture<>();
    attempt = next;
    Thread t = new Thread(() -> {
      try {
        next.complete(connectNow());
      } finally {
        next.complete(null); // whatever escaped, the next caller may try again
      }
    }, "icssync-redis-connect");
    t.setDaemon(true);
    t.start();
    return next;
  }

  private @Nullable StatefulRedisConnection<byte[], byte[]> connectNow() {
    StatefulRedisConnection<byte[], byte[]> dead = connection;
    if (dead != null && !dead.isOpen()) {
      connection = null;
      closeQuietly(dead);
      StatefulRedisPubSubConnection<byte[], byte[]> ps = pubSub;
      pubSub = null;
      if (ps != null) {
        closeQuietly(ps);
      }
    }
    try {
      StatefulRedisConnection<byte[], byte[]> conn = client.connect(ByteArrayCodec.INSTANCE);
      conn.setTimeout(commandTimeout); // it starts with the URI's, the connect timeout
      if (closed) {
        closeQuietly(conn);
        return null;
      }
      connection = conn;
      subscribePubSub();
      onConnect.forEach(Runnable::run);
      return conn;
    } catch (RuntimeException e) {
      if (!closed) {
        failed("connect", e);
      }
      return null;
    }
  }

  private void subscribePubSub() {
    try {
      StatefulRedisPubSubConnection<byte[], byte[]> ps = client.connectPubSub(ByteArrayCodec.INSTANCE);
      ps.setTimeout(commandTimeout);
      ps.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(byte[] channel, byte[] message) {
          String m = new String(message, StandardCharsets.UTF_8);
          for (Consumer<String> s : subscribers) {
            s.accept(m);
          }
        }
      });
      ps.sync().subscribe(key("inv"));
      pubSub = ps;
    } catch (RuntimeException e) {
      // the shared store still works without it; only the cross-instance render guard is lost
      if (!closed) {
        failed("subscribe", e);
      }
    }
  }

  void publish(String message) {
    call(cmd -> cmd.publish(key("inv"), message.getBytes(StandardCharsets.UTF_8)), -1L);
  }

  /** Runs one command; on any failure counts it, opens the breaker and returns {@code fallback}. */
  <T> @Nullable T call(Function<RedisCommands<byte[], byte[]>, T> op, @Nullable T fallback) {
    StatefulRedisConnection<byte[], byte[]> c = connection();
    if (c == null) {
      failures.incrementAndGet();
      return fallback;
    }
    try {
      return op.apply(c.sync());
    } catch (RuntimeException e) {
      failed("command", e);
      return fallback;
    }
  }

  /** Like {@link #call} but for the bare connection (Bucket4j). */
  <T> Optional<T> withConnection(Function<StatefulRedisConnection<byte[], byte[]>, T> op) {
    StatefulRedisConnection<byte[], byte[]> c = connection();
    if (c == null) {
      failures.incrementAndGet();
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(op.apply(c));
    } catch (RuntimeException e) {
      failed("command", e);
      return Optional.empty();
    }
  }

  void failed(String what, Throwable e) {
    failures.incrementAndGet();
    boolean wasUp = !clock.instant().isBefore(downUntil);
    downUntil = clock.instant().plus(coolDown);
    if (wasUp) {
      LOG.warn("redis {} failed, degrading for {}: {}", what, coolDown, e.toString());
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    StatefulRedisPubSubConnection<byte[], byte[]> ps = pubSub;
    if (ps != null) {
      ps.close();
    }
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (c != null) {
      c.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
