/** JMH benchmarks of the JDBC store on PostgreSQL and H2. */
@NullMarked
package dev.icssync.bench.jdbc;

import org.jspecify.annotations.NullMarked;
