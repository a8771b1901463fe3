package dev.icssync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadReportTest {

  private static Map<String, Object> report(Map<String, Object> limits) {
    Map<String, Object> r = new HashMap<>();
    r.put("machine", Map.of("cores", 2));
    r.put("setup", Map.of("workerThreads", 16));
    r.put("command", "LoadTest --parts scale");
    r.put("resourceLimits", limits);
    return r;
  }

  private static Map<String, Object> unlimitedCycles() {
    Map<String, Object> m = new HashMap<>();
    m.put("poolMax", 19);
    m.put("poolPeakActive", 6);
    m.put("poolPeakActiveCycle", "10000 x 50 cold");
    m.put("connectionLimit", 20);
    m.put("connectionsMet", true);
    m.put("tenantPeakBytesPerSecond", 62_380_000);
    m.put("tenantPeakCycle", "10000 x 50 unchanged body, no validators");
    m.put("tenantMeanBytesPerSecondMax", 56_030_000);
    m.put("bandwidthLimitBytesPerSecond", 10_000_000.0);
    return m;
  }

  @Test
  void cyclesWithNoLimitSetAreNotJudgedAgainstTheLimitWhenTheBandwidthPartDidNotRun() {
    // a run of the scale part alone printed its unlimited cycles' bytes as "not met" against an empty limit
    String md = LoadReport.markdown(report(unlimitedCycles()));

    String row = md.lines().filter(l -> l.contains("no limit set, largest one-second window")).findFirst().orElseThrow();
    assertThat(row).contains("62.38 MB/s").contains("measured, not limited (the `bandwidth` part did not run)")
        .doesNotContain("met |");
    assertThat(md).doesNotContain("limited to");
  }

  @Test
  void theLimitIsJudgedOnTheBandwidthPartsRow() {
    Map<String, Object> limits = unlimitedCycles();
    Map<String, Object> limited = new HashMap<>();
    limited.put("limitBytesPerSecond", 10_000_000);
    limited.put("workers", 2);
    limited.put("threadsPerWorker", 4);
    limited.put("sharedThroughRedis", true);
    limited.put("feeds", 600);
    limited.put("eventsPerFeed", 200);
    limited.put("feedBytes", 18_700_000);
    limited.put("seconds", 2.237);
    limited.put("peakBytesPerSecond", 9_240_000);
    limited.put("meanBytesPerSecond", 8_360_000);
    limited.put("allowedBytesPerSecond", 10_250_000);
    limited.put("bodyBytes", 31_200);
    limited.put("met", true);
    limits.put("limited", limited);
    limits.put("bandwidthMet", true);

    String md = LoadReport.markdown(report(limits));

    assertThat(md.lines().filter(l -> l.contains("no limit set, largest one-second window")).findFirst().orElseThrow())
        .endsWith("| measured, not limited |");
    assertThat(md.lines().filter(l -> l.contains("limited to 10.00 MB/s")).findFirst().orElseThrow())
        .contains("9.24 MB/s / 8.36 MB/s").endsWith("| met |");
  }
}
