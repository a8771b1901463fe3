package dev.icssync.internal.engine;

import dev.icssync.Feed;
import dev.icssync.spi.FeedStore;
import dev.icssync.spi.FeedWithState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feeds of a sync of many, read again with their states a chunk at a time
 * ({@link FeedStore#feedsWithStates}, one statement per tenant of a chunk on a database): a chunk is
 * read when the first of its feeds is about to sync or the second of the chunk before it is, so its
 * states are at most two chunks' syncs old, and forgotten when the last one has. The feed itself is read again too: one removed or changed
 * since the list was read is synced as it is stored now.
 */
public final class FeedPrefetch {
  /** Feeds per read: one statement, a few hundred rows; small enough that the states stay fresh. */
  public static final int CHUNK = 256;

  private static final Logger log = LoggerFactory.getLogger(FeedPrefetch.class);

  private final FeedStore store;
  private final List<Feed> feeds;
  private final int chunk;
  private final AtomicReferenceArray<@Nullable Chunk> chunks;

  public FeedPrefetch(FeedStore store, List<Feed> feeds, int chunk) {
    this.store = store;
    this.feeds = feeds;
    this.chunk = chunk;
    this.chunks = new AtomicReferenceArray<>((feeds.size() + chunk - 1) / chunk);
  }

  /** What a chunk's read gave: by tenant and id, or null when the read failed. */
  private static final class Chunk {
    final AtomicInteger left;
    volatile @Nullable Map<String, FeedWithState> read;
    volatile boolean done;

    Chunk(int size) {
      this.left = new AtomicInteger(size);
    }
  }

  /**
   * Feed {@code index} of the list and its state as read with its chunk (the chunk is read now when
   * this is its first feed), or null when the feed is no longer stored or the chunk could not be
   * read: the sync then reads the feed itself (and reports "no such feed" or the store's failure).
   */
  public @Nullable FeedWithState take(int index) {
    int c = index / chunk;
    Chunk ch = loaded(c);
    if (index % chunk == Math.min(1, chunk - 1) && c + 1 < chunks.length()) {
      // read the next chunk ahead, on this thread, while the others sync the rest of this one: the
      // threads that reach the next chunk do not all wait for its read. From the second feed of a
      // chunk on: read at its middle, on a busy database the read took longer than the other
      // threads' syncs of the second half, and every worker waited for it at every chunk
      loaded(c + 1);
    }
    Feed f = feeds.get(index);
    Map<String, FeedWithState> read = ch.read;
    FeedWithState r = read == null ? null : read.get(key(f.tenant(), f.id()));
    if (ch.left.decrementAndGet() == 0) {
      ch.read = null; // every feed of the chunk has its state: let them go (the chunk stays read)
    }
    return r;
  }

  /** Chunk {@code c}, read now if no thread has read it yet (a thread reading it is waited for). */
  private Chunk loaded(int c) {
    Chunk ch = chunks.get(c);
    if (ch == null) {
      int from = c * chunk;
      chunks.compareAndSet(c, null, new Chunk(Math.min(feeds.size(), from + chunk) - from));
      ch = chunks.get(c);
    }
    if (!ch.done) {
      synchronized (ch) {
        if (!ch.done) {
          ch.read = read(c);
          ch.done = true;
        }
      }
    }
    return ch;
  }

  private @Nullable Map<String, FeedWithState> read(int c) {
    List<Feed> part = feeds.subList(c * chunk, Math.min(feeds.size(), (c + 1) * chunk));
    Map<String, List<String>> byTenant = new LinkedHashMap<>();
    for (Feed f : part) {
      byTenant.computeIfAbsent(f.tenant(), t -> new ArrayList<>()).add(f.id());
    }
    Map<String, FeedWithState> out = new HashMap<>(part.size() * 2);
    try {
      for (Map.Entry<String, List<String>> e : byTenant.entrySet()) {
        for (FeedWithState fs : store.feedsWithStates(e.getKey(), e.getValue())) {
          out.put(key(fs.feed().tenant(), fs.feed().id()), fs);
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not read {} feeds with their states; each is read by its own sync: {}", part.size(),
          e.toString());
      return null;
    }
    return out;
  }

  private static String key(String tenant, String feedId) {
    return tenant + '\u0000' + feedId;
  }

}
