package dev.icssync.http;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.IOSessionListener;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the I/O reactor's own socket timeout cannot do for {@link ExportHttpServer}: the deadline for
 * a whole request (a client that dribbles a header byte by byte is never silent long enough for the
 * idle timeout), the cap on open connections, the cap on pipelined requests per connection, and no
 * idle timeout while a worker computes an answer.
 *
 * <p>Each connection is in one of three states: waiting (nothing of a request received since it
 * opened or since its last answer was handed over), reading (the first byte of a request came, the
 * request is not whole yet) or busy (requests handed to workers). {@link #sweep()} closes connections
 * that have been reading for longer than the read timeout; the reactor's socket timeout closes those
 * silent for longer than the idle timeout. At the connection cap, a new connection displaces the
 * connection that has waited or read the longest; if all are busy, the new one is closed.
 *
 * <p>Connections are known by their session here and by their remote address in the request
 * handler (the one thing both see); an accepted socket's remote address is unique while it is open.
 */
final class ConnectionGuard implements IOSessionListener {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  /** Requests of one connection in the hands of the workers at once; more closes the connection. */
  static final int MAX_PIPELINED = 16;

  static final class Conn {
    final IOSession session;
    final SocketAddress remote;
    private int inFlight;
    private long readingSince = -1;
    private long lastChange;

    Conn(IOSession session, SocketAddress remote, long now) {
      this.session = session;
      this.remote = remote;
      this.lastChange = now;
    }

    synchronized boolean busy() {
      return inFlight > 0;
    }
  }

  private final int maxConnections;
  private final long readTimeoutNanos;
  private final Timeout idleTimeout;
  private final Map<IOSession, Conn> bySession = new ConcurrentHashMap<>();
  private final Map<SocketAddress, Conn> byRemote = new ConcurrentHashMap<>();

  ConnectionGuard(int maxConnections, java.time.Duration readTimeout, java.time.Duration idleTimeout) {
    this.maxConnections = maxConnections;
    this.readTimeoutNanos = readTimeout.toNanos();
    this.idleTimeout = Timeout.ofMilliseconds(idleTimeout.toMillis());
  }

  int open() {
    return bySession.size();
  }

  @Override
  public void connected(IOSession session) {
    SocketAddress remote = session.getRemoteAddress();
    if (remote == null) {
      session.close(CloseMode.IMMEDIATE); // already gone
      return;
    }
    long now = System.nanoTime();
    synchronized (this) {
      if (bySession.size() >= maxConnections) {
        Conn oldest = null;
        for (Conn c : bySession.values()) {
          synchronized (c) {
            if (c.inFlight == 0 && (oldest == null || c.lastChange - oldest.lastChange < 0)) {
              oldest = c;
            }
          }
        }
        if (oldest == null) {
          log.debug("connection cap {} reached with every connection busy: new connection closed", maxConnections);
          session.close(CloseMode.IMMEDIATE);
          return;
        }
        log.debug("connection cap {} reached: the longest waiting connection is closed", maxConnections);
        forget(oldest.session);
        oldest.session.close(CloseMode.IMMEDIATE);
      }
      Conn conn = new Conn(session, remote, now);
      bySession.put(session, conn);
      byRemote.put(remote, conn);
    }
  }

  @Override
  public void inputReady(IOSession session) {
    Conn c = bySession.get(session);
    if (c != null) {
      synchronized (c) {
        if (c.readingSince < 0) {
          c.readingSince = System.nanoTime();
          c.lastChange = c.readingSince;
        }
      }
    }
  }

  @Override
  public void disconnected(IOSession session) {
    forget(session);
  }

  private void forget(IOSession session) {
    Conn c = bySession.remove(session);
    if (c != null) {
      byRemote.remove(c.remote, c);
    }
  }

  /**
   * A whole request came in on the connection at {@code remote}; it goes to a worker. Returns the
   * connection, or null when it is unknown (closed meanwhile) or pipelines too much (then closed).
   */
  @Nullable Conn requestReceived(@Nullable SocketAddress remote) {
    Conn c = remote == null ? null : byRemote.get(remote);
    if (c == null) {
      return null;
    }
    synchronized (c) {
      if (c.inFlight >= MAX_PIPELINED) {
        c.session.close(CloseMode.IMMEDIATE);
        return null;
      }
      c.readingSince = -1;
      c.lastChange = System.nanoTime();
      if (c.inFlight++ == 0) {
        c.session.setSocketTimeout(Timeout.DISABLED); // the worker may take its time (a database)
      }
    }
    return c;
  }

  /** The answer to one request of {@code c} is about to be handed to the reactor. */
  void answered(@Nullable Conn c) {
    if (c == null) {
      return;
    }
    synchronized (c) {
      c.lastChange = System.nanoTime();
      if (--c.inFlight == 0) {
        c.session.setSocketTimeout(idleTimeout); // from here: writing, then waiting
      }
    }
  }

  /** Closes connections that have been reading one request for longer than the read timeout. */
  void sweep() {
    long now = System.nanoTime();
    for (Conn c : bySession.values()) {
      boolean expired;
      synchronized (c) {
        expired = c.inFlight == 0 && c.readingSince >= 0 && now - c.readingSince > readTimeoutNanos;
      }
      if (expired) {
        log.debug("request not received whole within the read timeout: connection closed");
        c.session.close(CloseMode.IMMEDIATE);
      }
    }
  }

  @Override
  public void startTls(IOSession session) {
  }

  @Override
  public void outputReady(IOSession session) {
  }

  @Override
  public void timeout(IOSession session) {
  }

  @Override
  public void exception(IOSession session, Exception ex) {
  }
}
