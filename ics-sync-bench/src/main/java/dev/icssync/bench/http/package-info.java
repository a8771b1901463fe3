/**
 * The HTTP feed fetcher against bare clients: the JMH benchmark {@link dev.icssync.bench.http.FetchBenchmark}
 * and the closed-loop load harness {@link dev.icssync.bench.http.FetcherLoad}.
 */
@NullMarked
package dev.icssync.bench.http;

import org.jspecify.annotations.NullMarked;
