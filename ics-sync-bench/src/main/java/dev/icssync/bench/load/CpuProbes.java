package dev.icssync.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU readings shared by the load test and the unit-cost measurement of {@code
 * dev.icssync.bench.capacity}, so that both count the same CPU the same way: this process's CPU, the
 * JIT compiler threads' on-CPU time (a start-up cost both leave out of the engine's CPU), and the
 * on-CPU time of a local process (a PostgreSQL backend) from {@code /proc/<pid>/schedstat}, in
 * nanoseconds (the clock ticks of {@code /proc/<pid>/stat} are 10 ms each: coarser than a small cycle's
 * whole database CPU).
 */
public final class CpuProbes {
  private CpuProbes() {}

  /** CPU time of this JVM (every thread: workers, feed server, pool, GC, JIT compiler). */
  public static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /**
   * On-CPU nanoseconds of the JIT compiler threads so far ({@code /proc/self/task/<tid>/schedstat} of
   * the threads named {@code C1/C2 CompilerThread}; 0 where there is no {@code /proc}). They are
   * invisible to the ThreadMXBean, and CompilationMXBean's time is elapsed, not CPU, time.
   */
  public static long jitCpuNanos() {
    long sum = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String comm = Files.readString(t.resolve("comm")).trim();
          if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            sum += schedstatNanos(t);
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return sum;
  }

  /**
   * Waits until the JIT compiler is idle (under 1 ms of compiler CPU in 50 ms), at most {@code
   * maxMillis}: compilations queued by what ran before (the previous cycle, the bare client's) would
   * otherwise run during the next timed cycle, on the same cores, and be counted with it. A
   * long-running worker's compiler is idle between its cycles. Returns the milliseconds waited.
   */
  public static long awaitJitIdle(long maxMillis) {
    long t0 = System.nanoTime();
    long deadline = t0 + maxMillis * 1_000_000L;
    long before = jitCpuNanos();
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      long now = jitCpuNanos();
      if (now - before < 1_000_000L) {
        break;
      }
      before = now;
    }
    return (System.nanoTime() - t0) / 1_000_000L;
  }

  /** On-CPU nanoseconds of local process {@code pid} so far, or -1 when it is gone or not readable. */
  static long onCpuNanos(long pid) {
    try {
      return schedstatNanos(Path.of("/proc", Long.toString(pid)));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The first field of {@code dir/schedstat}: time spent on the CPU, in nanoseconds. */
  private static long schedstatNanos(Path dir) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("schedstat")).trim().split(" ")[0]);
  }
}
