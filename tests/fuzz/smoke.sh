#!/bin/sh
# tests/fuzz/smoke.sh: the fuzz targets' smoke run inside `make test` (a suite of tests/run.sh): every built
# target (build/fuzz/fuzz_*, made by `make fuzz-build` with clang) runs its seeds, then mutates them from a
# fixed seed for a fixed number of runs (about 3 s each here), so every machine runs the same inputs: it checks
# that no seed or mutant crashes, leaks or hangs. `make fuzz FUZZ_SECONDS=N` runs the targets long. Exit 77
# (skipped) when none is built.
cd "$(dirname "$0")/../.." || exit 2
B=build/fuzz
ls $B/fuzz_* >/dev/null 2>&1 || { echo "  skip  fuzz targets: none built (make fuzz-build needs clang)"; exit 77; }
python3 tests/fuzz/seeds.py "$B/seeds" >/dev/null || exit 2
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fail=0
runs_of() {   # fixed per target, from each one's speed: a time bound made a faster machine run other inputs
  case "$1" in
    fuzz_date|fuzz_url) echo 200000 ;;
    fuzz_css|fuzz_jsonld|fuzz_warc_read) echo 50000 ;;
    fuzz_state) echo 100000 ;;
    fuzz_discover|fuzz_pattern) echo 12000 ;;
    fuzz_html|fuzz_lua) echo 1000 ;;
    *) echo 4000 ;;
  esac
}
for t in $B/fuzz_*; do
  [ -x "$t" ] || continue
  n=$(basename "$t")
  rm -rf "$B/smoke/$n" && mkdir -p "$B/smoke/$n"
  if "$t" -seed=1 -runs="$(runs_of "$n")" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$B/smoke/" \
      "$B/smoke/$n" "$B/seeds/$n" >"$B/smoke/$n.log" 2>&1; then
    echo "  ok    $n"
  else
    echo "  FAIL  $n (log: $B/smoke/$n.log)"; tail -n 30 "$B/smoke/$n.log"; fail=1
  fi
done
exit $fail
