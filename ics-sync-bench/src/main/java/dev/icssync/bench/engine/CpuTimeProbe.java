package dev.icssync.bench.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JMH workloads of this package timed in thread CPU time rather than wall time: on a shared,
 * overloaded machine wall-clock JMH scores mostly measure the neighbours. Prints the median of
 * {@code runs} runs after {@code runs} warm-up runs.
 *
 * <pre>
 * java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp ... dev.icssync.bench.engine.CpuTimeProbe 15
 * </pre>
 */
public final class CpuTimeProbe {
  private CpuTimeProbe() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();

    DiffBenchmark diff = new DiffBenchmark();
    diff.changedShare = 0.01;
    diff.setUp();
    long diffNanos = median(runs, mx, () -> diff.diff().counts().writes());
    System.out.printf("diff of %,d events, 1%% changed: %.1f ms CPU -> %,.0f events/s%n", DiffBenchmark.EVENTS,
        diffNanos / 1e6, DiffBenchmark.EVENTS / (diffNanos / 1e9));

    ConflictBenchmark conflicts = new ConflictBenchmark();
    conflicts.events = 1_000_000;
    conflicts.setUp();
    int[] pairs = new int[1];
    long detectNanos = median(runs, mx, () -> pairs[0] = conflicts.detect());
    System.out.printf("conflict detection over %,d events: %.1f ms CPU (%,d overlapping pairs)%n", conflicts.events,
        detectNanos / 1e6, pairs[0]);
    long[] count = new long[1];
    long sweepNanos = median(runs, mx, () -> {
      count[0] = 0;
      dev.icssync.internal.conflict.OverlapSweep.forEachOverlap(conflicts.start, conflicts.end, conflicts.events,
          (a, b) -> count[0]++);
      return (int) count[0];
    });
    System.out.printf("sweep alone over %,d ranges: %.1f ms CPU%n", conflicts.events, sweepNanos / 1e6);
  }

  private static long median(int runs, ThreadMXBean mx, java.util.function.IntSupplier work) {
    int sink = 0;
    for (int i = 0; i < runs; i++) {
      sink += work.getAsInt();
    }
    long[] t = new long[runs];
    for (int i = 0; i < runs; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      sink += work.getAsInt();
      t[i] = mx.getCurrentThreadCpuTime() - c0;
    }
    java.util.Arrays.sort(t);
    if (sink == 42) {
      System.out.print("");
    }
    return t[runs / 2];
  }
}
