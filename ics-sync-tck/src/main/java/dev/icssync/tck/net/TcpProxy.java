package dev.icssync.tck.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy to a server (a database, Redis) that a test can cut and restore (to its
 * clients, a server restart: every connection dropped, new ones refused, then accepted again) or
 * stall (a slow server: connections are still accepted, bytes are held in both directions until
 * resumed). Clients connect to {@code 127.0.0.1:}{@link #port()}.
 *
 * <pre>{@code
 * try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379)) {
 *   // point the client at proxy.port()
 *   proxy.cut();      // the server is "down"
 *   proxy.restore();  // and back, on the same port
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {
  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private volatile boolean stalled;

  /** Starts a proxy on a free loopback port, forwarding to {@code targetHost:targetPort}. */
  public TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = open(0);
    this.port = server.getLocalPort();
    accept(server);
  }

  /** The loopback port clients connect to. */
  public int port() {
    return port;
  }

  private static ServerSocket open(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private void accept(ServerSocket s) {
    Thread t = new Thread(() -> {
      while (!s.isClosed()) {
        try {
          Socket client = s.accept();
          // a connection accepted while cut() runs must not outlive the cut: each socket is either
          // registered before cut() closes the registered ones, or closed here once the cut is seen
          if (!register(s, client)) {
            return;
          }
          Socket upstream = new Socket(targetHost, targetPort);
          if (!register(s, upstream)) {
            client.close();
            return;
          }
          pump(client, upstream);
          pump(upstream, client);
        } catch (IOException e) {
          return;
        }
      }
    }, "tcp-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  /** Registers a socket of a connection accepted on {@code s}; closes it instead if {@code s} was cut. */
  private synchronized boolean register(ServerSocket s, Socket socket) throws IOException {
    if (s.isClosed()) {
      socket.close();
      return false;
    }
    sockets.add(socket);
    return true;
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          while (stalled && !to.isClosed()) {
            Thread.sleep(5); // hold what was read until resumed (or cut)
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // cut
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Refuses new connections and cuts the open ones. */
  public synchronized void cut() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
  }

  /** Keeps accepting connections but forwards nothing, either way, until {@link #resume}. */
  public void stall() {
    stalled = true;
  }

  /** Forwards again, starting with what was held. */
  public void resume() {
    stalled = false;
  }

  /** Listens again on the same port. */
  public void restore() throws IOException {
    server = open(port);
    accept(server);
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
