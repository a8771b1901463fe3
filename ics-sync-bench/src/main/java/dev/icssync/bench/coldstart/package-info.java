/**
 * Cold start: {@link dev.icssync.bench.coldstart.ColdStart} times whole processes of the
 * {@code ics-sync} command beside a hello-world JVM, and writes {@code coldstart.json}.
 */
@NullMarked
package dev.icssync.bench.coldstart;

import org.jspecify.annotations.NullMarked;
