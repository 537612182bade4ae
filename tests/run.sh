#!/bin/sh
# tests/run.sh: runs every suite — cmocka unit suites (plain and under ASan+UBSan), the integration
# scripts, the rule fixtures — and ends with one line "N passed, N failed" (suites, not cases).
cd "$(dirname "$0")/.." || exit 2
B=build
pass=0
fail=0
failed=""
log=$B/test-logs
mkdir -p "$log"
export MW_TESTD="$PWD/$B/mw-testd"
export MOONWIRE_SCRIPTS="$PWD/scripts"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"

run() {   # run NAME CMD...
  name=$1; shift
  if "$@" >"$log/$name.log" 2>&1; then
    pass=$((pass + 1)); printf '  ok    %s\n' "$name"
  else
    fail=$((fail + 1)); failed="$failed $name"; printf '  FAIL  %s  (log: %s)\n' "$name" "$log/$name.log"
    tail -n 30 "$log/$name.log" | sed 's/^/        /'
  fi
}

echo "unit suites:"
for t in $B/tests/test_*; do
  [ -x "$t" ] || continue
  run "$(basename "$t")" "$t"
done
echo "unit suites under AddressSanitizer + UndefinedBehaviorSanitizer:"
for t in $B/san/tests/test_*; do
  [ -x "$t" ] || continue
  run "san-$(basename "$t")" "$t"
done
echo "rule fixtures (moonwire test):"
run rules-shape "$B/moonwire" test --fixtures tests/rules
if [ -d ../shared/corpus/outlets ]; then
  run rules-corpus "$B/moonwire" test --known tests/rules/corpus-known.json --fixtures ../shared/corpus/outlets
elif [ -n "${CI:-}" ]; then
  echo "  FAIL  rules-corpus: ../shared/corpus/outlets is missing (CI must have it)"; fail=$((fail + 1))
else
  echo "  skip  rules-corpus: ../shared/corpus/outlets is absent"
fi
echo "integration:"
for t in tests/integration/test_*.py; do
  [ -f "$t" ] || continue
  run "$(basename "$t" .py)" python3 "$t"
done
echo "integration under AddressSanitizer + UndefinedBehaviorSanitizer (build/san/moonwire):"
for t in tests/integration/test_*.py; do
  [ -f "$t" ] || continue
  run "san-$(basename "$t" .py)" env MOONWIRE="$PWD/$B/san/moonwire" MW_SANITIZED=1 python3 "$t"
done
# fuzz targets (built by make test when clang is there): a smoke run, not a timed test: each target runs
# its seeds, then mutates them from a fixed seed for about 3 s; `make fuzz FUZZ_SECONDS=N` runs them long.
echo "fuzz targets, a few seconds each on their seeds (build/fuzz):"
if ls $B/fuzz/fuzz_* >/dev/null 2>&1 && python3 tests/fuzz/seeds.py "$B/fuzz/seeds" >/dev/null; then
  for t in $B/fuzz/fuzz_*; do
    [ -x "$t" ] || continue
    n=$(basename "$t")
    rm -rf "$B/fuzz/smoke/$n" && mkdir -p "$B/fuzz/smoke/$n"
    run "$n" "$t" -seed=1 -max_total_time=3 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$B/fuzz/smoke/" \
      "$B/fuzz/smoke/$n" "$B/fuzz/seeds/$n"
  done
elif [ -n "${CI:-}" ]; then
  echo "  FAIL  fuzz targets: none built (clang missing?)"; fail=$((fail + 1))
else
  echo "  skip  fuzz targets: none built (make fuzz-build needs clang)"
fi
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
