/**
 * The HTTP feed fetcher against bare clients: the JMH benchmarks {@link dev.icssync.bench.http.FetchBenchmark}
 * (HTTP/1.1) and {@link dev.icssync.bench.http.FetchH2Benchmark} (HTTP/2 over TLS), and the closed-loop
 * load harness {@link dev.icssync.bench.http.FetcherLoad}.
 */
@NullMarked
package dev.icssync.bench.http;

import org.jspecify.annotations.NullMarked;
