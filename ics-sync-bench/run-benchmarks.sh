#!/usr/bin/env bash
# Regenerates BENCHMARKS.md at the repository root, in one command:
#   1. builds ics-sync-bench/target/benchmarks.jar (mvn package, tests skipped);
#   2. runs every JMH suite in one JMH run with -prof gc into ics-sync-bench/target/results/jmh.json;
#   3. runs the load test (dev.icssync.bench.load.LoadTest) when benchmarks.jar holds it, into the same
#      directory (load.json, load.md);
#   4. times the cold start of ics-sync-cli/target/ics-sync.jar beside a hello-world JVM
#      (dev.icssync.bench.coldstart.ColdStart: coldstart.json, and coldStart in load.json);
#   5. measures the unit costs of a sync by outcome (dev.icssync.bench.capacity.UnitCostMeasurement;
#      --quick: its small sizes) into the same directory (unit-costs.json, unit-costs.log);
#   6. writes BENCHMARKS.md with dev.icssync.bench.report.BenchmarksReport (its "Unit costs of a sync,
#      by outcome" section reads unit-costs.json, and says 'not measured' without it).
# SCALING.md from the same measurements, without measuring twice:
#   ics-sync-bench/run-benchmarks.sh --full
#   SKIP_BUILD=1 LOAD_JSON=ics-sync-bench/target/results/load.json \
#     UNIT_COSTS=ics-sync-bench/target/results/unit-costs.json ics-sync-bench/run-capacity.sh --full
#
# Usage: ics-sync-bench/run-benchmarks.sh [--quick | --full]   (default --full)
#   --quick  -f 1 -wi 2 -i 3, 1 s iterations: a check that everything runs (70 results; 10 min measured
#            on a loaded 2-core machine before the 12 HTTP/2 fetch results, which add about 3 min)
#   --full   -f 2 -wi 2 -i 4, 1 s iterations: the figures of BENCHMARKS.md. The last full run, on a
#            quiet 2-core machine on 2026-12-02, took 31 min for the whole command: JMH 21 min (the
#            HTTP/2 fetch suite included: every fork makes its own certificate), the load test's
#            --full --huge run 5 min (its 100,000-feed point included), the unit-cost measurement
#            (10,000 feeds per outcome after 20,000 warm-up syncs) about 3 min, the build and the
#            cold start the rest. Since then the load test warms its JVM up on a set of 2,000 feeds before
#            the scale curve's warm rows, and syncs the 100,000-event feed in a few more child JVMs
#            (the live-set probe, then heaps from 96 MB down until one fails): an estimated one to
#            two more minutes. A loaded machine takes longer (34 min for the whole command on a loaded
#            2-core machine, before the 100,000-feed point was added). The load test, the cold start
#            and the unit costs each wait first, up to 4 min, for the 1-minute load average to fall
#            below 1 (the previous step's own threads keep it high for minutes): up to 12 min more,
#            usually 4 to 6.
# Environment: MVN_FLAGS (extra Maven flags, e.g. -o), SKIP_BUILD=1 (reuse benchmarks.jar),
#   JMH_EXTRA (extra JMH options, e.g. "-foe true").
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth; else the JDBC suites start an embedded one) and
# Redis on 127.0.0.1:6379 for the Redis row of the export cache suite (that row fails without it; the
# rest of the run goes on).
set -euo pipefail

profile=full
case "${1:-}" in
  --quick) profile=quick ;;
  --full | "") profile=full ;;
  *) echo "usage: $0 [--quick | --full]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
# how busy the machine is before the first step; BENCHMARKS.md shows it beside the load at the end
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
echo ">> load average at start: $load_at_start"
jar=ics-sync-bench/target/benchmarks.jar
results=ics-sync-bench/target/results

# Waits, at most 4 minutes, until the 1-minute load average is below 1 before a step that follows
# another: the load test alone keeps dozens of threads runnable on two cores, and its load average
# decays for minutes after it ends, so the next step would start (and record as its load at start)
# the tail of the run's own previous step instead of a quiet machine.
await_quiet() {
  local waited=0 load
  while (( waited < 240 )); do
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
    if awk -v l="$load" 'BEGIN { exit !(l < 1) }'; then
      break
    fi
    sleep 5
    waited=$((waited + 5))
  done
  echo ">> load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) before $1 (waited $waited s)"
}

build_command=""
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  # shellcheck disable=SC2206
  build=(mvn -B -q ${MVN_FLAGS:-} package -pl ics-sync-bench,ics-sync-cli -am -DskipTests)
  build_command="${build[*]}"
  echo ">> $build_command"
  "${build[@]}"
fi
mkdir -p "$results"
rm -f "$results/jmh.json" "$results/load.json" "$results/load.md" "$results/coldstart.json" "$results/unit-costs.json"

# Every suite of BENCHMARKS.md, one regex, one JMH run.
suites='^dev\.icssync\.bench\.(parse\.ParseBenchmark|export\.(WriteBenchmark|ExportBenchmark|ExportEndpointBenchmark)|engine\.(DiffBenchmark|ConflictBenchmark)|jdbc\.(JdbcStoreLoadBenchmark|JdbcStoreResyncBenchmark)|http\.(FetchBenchmark|FetchH2Benchmark)|cache\.ExportCacheBenchmark)\.'
if [[ $profile == quick ]]; then
  timing=(-f 1 -wi 2 -i 3 -w 1s -r 1s)
