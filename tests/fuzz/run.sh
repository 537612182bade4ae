#!/bin/sh
# tests/fuzz/run.sh SECONDS [JOBS]: runs every built fuzz target (build/fuzz/fuzz_*) for SECONDS on its
# corpus (build/fuzz/corpus/<target>, grown by the run, plus the seeds tests/fuzz/seeds.py makes), JOBS
# targets at a time, with libFuzzer's -timeout=10 (a hang) and -rss_limit_mb=2048 (an input above 2 GB).
# Crashes, leaks, hangs and memory blow-ups land in build/fuzz/artifacts/<target>/; the summary line per
# target gives executions and coverage. Exit status 1 when any target failed.
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-60}
jobs=${2:-1}
B=build/fuzz
python3 tests/fuzz/seeds.py "$B/seeds" >/dev/null || exit 2
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
one() {
  t=$1; name=$(basename "$t")
  mkdir -p "$B/corpus/$name" "$B/artifacts/$name" "$B/logs"
  log="$B/logs/$name.log"
  "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$B/artifacts/$name/" "$B/corpus/$name" "$B/seeds/$name" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
  units=$(ls "$B/corpus/$name" | wc -l)
  if [ "$rc" -eq 0 ]; then s=ok; else s=FAIL; fi
  printf '%-5s %-16s %ss  execs %s  cov %s  ft %s  corpus %s  peak %s MB  (log: %s)\n' "$s" "$name" "$secs" \
    "${execs:-?}" "${cov:-?}" "${ft:-?}" "$units" "${peak:-?}" "$log"
  [ "$rc" -eq 0 ]
}
fail=0
running=0
for t in $B/fuzz_*; do
  [ -x "$t" ] || continue
  if [ "$jobs" -gt 1 ]; then
    ( one "$t" ) || touch "$B/logs/.failed" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait; running=0; fi
  else
    one "$t" || fail=1
  fi
done
wait
if [ -f "$B/logs/.failed" ]; then rm -f "$B/logs/.failed"; fail=1; fi
exit $fail
