/** JMH benchmarks of feed parsing: our streaming parser against ical4j and biweekly. */
@NullMarked
package dev.icssync.bench.parse;

import org.jspecify.annotations.NullMarked;
