package dev.icssync.bench.capacity;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A data source that counts what the store sends, on the client side (the server has no
 * pg_stat_statements here): statements executed (a batch counts once, and its rows as batched
 * statements), COPY operations (an {@code unwrap} to the driver's connection, which is how the store
 * reaches its CopyManager), connection checkouts, how long each was held, explicit commits, and the
 * checkouts that wrote (executed an INSERT, UPDATE, DELETE or COPY, or a SELECT ... FOR UPDATE, which
 * takes a transaction id and row locks, so its commit waits for a WAL flush too): each of those is one
 * write transaction. Assumes a checkout is one transaction, as the store uses its connections.
 */
final class CountingDataSource {
  private static final Pattern WRITE = Pattern.compile("\\b(INSERT|UPDATE|DELETE|COPY)\\b");

  final LongAdder statements = new LongAdder();
  final LongAdder batchedStatements = new LongAdder();
  final LongAdder copies = new LongAdder();
  final LongAdder checkouts = new LongAdder();
  final LongAdder writeCheckouts = new LongAdder();
  final LongAdder commits = new LongAdder();
  final LongAdder holdNanos = new LongAdder();
  private final DataSource counted;

  CountingDataSource(DataSource delegate) {
    counted = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          Object r = invoke(delegate, method, args);
          if (r instanceof Connection c) {
            return connection(c);
          }
          return r;
        });
  }

  DataSource dataSource() {
    return counted;
  }

  /** A snapshot of the counters, in the order of {@link Snapshot}'s components. */
  Snapshot snapshot() {
    return new Snapshot(statements.sum(), batchedStatements.sum(), copies.sum(), checkouts.sum(),
        writeCheckouts.sum(), commits.sum(), holdNanos.sum());
  }

  record Snapshot(long statements, long batchedStatements, long copies, long checkouts, long writeCheckouts,
      long commits, long holdNanos) {
    Snapshot minus(Snapshot b) {
      return new Snapshot(statements - b.statements, batchedStatements - b.batchedStatements, copies - b.copies,
          checkouts - b.checkouts, writeCheckouts - b.writeCheckouts, commits - b.commits, holdNanos - b.holdNanos);
    }
  }

  private Connection connection(Connection real) {
    checkouts.increment();
    long opened = System.nanoTime();
    boolean[] wrote = {false};
    boolean[] closed = {false};
    InvocationHandler h = (proxy, method, args) -> {
      String name = method.getName();
      switch (name) {
        case "close" -> {
          if (!closed[0]) {
            closed[0] = true;
            holdNanos.add(System.nanoTime() - opened);
            if (wrote[0]) {
              writeCheckouts.increment();
            }
          }
        }
        case "commit" -> commits.increment();
        case "unwrap" -> {
          Class<?> iface = (Class<?>) args[0];
          if (iface.getName().startsWith("org.postgresql")) {
            copies.increment(); // the store unwraps the driver's connection for COPY only
            statements.increment();
            wrote[0] = true;
          }
        }
        default -> { }
      }
      Object r = invoke(real, method, args);
      if (r instanceof Statement s && method.getReturnType().isInterface()) {
        String sql = args != null && args.length > 0 && args[0] instanceof String q ? q : "";
        return statement(s, method.getReturnType(), sql, wrote);
      }
      return r;
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private Object statement(Statement real, Class<?> type, String preparedSql, boolean[] wrote) {
    boolean preparedWrites = writes(preparedSql);
    InvocationHandler h = (proxy, method, args) -> {
      String name = method.getName();
      if (name.equals("addBatch")) {
        batchedStatements.increment();
      } else if (name.startsWith("execute")) {
        statements.increment();
        String sql = args != null && args.length > 0 && args[0] instanceof String q ? q : null;
        if (sql != null ? writes(sql) : preparedWrites) {
          wrote[0] = true;
        }
      }
      return invoke(real, method, args);
    };
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
  }

  private static boolean writes(String sql) {
    return WRITE.matcher(sql.toUpperCase(Locale.ROOT)).find();
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
