/**
 * A JDBC store for PostgreSQL (production) and H2 (embedded default): {@link dev.icssync.jdbc.JdbcStore}.
 * Everything else in this package is an implementation detail.
 */
@NullMarked
package dev.icssync.jdbc;

import org.jspecify.annotations.NullMarked;