else
  timing=(-f 2 -wi 2 -i 4 -w 1s -r 1s)
fi
# JDBC suites: the default technique on PostgreSQL and H2 in memory (the other techniques are a
# manual run, see ics-sync-jdbc/README.md).
params=(-p target=postgres-auto,h2-memory)
jvm_args="-Xms2g -Xmx2g -XX:+AlwaysPreTouch"
# shellcheck disable=SC2206
jmh=(java -jar "$jar" "$suites" "${timing[@]}" "${params[@]}" -prof gc -rf json -rff "$results/jmh.json"
  -jvmArgs "$jvm_args" ${JMH_EXTRA:-})

quote() {
  local out="" a
  for a in "$@"; do
    if [[ $a =~ [^A-Za-z0-9_./=:,+-] ]]; then out+=" '${a//\'/\'\\\'\'}'"; else out+=" $a"; fi
  done
  echo "${out# }"
}

jmh_command=$(quote "${jmh[@]}")
echo ">> $jmh_command"
start=$(date +%s)
set +e
"${jmh[@]}" 2>&1 | tee "$results/jmh.log"
jmh_status=${PIPESTATUS[0]}
set -e
jmh_seconds=$(( $(date +%s) - start ))
if [[ ! -s "$results/jmh.json" ]]; then
  echo ">> JMH wrote no results (exit $jmh_status), see $results/jmh.log" >&2
  exit 1
fi
if grep -q '<failure>' "$results/jmh.log"; then
  echo ">> some benchmarks failed (see $results/jmh.log); BENCHMARKS.md says 'not run' for them" >&2
fi

load_command=""
load_seconds=-1
if unzip -l "$jar" 'dev/icssync/bench/load/LoadTest.class' > /dev/null 2>&1; then
  await_quiet "the load test"
  # --full adds the 100,000-feed point (--huge), which gets a 2 GB heap (load.md prints the heap)
  if [[ $profile == full ]]; then
    load_heap=(-Xms2g -Xmx2g) load_extra=(--huge)
  else
    load_heap=(-Xms1g -Xmx1g) load_extra=()
  fi
  load=(java "${load_heap[@]}" -XX:+AlwaysPreTouch -Dsun.net.httpserver.nodelay=true -cp "$jar"
    dev.icssync.bench.load.LoadTest "--$profile" "${load_extra[@]}" --out "$results")
  load_command=$(quote "${load[@]}")
  echo ">> $load_command"
  start=$(date +%s)
  set +e
  "${load[@]}" 2>&1 | tee "$results/load.log"
  load_status=${PIPESTATUS[0]}
  set -e
  load_seconds=$(( $(date +%s) - start ))
  if [[ $load_status != 0 ]]; then
    echo ">> the load test failed (exit $load_status), see $results/load.log" >&2
  fi
else
  echo ">> dev.icssync.bench.load.LoadTest is not in $jar: BENCHMARKS.md says the load test was not run"
fi

# Cold start: whole processes of the command (with and without its class-data archive) beside a
# hello-world JVM, taking turns; after the load test, on a machine that is quiet again.
if [[ -f ics-sync-cli/target/ics-sync.jar ]]; then
  await_quiet "the cold start"
  echo ">> java -cp $jar dev.icssync.bench.coldstart.ColdStart --jar ics-sync-cli/target/ics-sync.jar --out $results"
  java -cp "$jar" dev.icssync.bench.coldstart.ColdStart --jar ics-sync-cli/target/ics-sync.jar --out "$results" \
    || echo ">> the cold-start run failed; BENCHMARKS.md says it was not measured" >&2
fi

# The unit costs of issue 25, on the load test's rig (the same file run-capacity.sh's model reads).
units_command=""
if unzip -l "$jar" 'dev/icssync/bench/capacity/UnitCostMeasurement.class' > /dev/null 2>&1; then
  if [[ $profile == quick ]]; then units_extra=(--quick); else units_extra=(); fi
  units=(java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp "$jar" dev.icssync.bench.capacity.UnitCostMeasurement
    "${units_extra[@]}" --out "$results")
  units_command=$(quote "${units[@]}")
  await_quiet "the unit costs"
  echo ">> $units_command"
  set +e
  "${units[@]}" > "$results/unit-costs.log" 2>&1
  units_status=$?
  set -e
  grep -v '^\(INFO\|[A-Z][a-z][a-z] [0-9][0-9], \)' "$results/unit-costs.log" || true
  if [[ $units_status != 0 ]]; then
    echo ">> the unit-cost measurement failed (exit $units_status), see $results/unit-costs.log" >&2
  fi
else
  echo ">> dev.icssync.bench.capacity.UnitCostMeasurement is not in $jar: BENCHMARKS.md says the unit costs were not measured"
fi

java -cp "$jar" dev.icssync.bench.report.BenchmarksReport \
  --jmh "$results/jmh.json" --load-md "$results/load.md" --load-json "$results/load.json" \
  --unit-costs "$results/unit-costs.json" --unit-costs-command "$units_command" --out BENCHMARKS.md \
  --profile "$profile" --command "ics-sync-bench/run-benchmarks.sh --$profile" --build-command "$build_command" \
  --jmh-command "$jmh_command" --load-command "$load_command" \
  --jmh-seconds "$jmh_seconds" --load-seconds "$load_seconds" --load-at-start "$load_at_start"
echo ">> load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
