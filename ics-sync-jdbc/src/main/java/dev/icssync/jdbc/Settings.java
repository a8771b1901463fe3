package dev.icssync.jdbc;

import java.time.Duration;

/** The store's configuration, fixed at build time. */
record Settings(Duration statementTimeout, Duration lockTimeout, boolean rowLevelSecurity,
    boolean synchronousApplyCommit) {}
