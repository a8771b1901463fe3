package dev.icssync.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A byte-level HTTP server on loopback for faults MockWebServer cannot express (lying lengths, resets,
 * endless streams) and a connection counter for the SSRF tests. Each accepted connection reads one
 * request head and hands the socket to the handler.
 */
final class RawServer implements AutoCloseable {

  @FunctionalInterface
  interface Handler {
    void handle(String requestHead, Socket socket, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  RawServer(Handler handler) throws IOException {
    this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), handler);
  }

  RawServer(InetSocketAddress bind, Handler handler) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(bind);
    acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.incrementAndGet();
          Thread t = new Thread(() -> serve(s, handler), "raw-server-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "raw-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A listener that only counts connections (and answers nothing useful). */
  static RawServer counter(InetSocketAddress bind) throws IOException {
    return new RawServer(bind, (head, socket, out) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    });
  }

  private void serve(Socket s, Handler handler) {
    try (s) {
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int state = 0;
      while (state < 4) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        head.write(b);
        state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
            ? state + 1 : (b == '\r' ? 1 : 0);
      }
      String h = head.toString(StandardCharsets.ISO_8859_1);
      requests.add(h);
      OutputStream out = s.getOutputStream();
      handler.handle(h, s, out);
      out.flush();
    } catch (IOException e) {
      // the client went away: expected in fault tests
    }
  }

  int port() {
    return server.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  List<String> requests() {
    return requests;
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
