/** The ics-sync API: the {@link dev.icssync.IcsSync} entry point, the model records and the configuration. */
@NullMarked
package dev.icssync;

import org.jspecify.annotations.NullMarked;
