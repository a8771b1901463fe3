package dev.icssync.cli;

import dev.icssync.http.ExportEndpoint;
import dev.icssync.http.ExportHttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ics-sync serve}. */
@Command(mixinStandardHelpOptions = true, name = "serve", description = "Serve exports at /export/<token>.ics until stopped (Ctrl-C).")
final class ServeCommand implements Callable<Integer> {
  static final String CONTEXT = "/export";

  @Spec @Nullable CommandSpec spec;
  @Mixin DbOptions db = new DbOptions();
  @Option(names = "--port", paramLabel = "N", description = "port (default 8080; 0 picks a free one)") int port = 8080;
  @Option(names = "--bind", paramLabel = "ADDRESS", description = "address to listen on (default 127.0.0.1)")
  String bind = "127.0.0.1";

  @Override
  public Integer call() {
    try (Database d = db.open();
        ExportHttpServer server = ExportHttpServer.start(ExportEndpoint.builder(d.sync(List.of())).build(),
            new InetSocketAddress(bind, port), CONTEXT, 4)) {
      Objects.requireNonNull(spec).commandLine().getOut()
          .println("serving exports at " + server.baseUri() + "<token>.ics (Ctrl-C stops)");
      awaitStop();
    }
    return IcsSyncCli.OK;
  }

  /** Blocks until the JVM shuts down or the thread is interrupted. */
  static void awaitStop() {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "ics-sync-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: nothing to remove
      }
    }
  }
}
