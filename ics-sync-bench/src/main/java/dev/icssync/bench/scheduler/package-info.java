/** The scheduler load harness: {@link dev.icssync.bench.scheduler.SchedulerLoad}. */
@NullMarked
package dev.icssync.bench.scheduler;

import org.jspecify.annotations.NullMarked;
