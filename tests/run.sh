#!/bin/sh
# tests/run.sh: runs every suite — cmocka unit suites (plain and under ASan+UBSan), the rule fixtures, the
# integration scripts (plain and under ASan+UBSan) — MW_TEST_JOBS at a time (default: 2 per core, since most
# suites wait on a server or a child more than they compute), each into build/test-logs/NAME.log, and ends
# with one line "N passed, N failed, N skipped" (suites, not cases).
#
# A suite passes when it exits 0, is skipped when it exits 77 (nothing failed, something did not run: the
# harness's and automake's convention) and fails otherwise, or when it runs past MW_TEST_GUARD seconds (a
# hang guard, not a speed check). Under CI=1 a skipped suite is a failure unless it was queued --may-skip.
# Suites are found by glob — tests/unit/test_*.c (built by make), tests/integration/test_*.py — so a new
# suite needs no line here, nor does a smoke step tests/<dir>/smoke*.sh (a fuzz smoke run); any other step
# is one `suite NAME CMD...` line below. MW_TEST_ONLY="GLOB..." runs only the suites whose names match.
# With MW_SAN_BUILD (make test sets it) the ASan+UBSan build is itself a step beside the plain suites, and
# the sanitized suites run in a second phase once it is done.
cd "$(dirname "$0")/.." || exit 2
B=build
log=$B/test-logs
q=$log/queue
if [ "${1:-}" = "--one" ]; then   # internal: run one queued suite (called through xargs below)
  name=$2
  start=$(date +%s)
  timeout -k 10 "${MW_TEST_GUARD:-600}" sh "$q/$name.cmd" >"$log/$name.log" 2>&1
  rc=$?
  secs=$(($(date +%s) - start))
  echo "$secs" >"$log/$name.secs"
  echo "$rc" >"$log/$name.rc"
  case $rc in
    0) printf '  ok    %-34s %4d s\n' "$name" "$secs" ;;
    77) printf '  skip  %-34s %4d s  (log: %s)\n' "$name" "$secs" "$log/$name.log" ;;
    124|137) printf '  FAIL  %-34s %4d s  still running after %s s: stopped (log: %s)\n' "$name" "$secs" \
          "${MW_TEST_GUARD:-600}" "$log/$name.log" ;;
    *) printf '  FAIL  %-34s %4d s  exit %d (log: %s)\n' "$name" "$secs" "$rc" "$log/$name.log" ;;
  esac
  exit 0
fi

