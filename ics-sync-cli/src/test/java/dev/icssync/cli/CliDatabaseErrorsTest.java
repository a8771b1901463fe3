package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A database the command cannot use is one line that says what to do, never a hang. */
class CliDatabaseErrorsTest {
  @TempDir
  Path dir;

  /** Accepts TCP connections and never says a word: a firewall, a wrong port, a wedged server. */
  static final class SilentServer implements AutoCloseable {
    final ServerSocket socket;
    final List<Socket> held = new CopyOnWriteArrayList<>();
    final Thread acceptor;

    SilentServer() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            held.add(socket.accept());
          } catch (IOException closed) {
            return;
          }
        }
      }, "silent-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // before the timeouts it never returned
  void aDatabaseThatAcceptsAndNeverAnswersFailsWithOneLine() throws IOException {
    try (SilentServer silent = new SilentServer()) {
      Cli r = Cli.run("feeds", "list", "--db", "jdbc:postgresql://127.0.0.1:" + silent.port() + "/x?user=u");

      assertThat(r.status()).isEqualTo(1);
      assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
      assertThat(r.err()).startsWith("ics-sync: cannot open jdbc:postgresql://127.0.0.1:" + silent.port() + "/x...")
          .contains("check that the server is up");
      CliErrorsTest.assertNoJavaTypes(r.err());
      assertThat(silent.held).as("the driver did reach the listener").isNotEmpty();
    }
  }

  @Test
  void aLockedH2FileSaysWhatHoldsItAndWhatToDo() throws IOException {
    String db = "jdbc:h2:file:" + dir.resolve("locked");
    assertThat(Cli.run("feeds", "list", "--db", db).status()).isZero();
    try (FileChannel ch = FileChannel.open(dir.resolve("locked.mv.db"), StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      Cli r = Cli.run("feeds", "list", "--db", db);

      assertThat(r.status()).isEqualTo(1);
      assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
      assertThat(r.err()).contains("open in another process").contains("AUTO_SERVER=TRUE");
      CliErrorsTest.assertNoJavaTypes(r.err());
    }
  }
}
