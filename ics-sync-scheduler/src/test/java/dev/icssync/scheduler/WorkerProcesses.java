package dev.icssync.scheduler;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts worker JVMs with this test's classpath; kills whatever is left on close. */
final class WorkerProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final Path logDir;

  WorkerProcesses() throws IOException {
    Path dir = Path.of("target", "worker-logs");
    Files.createDirectories(dir);
    this.logDir = Files.createTempDirectory(dir, "run");
  }

  Process start(Class<?> main, String... args) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dsun.net.httpserver.nodelay=true");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(classpath);
    command.add(main.getName());
    command.addAll(List.of(args));
    String name = args.length > 0 ? args[0].replace("name=", "") : "worker";
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(logDir.resolve(name + ".out").toFile())
        .redirectError(logDir.resolve(name + ".err").toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  List<String> output(String name) throws IOException {
    File f = logDir.resolve(name + ".out").toFile();
    return f.exists() ? Files.readAllLines(f.toPath()) : List.of();
  }

  String errors(String name) throws IOException {
    File f = logDir.resolve(name + ".err").toFile();
    return f.exists() ? Files.readString(f.toPath()) : "";
  }

  static void signal(Process p, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + p.pid() + " failed");
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      if (p.isAlive()) {
        try {
          signal(p, "CONT");
        } catch (IOException | InterruptedException e) {
          // best effort: the process may be gone already
        }
        p.destroyForcibly();
      }
    }
    for (Process p : processes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
