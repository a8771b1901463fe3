package dev.icssync.bench.capacity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback TCP relay that counts the bytes each way between the engine and a server (the feed
 * server, Redis): what a sync costs on the wire, headers included. With {@code resp} it also reads
 * the client's stream as Redis commands (RESP arrays) and counts them by name. Threads are named
 * {@code capacity-meter} so that their CPU can be left out of the engine's.
 */
final class TcpMeter implements AutoCloseable {
  static final String THREAD_PREFIX = "capacity-meter";

  final LongAdder up = new LongAdder();
  final LongAdder down = new LongAdder();
  private final Map<String, LongAdder> commands = new ConcurrentHashMap<>();
  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final InetSocketAddress target;
  private final boolean resp;
  private volatile boolean open = true;

  TcpMeter(InetSocketAddress target, boolean resp) throws IOException {
    this.target = target;
    this.resp = resp;
    listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, THREAD_PREFIX + "-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Redis commands seen so far, by lower-case name. */
  Map<String, Long> commands() {
    Map<String, Long> m = new TreeMap<>();
    commands.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  private void accept() {
    while (open) {
      try {
        Socket in = listener.accept();
        Socket out = new Socket();
        out.connect(target);
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        sockets.add(in);
        sockets.add(out);
        RespCounter counter = resp ? new RespCounter() : null;
        pump(in, out, up, counter);
        pump(out, in, down, null);
      } catch (IOException e) {
        if (!open) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, LongAdder counter, RespCounter respCounter) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          counter.add(n);
          if (respCounter != null) {
            respCounter.feed(buf, n);
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        close(from);
        close(to);
      }
    }, THREAD_PREFIX);
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() {
    open = false;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing
    }
    sockets.forEach(TcpMeter::close);
  }

  /**
   * Counts RESP arrays of bulk strings (how clients send commands) in a byte stream that arrives in
   * arbitrary pieces: {@code *N\r\n} then N times {@code $len\r\n<len bytes>\r\n}; the first bulk
   * string names the command.
   */
  final class RespCounter {
    private final StringBuilder line = new StringBuilder();
    private int argsLeft;
    private long bulkLeft = -1; // bytes of the current bulk string, plus its CRLF, still to skip
    private boolean wantName;
    private final StringBuilder name = new StringBuilder();

    void feed(byte[] buf, int n) {
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (bulkLeft > 0) {
          if (wantName && bulkLeft > 2) {
            name.append((char) b);
          }
          if (--bulkLeft == 0) {
            if (wantName) {
              commands.computeIfAbsent(name.toString().toLowerCase(java.util.Locale.ROOT), k -> new LongAdder())
                  .increment();
              name.setLength(0);
              wantName = false;
            }
            argsLeft--;
          }
          continue;
        }
        if (b == '\n') {
          String l = line.toString();
          line.setLength(0);
          if (l.startsWith("*")) {
            argsLeft = Integer.parseInt(l.substring(1));
            wantName = argsLeft > 0;
          } else if (l.startsWith("$") && argsLeft > 0) {
            bulkLeft = Long.parseLong(l.substring(1)) + 2;
            if (bulkLeft == 2 && wantName) {
              wantName = false;
            }
          } else if (!l.isEmpty()) {
            // an inline command (redis-cli style): one line, first word the name
            String[] w = l.split(" ", 2);
            commands.computeIfAbsent(w[0].toLowerCase(java.util.Locale.ROOT), k -> new LongAdder()).increment();
          }
        } else if (b != '\r') {
          line.append((char) (b & 0xff));
        }
      }
    }
  }

}
