#!/usr/bin/env bash
# Regenerates SCALING.md at the repository root, in one command:
#   1. builds ics-sync-bench/target/benchmarks.jar (mvn package, tests skipped);
#   2. runs the load test's scale curve (dev.icssync.bench.load.LoadTest --parts scale, 100 / 1,000 /
#      10,000 feeds) into ics-sync-bench/target/results/capacity/load.json: the rows the model is
#      checked against, its warm ones only (the scale curve syncs a warm-up set of 2,000 feeds before
#      them, as the unit costs are measured after a warm-up; SCALING.md names the cold rows it leaves
#      out) (LOAD_JSON=path reuses a load.json instead, e.g. the one run-benchmarks.sh wrote);
#   3. measures the unit costs of a sync by outcome (dev.icssync.bench.capacity.UnitCostMeasurement)
#      and the fixed cost of a cycle (cycles of 50 and 2,000 feeds per outcome, four of each: the
#      intercept and slope of a line through cost against size; sizes none of the load test's rows
#      have, so the model is not fitted to what it is checked against) into
#      ics-sync-bench/target/results/unit-costs.json (UNIT_COSTS=path reuses a unit-costs.json
#      instead, e.g. the one run-benchmarks.sh wrote; one without cycle costs gives the purely
#      per-sync model);
#   4. runs the model (dev.icssync.bench.capacity.CapacityModel): checks it against the scale rows,
#      predicts 10,000 / 100,000 / 1,000,000 feeds at a 15-minute interval, writes SCALING.md and
#      ics-sync-bench/target/results/capacity.json.
#
# Usage: ics-sync-bench/run-capacity.sh [--quick | --full]   (default --full)
#   --quick  a check that everything runs (scale 100,1000; 200 feeds per outcome; cycles of 20 and 200
#            feeds for the fixed cost of a cycle): writes
#            ics-sync-bench/target/results/SCALING.quick.md, not SCALING.md
#   --full   the figures: run it on a quiet machine (the load average is printed at start and end
#            and recorded in SCALING.md); about 10 min on a 2-core machine, and two or three more for
#            the cycles of two sizes
# Environment: MVN_FLAGS (extra Maven flags, e.g. -o), SKIP_BUILD=1 (reuse benchmarks.jar),
#   LOAD_JSON (reuse this load.json), UNIT_COSTS (reuse this unit-costs.json), MODEL_ARGS (extra CapacityModel options, e.g. "--change-rate 0.05" or
#   "--cycle-period 30s").
# SCALING.md from the measurements of run-benchmarks.sh (its load.json and unit-costs.json; nothing is
# measured twice, and SCALING.md agrees with BENCHMARKS.md):
#   ics-sync-bench/run-benchmarks.sh --full
#   SKIP_BUILD=1 LOAD_JSON=ics-sync-bench/target/results/load.json \
#     UNIT_COSTS=ics-sync-bench/target/results/unit-costs.json ics-sync-bench/run-capacity.sh --full
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth, superuser for pg_walinspect; else WAL is the
# cluster-wide LSN delta) and Redis on 127.0.0.1:6379 (else the Redis rows are zero).
set -euo pipefail

profile=full
case "${1:-}" in
  --quick) profile=quick ;;
  --full | "") profile=full ;;
  *) echo "usage: $0 [--quick | --full]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
jar=ics-sync-bench/target/benchmarks.jar
results=ics-sync-bench/target/results
echo ">> load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  # shellcheck disable=SC2206
  build=(mvn -B -q ${MVN_FLAGS:-} package -pl ics-sync-bench -am -DskipTests)
  echo ">> ${build[*]}"
  "${build[@]}"
fi
mkdir -p "$results/capacity"

if [[ $profile == quick ]]; then
  scale=100,1000
  unit=(--quick)
  out=$results/SCALING.quick.md
else
  scale=100,1000,10000
  unit=()
  out=SCALING.md
fi

load_json=${LOAD_JSON:-}
if [[ -z $load_json ]]; then
  load=(java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dsun.net.httpserver.nodelay=true -cp "$jar"
    dev.icssync.bench.load.LoadTest --parts scale --scale "$scale" --out "$results/capacity")
  echo ">> ${load[*]}"
  "${load[@]}" > "$results/capacity/load.log" 2>&1 || { echo ">> the load test failed, see $results/capacity/load.log" >&2; exit 1; }
  load_json=$results/capacity/load.json
fi

unit_costs=${UNIT_COSTS:-}
if [[ -z $unit_costs ]]; then
  costs=(java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp "$jar" dev.icssync.bench.capacity.UnitCostMeasurement
    "${unit[@]}" --out "$results")
  echo ">> ${costs[*]}"
  "${costs[@]}" 2>&1 | grep -v '^\(INFO\|[A-Z][a-z][a-z] [0-9][0-9], \)' | tee "$results/unit-costs.log"
  unit_costs=$results/unit-costs.json
elif [[ ! -s $unit_costs ]]; then
  echo ">> UNIT_COSTS=$unit_costs: no such file" >&2
  exit 1
else
  echo ">> reusing $unit_costs (UNIT_COSTS)"
fi

# SCALING.md names the command, with the files it reused
command="ics-sync-bench/run-capacity.sh --$profile"
[[ -n ${UNIT_COSTS:-} ]] && command="UNIT_COSTS=$UNIT_COSTS $command"
[[ -n ${LOAD_JSON:-} ]] && command="LOAD_JSON=$LOAD_JSON $command"
# shellcheck disable=SC2206
model=(java -cp "$jar" dev.icssync.bench.capacity.CapacityModel --unit-costs "$unit_costs"
  --load-json "$load_json" --out "$out" --json "$results/capacity.json"
  --command "$command" ${MODEL_ARGS:-})
echo ">> ${model[*]}"
"${model[@]}"
echo ">> load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
