package dev.icssync.cli;

import dev.icssync.http.ExportEndpoint;
import dev.icssync.http.ExportHttpServer;
import java.io.UncheckedIOException;
import java.net.BindException;
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
    InetSocketAddress address = address(bind, port);
    try (Database d = db.open();
        ExportHttpServer server = listen(ExportEndpoint.builder(d.sync(List.of())).build(), address)) {
      Objects.requireNonNull(spec).commandLine().getOut()
          .println("serving exports at " + server.baseUri() + "<token>.ics (Ctrl-C stops)");
      awaitStop();
    }
    return IcsSyncCli.OK;
  }

  /** The address to listen on; a port outside 0..65535 is a usage error naming {@code --port}. */
  static InetSocketAddress address(String bind, int port) {
    if (port < 0 || port > 65535) {
      throw new CliException(IcsSyncCli.USAGE, "--port takes a port from 0 to 65535 (0 picks a free one), not " + port);
    }
    InetSocketAddress address = new InetSocketAddress(bind, port);
    if (address.isUnresolved()) {
      throw new CliException(IcsSyncCli.USAGE, "--bind takes an IP address or host name of this host, not "
          + TerminalText.line(bind));
    }
    return address;
  }

  /** Starts the export server; an address that cannot be bound is one line saying what to change. */
  static ExportHttpServer listen(ExportEndpoint endpoint, InetSocketAddress address) {
    try {
      return ExportHttpServer.start(endpoint, address, CONTEXT, 4);
    } catch (UncheckedIOException e) {
      String why = e.getCause() instanceof BindException b && b.getMessage() != null ? b.getMessage()
          : IcsSyncCli.oneLine(e);
      String where = address.isUnresolved() ? address.getHostString() + ":" + address.getPort()
          : address.getAddress().getHostAddress() + ":" + address.getPort();
      throw new CliException(IcsSyncCli.FAILED, "cannot listen on " + where + ": " + why
          + " (choose another --port, or --bind an address of this host)", e);
    }
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
