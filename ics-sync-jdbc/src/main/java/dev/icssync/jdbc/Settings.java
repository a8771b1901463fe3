package dev.icssync.jdbc;

import dev.icssync.jdbc.JdbcStore.PostgresUpsert;
import java.time.Duration;

/** The store's configuration, fixed at build time. */
record Settings(Duration statementTimeout, Duration lockTimeout, boolean rowLevelSecurity,
    boolean synchronousApplyCommit, PostgresUpsert postgresUpsert, int initialCopyThreshold, int copyThreshold) {}
