/** The contract every {@link dev.icssync.spi.ExportCache} passes: {@link dev.icssync.tck.cache.ExportCacheContract}. */
@NullMarked
package dev.icssync.tck.cache;

import org.jspecify.annotations.NullMarked;
