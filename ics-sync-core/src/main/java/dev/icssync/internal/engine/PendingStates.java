package dev.icssync.internal.engine;

import dev.icssync.FeedState;
import dev.icssync.spi.StateUpdate;
import dev.icssync.spi.Store;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The states of not-modified and unchanged syncs waiting to be written together
 * ({@link Store#saveStates}): one batch instead of a transaction per feed. Flushed when
 * {@link #MAX_BATCH} are held, when the oldest is {@link #MAX_AGE_NANOS} old (by the next sync that
 * adds one), and by {@link #flush()} (the end of a round, a scheduler's timer, close). Nothing here
 * is needed for correctness: an update lost (a crash, a failed flush) costs only its feed's
 * last-checked time, and the feed is polled again at its stored next due time.
 */
final class PendingStates {
  static final int MAX_BATCH = 500;
  static final long MAX_AGE_NANOS = 1_000_000_000L;

  private static final Logger log = LoggerFactory.getLogger(PendingStates.class);

  private final Store store;
  private final Map<String, StateUpdate> pending = new ConcurrentHashMap<>();
  /** System.nanoTime() of the oldest update held, or Long.MIN_VALUE when none is. */
  private final AtomicLong oldest = new AtomicLong(Long.MIN_VALUE);
  /** Whether an adding thread is flushing ({@link #add}); an explicit {@link #flush()} does not wait for it. */
  private final AtomicBoolean flushing = new AtomicBoolean();

  private final Runnable batchWritten;

  private final long maxAgeNanos;

  PendingStates(Store store, Runnable batchWritten) {
    this(store, batchWritten, MAX_AGE_NANOS);
  }

  PendingStates(Store store, Runnable batchWritten, long maxAgeNanos) {
    this.store = store;
    this.batchWritten = batchWritten;
    this.maxAgeNanos = maxAgeNanos;
  }

  private static String key(String tenant, String feedId) {
    return tenant + '\u0000' + feedId;
  }

  /**
   * The state a sync of this node should start from: the held update's when the stored state is
   * still the one it was computed from, else the stored one.
   */
  FeedState overlay(FeedState stored) {
    StateUpdate u = pending.get(key(stored.tenant(), stored.feedId()));
    return u != null && u.stillCurrent(stored) ? u.state() : stored;
  }

  /**
   * Holds an update (replacing an older one of the same feed), flushing when the batch is full or old.
   * One adding thread flushes at a time; the others go on adding meanwhile, so the next flush finds a
   * full batch again. (When every adding thread flushed, a slow write let the others drain the next
   * batch around it in parts, written at the same time.)
   */
  void add(StateUpdate update) {
    pending.put(key(update.state().tenant(), update.state().feedId()), update);
    long now = System.nanoTime();
    oldest.compareAndSet(Long.MIN_VALUE, now);
    long first = oldest.get();
    boolean old = first != Long.MIN_VALUE && now - first >= maxAgeNanos;
    if ((old || pending.size() >= MAX_BATCH) && flushing.compareAndSet(false, true)) {
      try {
        flush(!old);
      } finally {
        flushing.set(false);
      }
    }
  }

  /** Writes every held update, in batches of at most {@link #MAX_BATCH}; returns how many were saved. */
  int flush() {
    return flush(false);
  }

  /**
   * Writes the held updates in batches of at most {@link #MAX_BATCH}: all of them, or with {@code
   * fullBatches} only while a whole batch is held (the rest wait for the next one, or their age).
   */
  private int flush(boolean fullBatches) {
    if (!fullBatches) {
      oldest.set(Long.MIN_VALUE);
    }
    int saved = 0;
    List<StateUpdate> batch = new ArrayList<>(Math.min(pending.size(), MAX_BATCH));
    for (Iterator<String> it = pending.keySet().iterator(); it.hasNext(); ) {
      if (fullBatches && batch.isEmpty() && pending.size() < MAX_BATCH) {
        break;
      }
      @Nullable StateUpdate u = pending.remove(it.next());
      if (u != null) {
        batch.add(u);
      }
      if (batch.size() == MAX_BATCH) {
        saved += write(batch);
        batch = new ArrayList<>(MAX_BATCH);
      }
    }
    if (!batch.isEmpty()) {
      saved += write(batch);
    }
    return saved;
  }

  private int write(List<StateUpdate> batch) {
    try {
      int saved = store.saveStates(batch);
      if (saved > 0) {
        batchWritten.run();
      }
      if (saved < batch.size()) {
        log.debug("{} of {} held feed states were superseded by newer syncs", batch.size() - saved, batch.size());
      }
      return saved;
    } catch (RuntimeException e) {
      // only last-checked times are lost: those feeds are polled again at their stored next due time
      log.warn("writing {} held feed states failed; those feeds will be polled again: {}", batch.size(),
          e.toString());
      return 0;
    }
  }

  int size() {
    return pending.size();
  }
}
