package dev.icssync.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * A data source for the tests that count, never time, what the store sends to the database: it
 * tells a {@link Listener} of every commit and of every statement executed, with its SQL. A COPY
 * through the driver's copy API is no JDBC statement and is not seen.
 */
final class CountingDataSource {
  private CountingDataSource() {}

  /** Hears what the store's connections do. */
  interface Listener {
    /** A connection committed. */
    default void committed() {}

    /**
     * A statement was executed: {@code sql} is what it was prepared with or, for a plain statement,
     * what its execute method was given (null for its batch); {@code method} is the execute method's
     * name and {@code result} what it returned.
     */
    void executed(String sql, String method, Object result);
  }

  /**
   * The target, counting its commits and the executions of the statements whose SQL passes {@code
   * counted} (given null for a plain statement's batch).
   */
  static DataSource counting(DataSource target, AtomicInteger commits, AtomicInteger statements,
      Predicate<String> counted) {
    return wrap(target, new Listener() {
      @Override
      public void committed() {
        commits.incrementAndGet();
      }

      @Override
      public void executed(String sql, String method, Object result) {
        if (counted.test(sql)) {
          statements.incrementAndGet();
        }
      }
    });
  }

  /** The target, telling the listener of every commit and statement execution. */
  static DataSource wrap(DataSource target, Listener listener) {
    return proxy(DataSource.class, target, (method, result, args) -> {
      if (!(result instanceof Connection c)) {
        return result;
      }
      return proxy(Connection.class, c, (m2, r2, a2) -> {
        if (m2.getName().equals("commit")) {
          listener.committed();
        }
        if (!(r2 instanceof Statement st)) {
          return r2;
        }
        String prepared = r2 instanceof PreparedStatement && a2.length > 0 ? String.valueOf(a2[0]) : null;
        return proxy(statementType(m2.getReturnType()), st, (m3, r3, a3) -> {
          if (m3.getName().startsWith("execute")) {
            String sql = prepared != null ? prepared : a3.length > 0 ? String.valueOf(a3[0]) : null;
            listener.executed(sql, m3.getName(), r3);
          }
          return r3;
        });
      });
    });
  }

  @SuppressWarnings("unchecked")
  private static Class<Statement> statementType(Class<?> declared) {
    return Statement.class.isAssignableFrom(declared) ? (Class<Statement>) declared : Statement.class;
  }

  @FunctionalInterface
  private interface After {
    Object apply(java.lang.reflect.Method method, Object result, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, T target, After after) {
    InvocationHandler h = (p, method, args) -> {
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      return after.apply(method, result, args == null ? new Object[0] : args);
    };
    return type.cast(Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, h));
  }
}
