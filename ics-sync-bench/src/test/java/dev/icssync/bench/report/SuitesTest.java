package dev.icssync.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;

/** The report's suites name real benchmarks, and the run script runs every one of them. */
class SuitesTest {
  private static final List<String> PACKAGES = List.of("parse", "export", "engine", "jdbc", "http", "cache");

  private static Class<?> benchmarkClass(String simpleName) {
    for (String p : PACKAGES) {
      try {
        return Class.forName("dev.icssync.bench." + p + "." + simpleName);
      } catch (ClassNotFoundException e) {
        // try the next package
      }
    }
    throw new AssertionError("no benchmark class " + simpleName + " in " + PACKAGES);
  }

  @Test
  void everyMethodOfEverySuiteIsABenchmark() {
    for (Suite suite : Suites.all()) {
      Class<?> c = benchmarkClass(suite.benchmarkClass());
      List<String> methods = new ArrayList<>(suite.ours().keySet());
      for (Map<String, String> peers : suite.peers().values()) {
        methods.addAll(peers.values());
      }
      for (String m : methods) {
        Method method = Arrays.stream(c.getMethods()).filter(x -> x.getName().equals(m)).findFirst()
            .orElseThrow(() -> new AssertionError(c.getName() + " has no method " + m));
        assertThat(method.isAnnotationPresent(Benchmark.class)).as(c.getName() + "." + m).isTrue();
      }
      assertThat(suite.peers().keySet()).as(suite.title()).isSubsetOf(suite.ours().keySet());
    }
  }

  @Test
  void runScriptRunsEverySuiteAndNothingElse() throws Exception {
    String script = Files.readString(Path.of("run-benchmarks.sh"));
    Matcher m = Pattern.compile("suites='([^']+)'").matcher(script);
    assertThat(m.find()).as("suites=... in run-benchmarks.sh").isTrue();
    Pattern include = Pattern.compile(m.group(1));
    for (Suite suite : Suites.all()) {
      Class<?> c = benchmarkClass(suite.benchmarkClass());
      assertThat(include.matcher(c.getName() + ".ours").find()).as(c.getName()).isTrue();
    }
    // benchmarks that are not a suite of the report stay out of the run
    assertThat(include.matcher("dev.icssync.bench.export.ExportLoadTest.main").find()).isFalse();
    assertThat(include.matcher("dev.icssync.bench.jdbc.UpsertTechniqueProbe.main").find()).isFalse();
  }
}
