/** Time for adapter tests: {@link dev.icssync.tck.time.MutableClock}, a clock moved by hand. */
@NullMarked
package dev.icssync.tck.time;

import org.jspecify.annotations.NullMarked;
