package dev.icssync.cache;

import dev.icssync.ExportedCalendar;
import dev.icssync.spi.CacheStats;
import dev.icssync.spi.ExportCache;
import io.lettuce.core.KeyValue;
import io.lettuce.core.SetArgs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Export cache shared by every instance using the same Redis and prefix.
 *
 * <p>Keys: {@code <prefix>x:<viewKey>} holds an entry (with its property and the property's
 * generation when written), expiring after the TTL; {@code <prefix>g:<hash(tenant, property)>} is
 * the property's generation. Invalidation is one INCR: every instance's next read sees the new
 * generation and treats older entries as misses, so no instance needs to hear about it. A miss
 * through {@link #get(String, String, String)} reads the property's generation with the entry, and
 * the put of that render writes under that generation, not the one current at write time: an
 * invalidation by any instance between the miss and the put leaves the entry stale at once, even
 * before this instance hears of it. Invalidations
 * are also published on {@code <prefix>inv}, so each instance's render-race guard drops renders that
 * started before another instance's sync.
 *
 * <p>Redis down or slow: reads are misses, writes are dropped, invalidations are queued and replayed
 * as soon as this instance reconnects, whichever use reconnects it (a read, a write, an invalidation
 * or a limiter call). Failures are counted.
 */
final class RedisExportCache implements ExportCache {
  private static final byte VERSION = 1;
  private static final int MAX_PENDING = 10_000;

  private final RedisLink link;
  private final long ttlMillis;
  private final InvalidationGuard guard = new InvalidationGuard();
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong droppedInvalidations = new AtomicLong();
  private final AtomicLong heard = new AtomicLong();
  private final String instance = java.util.UUID.randomUUID().toString();

  RedisExportCache(RedisLink link, Duration ttl) {
    this.link = link;
    this.ttlMillis = ttl.toMillis();
    link.subscribe(m -> {
      // <instance>\n<tenant>\0<property>; our own invalidations are already in the guard
      int nl = m.indexOf('\n');
      int sep = m.indexOf('\u0000', nl + 1);
      if (nl > 0 && sep > nl && !m.substring(0, nl).equals(instance)) {
        guard.invalidated(m.substring(nl + 1, sep), m.substring(sep + 1));
        heard.incrementAndGet();
      }
    });
    // Replay on reconnect, whatever use reconnects: an instance that only syncs (and never reads an
    // export) would otherwise keep its queued invalidations while others serve what they cached
    // before the outage until it expires.
    link.onConnect(this::replayPending);
  }

  private byte[] entryKey(String viewKey) {
    return link.key("x:" + viewKey);
  }

  private byte[] generationKey(String tenant, String property) {
    return link.key("g:" + sha256Hex(InvalidationGuard.propertyKey(tenant, property))
        .substring(0, 32));
  }

  @Override
  public Optional<ExportedCalendar> get(String viewKey) {
    replayPending();
    byte[] raw = link.call(cmd -> cmd.get(entryKey(viewKey)), null);
    Entry e = raw == null ? null : decode(raw);
    if (e != null) {
      long gen = generation(e.tenant, e.property);
      if (gen == e.generation) {
        hits.incrementAndGet();
        return Optional.of(e.calendar);
      }
      return miss(viewKey, e.tenant, e.property, gen);
    }
    misses.incrementAndGet();
    guard.missed(viewKey);
    return Optional.empty();
  }

  /**
   * Reads the entry and the property's generation in one round trip, and remembers the generation
   * for this thread's put of the render: an invalidation on any instance after this miss leaves
   * that put stored under an older generation, which every instance reads as a miss.
   */
  @Override
  public Optional<ExportedCalendar> get(String viewKey, String tenant, String property) {
    replayPending();
    List<KeyValue<byte[], byte[]>> values =
        link.call(cmd -> cmd.mget(entryKey(viewKey), generationKey(tenant, property)), null);
    if (values == null || values.size() != 2) {
      misses.incrementAndGet();
      guard.missed(viewKey);
      return Optional.empty();
    }
    long gen = parseGeneration(values.get(1).getValueOrElse(null));
    byte[] raw = values.get(0).getValueOrElse(null);
    Entry e = raw == null ? null : decode(raw);
    if (e != null && gen >= 0 && e.generation == gen && e.tenant.equals(tenant)
        && e.property.equals(property)) {
      hits.incrementAndGet();
      return Optional.of(e.calendar);
    }
    return miss(viewKey, tenant, property, gen);
  }

  private Optional<ExportedCalendar> miss(String viewKey, String tenant, String property, long gen) {
    misses.incrementAndGet();
    guard.missed(viewKey, InvalidationGuard.propertyKey(tenant, property), gen);
    return Optional.empty();
  }

  private long generation(String tenant, String property) {
    // -1 (the put is dropped) when Redis does not answer: 0 would be "never invalidated"
    Optional<byte[]> g = link.call(
        cmd -> Optional.ofNullable(cmd.get(generationKey(tenant, property))), null);
    return g == null ? -1 : parseGeneration(g.orElse(null));
  }

  /** 0 for none (never invalidated), -1 for unreadable. */
  private static long parseGeneration(byte @Nullable [] g) {
    if (g == null) {
      return 0;
    }
    try {
      return Long.parseLong(new String(g, StandardCharsets.US_ASCII));
    } catch (NumberFormatException ex) {
      return -1;
    }
  }

  @Override
  public void put(String viewKey, String tenant, String property, ExportedCalendar calendar) {
    InvalidationGuard.Miss miss = guard.take(viewKey, tenant, property);
    if (miss == null || !pending.isEmpty()) {
      return;
    }
    // the generation when the render started, when this thread's miss saw it; a put without one
    // (after get(viewKey) found no entry) can only read it now
    long gen = miss.generation() >= 0 ? miss.generation() : generation(tenant, property);
    if (gen < 0) {
      return;
    }
    byte[] value = encode(tenant, property, gen, calendar);
    link.call(cmd -> cmd.set(entryKey(viewKey), value, SetArgs.Builder.px(ttlMillis)), null);
  }

  @Override
  public void invalidate(String tenant, String property) {
    guard.invalidated(tenant, property);
    if (!bump(tenant, property)) {
      if (pending.size() < MAX_PENDING) {
        pending.add(InvalidationGuard.propertyKey(tenant, property));
      } else {
        droppedInvalidations.incrementAndGet();
      }
    }
  }

  private boolean bump(String tenant, String property) {
    byte[] gk = generationKey(tenant, property);
    Long v = link.call(cmd -> {
      Long n = cmd.incr(gk);
      // generations outlive every entry (TTL) by far; let idle ones go
      cmd.pexpire(gk, Math.max(ttlMillis * 12, Duration.ofHours(1).toMillis()));
      return n;
    }, null);
    if (v == null) {
      return false;
    }
    link.publish(instance + '\n' + InvalidationGuard.propertyKey(tenant, property));
    return true;
  }

  private void replayPending() {
    if (pending.isEmpty()) {
      return;
    }
    for (Iterator<String> it = pending.iterator(); it.hasNext(); ) {
      String pk = it.next();
      int sep = pk.indexOf('\u0000');
      if (!bump(pk.substring(0, sep), pk.substring(sep + 1))) {
        return;
      }
      it.remove();
    }
  }

  /** Invalidation messages heard from other instances. */
  long invalidationsHeard() {
    return heard.get();
  }

  @Override
  public CacheStats stats() {
    return new CacheStats(hits.get(), misses.get(), 0, link.failures() + droppedInvalidations.get(),
        -1, -1);
  }

  private static byte[] encode(String tenant, String property, long gen, ExportedCalendar c) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(c.bodyLength() + 128);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeUTF(tenant);
      out.writeUTF(property);
      out.writeLong(gen);
      out.writeUTF(c.etag());
      out.writeLong(c.lastModified().getEpochSecond());
      out.writeInt(c.lastModified().getNano());
      out.writeInt(c.eventCount());
      out.writeInt(c.bodyLength());
      c.writeTo(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Null for an entry this version cannot read (it is then a miss and is overwritten). */
  private static @Nullable Entry decode(byte[] raw) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw));
      if (in.readByte() != VERSION) {
        return null;
      }
      String tenant = in.readUTF();
      String property = in.readUTF();
      long gen = in.readLong();
      String etag = in.readUTF();
      Instant lastModified = Instant.ofEpochSecond(in.readLong(), in.readInt());
      int count = in.readInt();
      byte[] body = new byte[in.readInt()];
      in.readFully(body);
      return new Entry(tenant, property, gen, ExportedCalendar.of(body, etag, lastModified, count));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private record Entry(String tenant, String property, long generation, ExportedCalendar calendar) {}

  /** SHA-256 of the text's UTF-8 bytes, in lower-case hex. */
  static String sha256Hex(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
