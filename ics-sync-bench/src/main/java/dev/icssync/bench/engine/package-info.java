/**
 * JMH benchmarks of the sync engine: the diff of a large feed and double-booking detection.
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp ... org.openjdk.jmh.Main 'dev.icssync.bench.engine' -f 1 -wi 2 -i 3
 * </pre>
 */
@NullMarked
package dev.icssync.bench.engine;

import org.jspecify.annotations.NullMarked;
