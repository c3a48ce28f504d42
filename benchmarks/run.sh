#!/usr/bin/env bash
# Builds and runs every benchmark of DESIGN section 8, then prints the summary table that
# BENCHMARKS.md opens with. Takes about 30 minutes on a 2-core machine (files: 5 of them).
#
#   benchmarks/run.sh            everything
#   benchmarks/run.sh jmh click  only some: jmh, click, gossip, catchup, footprint, files
#
# Environment: CLICK_SIZES (30,100), CLICK_COMMANDS (60), GOSSIP_SIZES (250,500,1000,2000,10000),
# GOSSIP_BLOCKS (5), CATCHUP_BLOCKS (100000), IDLE_SECONDS (60), FILES_MB (500), FILES_STUDENTS
# (30; the files step needs about (students + 3) x FILES_MB of free disk), BENCH_JFR=1 to record a JFR
# profile of each harness's measured part into benchmarks/target/*.jfr.
# BENCH_OPTS: more JVM options, e.g. -Dbench.trace=true for the click harness's per-step trace.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=benchmarks/target
STEPS=${*:-jmh click gossip catchup footprint files}

echo "== building (offline if the local repository has everything)"
mvn -q -o -Pbench -pl samples,benchmarks -am package -DskipTests 2>/dev/null \
  || mvn -q -Pbench -pl samples,benchmarks -am package -DskipTests
JAR=$OUT/benchmarks.jar
RESULTS_DIR=$OUT/results   # one file per step: rerunning a step replaces only its figures
mkdir -p "$RESULTS_DIR"
LOG="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.org.classchain.core.dispatch.Dispatcher=error"
jfr() { [ "${BENCH_JFR:-0}" = 1 ] && echo "-Dbench.jfr=$OUT/$1.jfr" || true; }
run() { java -Dbench.results="$RESULTS_DIR/$step.tsv" $LOG ${BENCH_OPTS:-} "$@"; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for step in $STEPS; do
  rm -f "$RESULTS_DIR/$step.tsv"
  case $step in
    jmh)
      echo "== JMH: mining and validation"
      # two forks of ten 1-second iterations each: on a shared machine the best iteration is the
      # least disturbed one, and Summary reports it beside the mean
      java -jar "$JAR" 'MiningBenchmark|ValidationBenchmark' -f 2 -wi 3 -w 1 -i 10 -r 1 \
        -rf json -rff "$OUT/jmh.json" | grep -E '^(Benchmark|Mining|Validation)'
      echo "== paired cross-check of the two ratios (alternating slices)"
      run -cp "$JAR" org.classchain.bench.PairedRatio 60
      echo "== mining on the miner's thread alone and with its helper threads (same headers, alternating)"
      run -cp "$JAR" org.classchain.bench.MiningThreads 300
      ;;
    click)
      run -Xmx4g $(jfr click) -cp "$JAR" org.classchain.bench.ClickToExecuted "${CLICK_SIZES:-30,100}" "${CLICK_COMMANDS:-60}" 10
      ;;
    gossip)
      run -Xmx16g -Xss512k $(jfr gossip) -cp "$JAR" org.classchain.bench.GossipSimulation \
        "${GOSSIP_SIZES:-250,500,1000,2000,10000}" "${GOSSIP_BLOCKS:-5}" "$OUT/gossip.png"
      ;;
    catchup)
      run -Xmx4g $(jfr catch-up) -Dorg.slf4j.simpleLogger.log.org.classchain.core.peer.Peer=error \
        -cp "$JAR" org.classchain.bench.CatchUp "${CATCHUP_BLOCKS:-100000}"
      echo "== the chain layer of catch-up alone"
      run -Xmx4g -cp "$JAR" org.classchain.bench.ChainAccept 20000 7
      ;;
    footprint)
      run -cp "$JAR" org.classchain.bench.Footprint samples/target/classchain.jar "${IDLE_SECONDS:-60}" 5
      ;;
    files)
      run -Xmx2g $(jfr file-fanout) -cp "$JAR" org.classchain.bench.FileFanOut "${FILES_MB:-500}" "${FILES_STUDENTS:-30}"
      ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
  echo "== load average after $step: $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '#load\t%s: load average (1, 5, 15 min) after the step %s\n' "$step" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    >> "$RESULTS_DIR/$step.tsv"
done
rm -f "$RESULTS_DIR/jmh-scores.tsv"
java -Dbench.results="$RESULTS_DIR/jmh-scores.tsv" -Dbench.results.dir="$RESULTS_DIR" -cp "$JAR" \
  org.classchain.bench.Summary "$OUT/jmh.json"
