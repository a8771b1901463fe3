/**
 * Caches for ics-sync: {@link dev.icssync.cache.CaffeineCaches} (in-process export cache and
 * property-settings cache) and {@link dev.icssync.cache.RedisCaches} (export cache shared by
 * instances, distributed sync limits). Implementations are package-private.
 *
 * <p>No feed-validator cache: the engine calls {@code FeedStore.beginSync} on every sync (it bumps
 * the fencing generation and records the attempt), and that one round trip already returns the
 * validators and digest. A cache in front of it would save no read, and a stale copy on another
 * instance would only turn a 304 into a full download.
 */
@NullMarked
package dev.icssync.cache;

import org.jspecify.annotations.NullMarked;
