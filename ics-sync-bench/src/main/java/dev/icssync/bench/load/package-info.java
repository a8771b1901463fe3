/**
 * The load test: {@link dev.icssync.bench.load.LoadTest} syncs feeds served on loopback into a fresh
 * PostgreSQL database with the real {@code HttpFeedFetcher} and {@code JdbcStore}, and writes
 * {@code load.json} and {@code load.md}.
 */
@NullMarked
package dev.icssync.bench.load;

import org.jspecify.annotations.NullMarked;
