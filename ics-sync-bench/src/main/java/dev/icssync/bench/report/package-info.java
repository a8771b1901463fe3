/**
 * The generator of BENCHMARKS.md: reads JMH's JSON results and the load test's Markdown fragment and
 * writes one table per suite (ours, peers measured in the same run, the seed's target, ratios), the
 * machine and the exact commands. Run by {@code ics-sync-bench/run-benchmarks.sh}:
 *
 * <pre>
 * java -cp ics-sync-bench/target/benchmarks.jar dev.icssync.bench.report.BenchmarksReport \
 *     --jmh ics-sync-bench/target/results/jmh.json --out BENCHMARKS.md --profile full
 * </pre>
 */
@NullMarked
package dev.icssync.bench.report;

import org.jspecify.annotations.NullMarked;
