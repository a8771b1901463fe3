package dev.icssync.bench.load;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * A data source that counts the statements its connections execute: each call of
 * {@code execute}, {@code executeQuery}, {@code executeUpdate}, {@code executeLargeUpdate} and each
 * {@code executeBatch} (one round trip, however many rows it carries) counts once. Rows written by
 * {@code COPY} through the driver's own API are not statements here. Everything else is passed
 * through, {@code unwrap} included.
 */
final class CountingDataSource {
  private CountingDataSource() {}

  static DataSource wrap(DataSource target, LongAdder statements) {
    return (DataSource) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          Object r = invoke(target, method, args);
          return r instanceof Connection c ? connection(c, statements) : r;
        });
  }

  private static Connection connection(Connection c, LongAdder statements) {
    return (Connection) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          Object r = invoke(c, method, args);
          return r instanceof Statement s ? statement(s, statements) : r;
        });
  }

  private static Statement statement(Statement s, LongAdder statements) {
    Class<?>[] types = s instanceof java.sql.CallableStatement ? new Class<?>[] {java.sql.CallableStatement.class}
        : s instanceof java.sql.PreparedStatement ? new Class<?>[] {java.sql.PreparedStatement.class}
        : new Class<?>[] {Statement.class};
    InvocationHandler h = (proxy, method, args) -> {
      if (method.getName().startsWith("execute")) {
        statements.increment();
      }
      return invoke(s, method, args);
    };
    return (Statement) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), types, h);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
