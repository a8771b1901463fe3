package dev.icssync.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine a run was made on, as BENCHMARKS.md records it.
 *
 * @param cores logical processors seen by the JVM
 * @param cpuModel the CPU model from {@code /proc/cpuinfo} ("unknown" elsewhere)
 * @param memory total memory from {@code /proc/meminfo} ("unknown" elsewhere)
 * @param jdk the JDK that ran the benchmarks (from the JMH results when present)
 * @param os the operating system
 * @param loadAverage {@code /proc/loadavg}'s 1, 5 and 15 minute load averages when the report was
 *     written ("unknown" elsewhere): how busy the machine was at the end of the run
 */
public record Machine(int cores, String cpuModel, String memory, String jdk, String os, String loadAverage) {

  /** This machine; {@code jdk} as given (the benchmarks' JDK), else this JVM's. */
  public static Machine current(String jdk) {
    String model = "unknown";
    String memory = "unknown";
    try {
      List<String> cpu = Files.readAllLines(Path.of("/proc/cpuinfo"));
      model = cpu.stream().filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse(model);
    } catch (IOException | RuntimeException e) {
      // not Linux: leave unknown
    }
    try {
      List<String> mem = Files.readAllLines(Path.of("/proc/meminfo"));
      for (String l : mem) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
          memory = String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: leave unknown
    }
    String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
        + System.getProperty("os.arch") + ")";
    try {
      for (String l : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (l.startsWith("PRETTY_NAME=")) {
          os = l.substring("PRETTY_NAME=".length()).replace("\"", "") + ", kernel " + System.getProperty("os.version")
              + " (" + System.getProperty("os.arch") + ")";
        }
      }
    } catch (IOException | RuntimeException e) {
      // keep the JVM's view
    }
    String load = "unknown";
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      load = f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    String thisJdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    return new Machine(Runtime.getRuntime().availableProcessors(), model, memory,
        jdk == null || jdk.isBlank() ? thisJdk : jdk, os, load);
  }
}
