/**
 * Spring Boot auto-configuration of ics-sync: the JDBC store on the application's
 * {@link javax.sql.DataSource}, the HTTP fetcher, the caches, the engine, the scheduler, the export
 * endpoint in the application's own web server, metrics and health. Every bean backs off when the
 * application declares its own; every property lives under {@code ics-sync} (see
 * {@link dev.icssync.spring.boot.IcsSyncProperties}).
 */
@NullMarked
package dev.icssync.spring.boot;

import org.jspecify.annotations.NullMarked;
