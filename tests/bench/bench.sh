#!/bin/sh
# tests/bench/bench.sh (`make bench`, after `make all` and build/bench/*): the corpus benchmarks
# (tests/bench/bench.py: parse vs extract, CLI throughput, quality and speed beside the peers), the scale
# figures (tests/bench/scale.py: 14 MB pages, 10,000 rules, extract -j), the stories benchmark
# (tests/bench/stories.py), then the crawler benchmark tests/bench/crawl.sh when it exists. Corpus pages are
# read from ../shared, never copied.
cd "$(dirname "$0")/../.." || exit 1
CORPUS=../shared/corpus
export PYTHONDONTWRITEBYTECODE=1   # the peer runners import a helper: no __pycache__ in the source tree
status=0

if [ ! -d "$CORPUS/generic" ]; then
  echo "bench: $CORPUS/generic is absent: skipping the corpus benchmarks (parse/extract speed, quality, peers)"
elif ! command -v python3 >/dev/null 2>&1; then
  # Without python there is no table nor scoring, but the in-process timers still say something.
  echo "bench: python3 not found: raw timer output only (no quality figures, no peers)"
  build/bench/parsebench parse "$CORPUS/generic" || status=1
  build/bench/parsebench extract "$CORPUS/generic" || status=1
else
  python3 tests/bench/bench.py --corpus "$CORPUS" --out build/bench || status=1
fi

if command -v python3 >/dev/null 2>&1 && [ -x build/bench/stories ]; then
  echo
  python3 tests/bench/stories.py || status=1
fi

if command -v python3 >/dev/null 2>&1; then
  echo
  python3 tests/bench/scale.py --corpus "$CORPUS" || status=1
fi

if command -v python3 >/dev/null 2>&1; then
  echo
  python3 tests/bench/workers.py || status=1
fi

if [ -f tests/bench/crawl.sh ]; then
  echo
  sh tests/bench/crawl.sh || status=1
fi
exit $status
