/** Benchmarks of export rendering and a load run of the export endpoint. */
@NullMarked
package dev.icssync.bench.export;

import org.jspecify.annotations.NullMarked;
