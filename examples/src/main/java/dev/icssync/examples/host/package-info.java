/**
 * Example: a small host application embedding ics-sync with PostgreSQL (HikariCP), the persistent
 * scheduler and the export endpoint.
 */
@NullMarked
package dev.icssync.examples.host;

import org.jspecify.annotations.NullMarked;
