/**
 * The capacity model: {@link dev.icssync.bench.capacity.UnitCostMeasurement} measures what one sync costs by
 * outcome (CPU, statements, commits, rows, WAL, bytes, Redis commands, heap) on the load test's rig
 * and writes {@code unit-costs.json}; {@link dev.icssync.bench.capacity.CapacityModel} turns those
 * costs, a fleet and a deployment into rates and utilisations, checks itself against the load test's
 * scale rows and writes SCALING.md. One command runs both: {@code ics-sync-bench/run-capacity.sh}.
 */
@NullMarked
package dev.icssync.bench.capacity;

import org.jspecify.annotations.NullMarked;
