package dev.icssync.bench.coldstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Whole-process start-up of the {@code ics-sync} command beside a hello-world JVM, side by side in
 * one run: {@code java -jar hello.jar} (one class printing a line, the JVM's default options), and
 * {@code ics-sync --version} and {@code ics-sync check} of a 100-event feed as the README tells users
 * to run them: through the launcher {@code ics-sync-cli/bin/ics-sync} (the JVM options and class-data
 * archive it picks for the command word), with the archives and without them
 * ({@code ICSSYNC_NO_CDS=1}). The launcher gets this JVM ({@code JAVA_HOME}) and {@code --jar}
 * ({@code ICSSYNC_JAR}). The variants take turns within each round, so that a change of load hits all
 * of them; the figure of each is the median wall time from process start to exit over {@code --runs}
 * rounds, after {@code --warmup} rounds (the OS file cache). Every JVM gets the same
 * {@code --jvm-args} (the launcher's through {@code JAVA_OPTS}).
 *
 * <pre>
 * java -cp ics-sync-bench/target/benchmarks.jar dev.icssync.bench.coldstart.ColdStart \
 *     --jar ics-sync-cli/target/ics-sync.jar --launcher ics-sync-cli/bin/ics-sync --runs 21 \
 *     --out ics-sync-bench/target/results
 * </pre>
 *
 * Writes {@code coldstart.json} to {@code --out}: {@code checkMs}, {@code versionMs},
 * {@code helloWorldMs}, {@code ratio} (check over hello world) and {@code cds} (whether those figures
 * are with the archives), the same figures without the archives under {@code withoutArchive}, and the
 * load average before and after. When {@code load.json} of the load test is in {@code --out}, the same
 * object goes into it as {@code coldStart}, where BENCHMARKS.md reads it.
 */
public final class ColdStart {
  private ColdStart() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("usage: ColdStart [--jar ics-sync-cli/target/ics-sync.jar]"
            + " [--launcher ics-sync-cli/bin/ics-sync] [--runs 21] [--warmup 2]"
            + " [--out ics-sync-bench/target/results] [--jvm-args \"-Xshare:auto\"]");
        System.exit(2);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    Path jar = Path.of(opts.getOrDefault("jar", "ics-sync-cli/target/ics-sync.jar")).toAbsolutePath().normalize();
    int runs = Integer.parseInt(opts.getOrDefault("runs", "21"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "2"));
    Path out = Path.of(opts.getOrDefault("out", "ics-sync-bench/target/results"));
    List<String> jvmArgs = opts.getOrDefault("jvm-args", "").isBlank() ? List.of()
        : Arrays.asList(opts.get("jvm-args").trim().split("\\s+"));
    if (!Files.isRegularFile(jar)) {
      System.err.println("no " + jar + ": build it with mvn -B -q package -pl ics-sync-cli -am -DskipTests");
      System.exit(1);
    }
    Path launcher = Path.of(opts.getOrDefault("launcher", "ics-sync-cli/bin/ics-sync")).toAbsolutePath().normalize();
    if (!Files.isExecutable(launcher)) {
      System.err.println("no launcher " + launcher + " (ics-sync-cli/bin/ics-sync of the source tree)");
      System.exit(1);
    }
    String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
    // check and --version start with the short archive, everything else with the full one
    boolean cds = Files.isRegularFile(jar.resolveSibling(base + "-short.jsa"));

    Path dir = Files.createTempDirectory("ics-sync-coldstart");
    Path feed = dir.resolve("feed-100.ics");
    Files.writeString(feed, feed(100, LocalDate.now().plusDays(10)), StandardCharsets.UTF_8);
    Path hello = helloJar(dir.resolve("hello.jar"));

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> helloCommand = new ArrayList<>(List.of(java));
    helloCommand.addAll(jvmArgs);
    helloCommand.addAll(List.of("-jar", hello.toString()));
    Map<String, Variant> variants = new LinkedHashMap<>();
    variants.put("hello", new Variant(helloCommand, Map.of()));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("ICSSYNC_JAR", jar.toString());
    env.put("JAVA_OPTS", String.join(" ", jvmArgs));
    Map<String, String> noCds = new LinkedHashMap<>(env);
    noCds.put("ICSSYNC_NO_CDS", "1");
    variants.put("version", new Variant(List.of(launcher.toString(), "--version"), noCds));
    variants.put("check", new Variant(List.of(launcher.toString(), "check", feed.toString()), noCds));
    if (cds) {
      variants.put("versionCds", new Variant(List.of(launcher.toString(), "--version"), env));
      variants.put("checkCds", new Variant(List.of(launcher.toString(), "check", feed.toString()), env));
    }

    String loadBefore = loadAverage();
    Map<String, List<Double>> times = new LinkedHashMap<>();
    variants.keySet().forEach(k -> times.put(k, new ArrayList<>()));
    for (int round = 0; round < warmup + runs; round++) {
      for (Map.Entry<String, Variant> v : variants.entrySet()) {
        double ms = time(v.getValue(), dir);
        if (round >= warmup) {
          times.get(v.getKey()).add(ms);
        }
      }
    }
    String loadAfter = loadAverage();

    double helloMs = median(times.get("hello"));
    double check = median(times.get(cds ? "checkCds" : "check"));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("checkMs", round1(check));
    result.put("versionMs", round1(median(times.get(cds ? "versionCds" : "version"))));
    result.put("helloWorldMs", round1(helloMs));
    result.put("ratio", round2(check / helloMs));
    result.put("cds", cds);
    Map<String, Object> without = new LinkedHashMap<>();
    without.put("checkMs", round1(median(times.get("check"))));
    without.put("versionMs", round1(median(times.get("version"))));
    without.put("ratio", round2(median(times.get("check")) / helloMs));
    result.put("withoutArchive", without);
    result.put("runs", runs);
    result.put("statistic", "median wall time, process start to exit");
    result.put("jvmArgs", String.join(" ", jvmArgs));
    result.put("launcher", launcher.toString());
    result.put("loadAverageBefore", loadBefore);
    result.put("loadAverageAfter", loadAfter);
    Map<String, Object> samples = new LinkedHashMap<>();
    times.forEach((k, v) -> samples.put(k, v.stream().map(ColdStart::round1).toList()));
    result.put("samplesMs", samples);

    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.createDirectories(out);
    Files.writeString(out.resolve("coldstart.json"), mapper.writeValueAsString(result) + "\n", StandardCharsets.UTF_8);
    Path load = out.resolve("load.json");
    if (Files.isRegularFile(load)) {
      ObjectNode tree = (ObjectNode) mapper.readTree(load.toFile());
      tree.set("coldStart", mapper.valueToTree(result));
      Files.writeString(load, mapper.writeValueAsString(tree) + "\n", StandardCharsets.UTF_8);
      // load.md, which BENCHMARKS.md includes, shows the cold start too
      dev.icssync.bench.load.LoadReport.rewrite(out);
    }
    System.out.printf(Locale.ROOT, "cold start (median of %d, load %s -> %s): hello %.1f ms, --version %.1f ms,"
        + " check %.1f ms = %.2fx hello (%s); without the archives: --version %.1f ms, check %.1f ms%n", runs,
        loadBefore, loadAfter, helloMs, median(times.get(cds ? "versionCds" : "version")), check, check / helloMs,
        cds ? "with the archives" : "no archives beside the jar", median(times.get("version")),
        median(times.get("check")));
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A command line and the environment variables it gets on top of this process's (ICSSYNC_NO_CDS unset). */
  private record Variant(List<String> command, Map<String, String> env) {}

  /** Milliseconds from start to exit; the output is discarded; a failed command stops the run. */
  private static double time(Variant v, Path dir) throws IOException, InterruptedException {
    List<String> command = v.command();
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("ICSSYNC_NO_CDS");
    pb.environment().putAll(v.env());
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("did not finish in 2 minutes: " + String.join(" ", command));
    }
    long end = System.nanoTime();
    if (p.exitValue() != 0) {
      throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", command));
    }
    return (end - start) / 1e6;
  }

  /** A jar with {@link Hello} alone, started like the command: {@code java -jar}. */
  private static Path helloJar(Path target) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Hello.class.getName());
    String entry = Hello.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(file, manifest);
        InputStream in = ColdStart.class.getClassLoader().getResourceAsStream(entry)) {
      if (in == null) {
        throw new IOException("no " + entry + " on the class path");
      }
      jar.putNextEntry(new JarEntry(entry));
      in.transferTo(jar);
      jar.closeEntry();
    }
    return target;
  }

  /** An Airbnb-shaped feed of {@code events} stays and blocks from {@code first} on. */
  static String feed(int events, LocalDate first) {
    DateTimeFormatter day = DateTimeFormatter.BASIC_ISO_DATE;
    StringBuilder sb = new StringBuilder("BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\n"
        + "CALSCALE:GREGORIAN\r\nVERSION:2.0\r\n");
    LocalDate start = first;
    for (int i = 0; i < events; i++) {
      LocalDate end = start.plusDays(2 + (i * 7) % 5);
      sb.append("BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:").append(start.format(day))
          .append("\r\nDTEND;VALUE=DATE:").append(end.format(day)).append("\r\n");
      if (i % 4 == 3) {
        sb.append("UID:").append(String.format(Locale.ROOT, "%012x-%032x", i, 7919L * i)).append("@airbnb.com\r\n")
            .append("SUMMARY:Airbnb (Not available)\r\n");
      } else {
        sb.append("UID:").append(String.format(Locale.ROOT, "%012x-%032x", i, 104729L * i)).append("@airbnb.com\r\n")
            .append("DESCRIPTION:Reservation URL: https://www.airbnb.com/hosting/reservations/details/HM")
            .append(String.format(Locale.ROOT, "%08d", 10000000 + i * 37)).append("\\nPhone Number (Last 4 Digits): ")
            .append(String.format(Locale.ROOT, "%04d", (i * 53) % 10000)).append("\r\nSUMMARY:Reserved\r\n");
      }
      sb.append("END:VEVENT\r\n");
      start = end.plusDays(1 + i % 3);
    }
    return sb.append("END:VCALENDAR\r\n").toString();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