rm -rf "$q"
mkdir -p "$q"
: >"$q/order"
: >"$q/phase1"
: >"$q/phase2"
phase=1
rm -f "$log"/*.rc
export MW_TESTD="$PWD/$B/mw-testd"
export MOONWIRE_SCRIPTS="$PWD/scripts"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"

quote() {   # quote ARG...: each argument single-quoted for sh
  for a in "$@"; do
    printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
  done
}

suite() {   # suite [--may-skip] NAME CMD...: queue a suite (may-skip: a skip does not fail CI)
  may=""
  [ "$1" = "--may-skip" ] && { may=1; shift; }
  name=$1; shift
  if [ -n "${MW_TEST_ONLY:-}" ]; then   # MW_TEST_ONLY='test_crawl* san-*': run only the suites named so
    keep=""
    for pat in $MW_TEST_ONLY; do case $name in $pat) keep=1 ;; esac; done
    [ -z "$keep" ] && return 0
  fi
  quote "$@" >"$q/$name.cmd"
  echo "$name" >>"$q/order"
  echo "$name" >>"$q/phase$phase"
  [ -n "$may" ] && echo "$name" >>"$q/may-skip"
  :
}

run() { suite "$@"; }   # the name older steps used

skipped_now() {   # skipped_now NAME REASON: a suite that cannot even start (its input is absent)
  echo "$2" >"$log/$1.log"
  echo 77 >"$log/$1.rc"
  echo "$1" >>"$q/order.skipped"
  printf '  skip  %-34s        %s\n' "$1" "$2"
}

for t in $B/tests/test_*; do
  case $t in *.d) continue ;; esac
  [ -x "$t" ] && suite "$(basename "$t")" "$t"
done
# The sanitized build (MW_SAN_BUILD, a command: make test passes one) runs as a suite beside the plain
# suites, which mostly wait on servers and children; the sanitized suites run once it has finished.
if [ -n "${MW_SAN_BUILD:-}" ]; then
  suite build-sanitized sh -c "$MW_SAN_BUILD"
  phase=2
  for c in tests/unit/test_*.c; do
    n=$(basename "$c" .c)
    suite "san-$n" "$B/san/tests/$n"
  done
else
  for t in $B/san/tests/test_*; do
    case $t in *.d) continue ;; esac
    [ -x "$t" ] && suite "san-$(basename "$t")" "$t"
  done
fi
phase=1
suite rules-shape "$B/moonwire" test --fixtures tests/rules
if [ -d ../shared/corpus/outlets ]; then
  # no --known: moonwire test finds tests/rules/corpus-known.json for this directory by itself
  suite rules-corpus "$B/moonwire" test --fixtures ../shared/corpus/outlets
else
  skipped_now rules-corpus "../shared/corpus/outlets is absent"
fi
# Smoke steps other parts of the project bring (the fuzz smoke run): every tests/*/smoke*.sh is a suite. They
# run with the sanitized suites (phase 2), since the ASan+UBSan build step also builds the fuzz targets.
[ -n "${MW_SAN_BUILD:-}" ] && phase=2
for t in tests/*/smoke*.sh; do
  [ -f "$t" ] && suite "$(basename "$(dirname "$t")")-$(basename "$t" .sh)" sh "$t"
done
phase=1
# Integration scripts run twice: plain, and against build/san/moonwire. Every one of them drives CLI code
# (run, fetch, extract, shell, new, the WARC reader) that no unit suite reaches, so the sanitized run adds
# what the plain one cannot see. The crash test's sanitized run is a smaller plan (its SIGKILLs leave the
# sanitizers nothing to report; the resume after each kill is what ASan checks there).
for t in tests/integration/test_*.py; do
  [ -f "$t" ] || continue
  n=$(basename "$t")   # test_x.py: the unit suite test_x (a C file) may share the stem
  suite "$n" python3 "$t"
done
[ -n "${MW_SAN_BUILD:-}" ] && phase=2
for t in tests/integration/test_*.py; do
  [ -f "$t" ] || continue
  n=$(basename "$t")
  suite "san-$n" env MOONWIRE="$PWD/$B/san/moonwire" MW_SANITIZED=1 python3 "$t"
done
phase=1

jobs=${MW_TEST_JOBS:-$(($(nproc 2>/dev/null || echo 1) * 2))}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=2
echo "running $(wc -l <"$q/order") suites, $jobs at a time (logs: $log/)"
for ph in 1 2; do
  [ -s "$q/phase$ph" ] || continue
  if [ "$ph" = 2 ] && grep -qx build-sanitized "$q/order" && [ "$(cat "$log/build-sanitized.rc" 2>/dev/null)" != 0 ]; then
    for n in $(cat "$q/phase2"); do   # nothing to run them with
      echo "not run: the sanitized build failed (see $log/build-sanitized.log)" >"$log/$n.log"
      echo 1 >"$log/$n.rc"
    done
    continue
  fi
  # longest first (by the last run's times; new suites first of all), so the slow ones do not start last
  for n in $(cat "$q/phase$ph"); do
    echo "$(cat "$log/$n.secs" 2>/dev/null || echo 9999) $n"
  done | sort -rn | cut -d' ' -f2 >"$q/sorted"
  xargs -r -P "$jobs" -n 1 sh tests/run.sh --one <"$q/sorted"
done

pass=0; fail=0; skip=0; failed=""; skips=""
for n in $(cat "$q/order" "$q/order.skipped" 2>/dev/null); do
  rc=$(cat "$log/$n.rc" 2>/dev/null || echo "missing")
  if [ "$rc" = 0 ]; then
    pass=$((pass + 1))
  elif [ "$rc" = 77 ] && { [ -z "${CI:-}" ] || grep -qx "$n" "$q/may-skip" 2>/dev/null; }; then
    skip=$((skip + 1)); skips="$skips $n"
  else
    fail=$((fail + 1)); failed="$failed $n"
  fi
done
for n in $skips; do
  echo "skipped $n:"
  grep -h '^  skip  \|absent\|not installed' "$log/$n.log" | head -n 5 | sed 's/^ */        /'
done
for n in $failed; do
  rc=$(cat "$log/$n.rc" 2>/dev/null)
  if [ "$rc" = 77 ]; then
    echo "FAIL $n: skipped, and CI=1 expects it to run (queue it --may-skip if that is right):"
  else
    echo "FAIL $n (log: $log/$n.log):"
  fi
  tail -n 30 "$log/$n.log" | sed 's/^/        /'
done
echo
[ -n "$failed" ] && echo "failed:$failed"
[ -n "$skips" ] && echo "skipped:$skips"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
