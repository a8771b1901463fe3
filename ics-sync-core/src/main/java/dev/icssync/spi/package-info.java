/** What adapters implement: stores, fetchers, caches, listeners and policies. Every method here is unchecked; expected failures are values. */
@NullMarked
package dev.icssync.spi;

import org.jspecify.annotations.NullMarked;
