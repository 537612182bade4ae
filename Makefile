# moonwire — plain `make` builds build/moonwire and build/libmoonwire.a.
# make test | make demo | make bench | make install PREFIX=/usr/local | make peers | make mutants | make clean

PKGS     := lua5.4 libcurl libxml-2.0 sqlite3 jansson zlib
CC       ?= cc
VERSION  := 0.1.0
PREFIX   ?= /usr/local

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is not linked: net/curl_dl.c loads it when a fetch first needs it
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) 2>/dev/null)

WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
DEFS     := -D_GNU_SOURCE -DMW_VERSION='"$(VERSION)"'
CFLAGS   ?= -O2 -g
ALL_CFLAGS = $(WARN) $(DEFS) $(CFLAGS) -Icore $(PKG_CFLAGS) -MMD -MP
LIBS     := $(PKG_LIBS) -lreadline -lm -ldl -lpthread

SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC  := $(sort $(shell find core -name '*.c' ! -path 'core/cli/*'))
CLI_SRC  := $(sort $(wildcard core/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRC := $(sort $(wildcard tests/server/*.c))

B        := build
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/obj/%.o)
SLIB_OBJ := $(LIB_SRC:%.c=$(B)/san/%.o)
SCLI_OBJ := $(CLI_SRC:%.c=$(B)/san/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
STESTS   := $(TEST_SRC:tests/unit/%.c=$(B)/san/tests/%)

.SECONDEXPANSION:
.PHONY: all deps test check demo bench peers install clean sanitize tools plugins mutants fuzz fuzz-build
all: $(B)/moonwire $(B)/libmoonwire.a tools plugins

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC-SAN  $<"
	@$(CC) $(WARN) $(DEFS) $(SAN_CFLAGS) -Icore $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(B)/libmoonwire.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

$(B)/san/libmoonwire.a: $(SLIB_OBJ)
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

$(B)/moonwire: $(CLI_OBJ) $(B)/libmoonwire.a
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) -rdynamic -o $@ $(CLI_OBJ) $(B)/libmoonwire.a $(LIBS)

$(B)/san/moonwire: $(SCLI_OBJ) $(B)/san/libmoonwire.a
	@echo "  LINK    $@"
	@$(CC) $(SAN_CFLAGS) -rdynamic -o $@ $(SCLI_OBJ) $(B)/san/libmoonwire.a $(LIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libmoonwire.a
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(filter %.o,$^) $(B)/libmoonwire.a $(LIBS) -lcmocka

$(B)/san/tests/%: tests/unit/%.c $(B)/san/libmoonwire.a
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	@$(CC) $(WARN) $(DEFS) $(SAN_CFLAGS) -Icore -Itests $(PKG_CFLAGS) -o $@ $< $(filter %.o,$^) $(B)/san/libmoonwire.a $(LIBS) -lcmocka

# a suite of cli/ files links their objects too
$(B)/tests/test_format: $(B)/obj/core/cli/format.o $(B)/obj/core/cli/csv.o
$(B)/san/tests/test_format: $(B)/san/core/cli/format.o $(B)/san/core/cli/csv.o

# plugins: plugins/<name>/*.c -> build/plugins/<name>.so (dlopen'd; they see only core/plugin.h)
PLUGIN_DIRS := $(sort $(dir $(wildcard plugins/*/*.c)))
PLUGINS     := $(foreach d,$(PLUGIN_DIRS),$(B)/plugins/$(notdir $(patsubst %/,%,$(d))).so)
# the PostgreSQL store (plugins/postgres) links libpq; without libpq-dev it is not built and nothing else changes
PLUGIN_FLAGS_postgres := $(shell pkg-config --cflags --libs libpq 2>/dev/null)
ifeq ($(PLUGIN_FLAGS_postgres),)
PLUGINS := $(filter-out $(B)/plugins/postgres.so,$(PLUGINS))
endif
# core sources a plugin compiles in (it does not link against the host's symbols)
PLUGIN_SRC_postgres := core/common/keyed.c
plugins: $(PLUGINS)
$(B)/plugins/%.so: $$(wildcard plugins/%/*.c) $$(wildcard plugins/%/*.h) $$(PLUGIN_SRC_$$*) core/plugin.h core/run/store.h
	@mkdir -p $(@D)
	@echo "  PLUGIN  $@"
	@$(CC) $(WARN) $(DEFS) $(CFLAGS) -fPIC -shared -Icore $(PKG_CFLAGS) -o $@ $(filter %.c,$^) $(PKG_LIBS) $(PLUGIN_FLAGS_$*)

# the project's own HTTP server for tests, the demo and benchmarks (127.0.0.1 only)
tools: $(B)/mw-testd
$(B)/mw-testd: $(TOOL_SRC)
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(WARN) $(DEFS) $(CFLAGS) -o $@ $(TOOL_SRC) -lz -lpthread

# benchmark helpers: tests/bench/*.c -> build/bench/<name>, linked with libmoonwire.a
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCHES   := $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)
$(B)/bench/%: tests/bench/%.c $(B)/libmoonwire.a
	@mkdir -p $(@D)
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libmoonwire.a $(LIBS)

sanitize: $(B)/san/moonwire $(STESTS)

# fuzzing: tests/fuzz/fuzz_*.c -> build/fuzz/fuzz_* (clang: libFuzzer + ASan + UBSan). `make fuzz
# FUZZ_SECONDS=N` runs each target N seconds (FUZZ_JOBS at a time); make test runs each a few seconds.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_CFLAGS  := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS      := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FLIB_OBJ     := $(LIB_SRC:%.c=$(B)/fuzz/obj/%.o)

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC-FUZZ $<"
	@$(FUZZ_CC) $(WARN) $(DEFS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Icore $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz/libmoonwire.a: $(FLIB_OBJ)
	@rm -f $@ && ar rcs $@ $^

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(B)/fuzz/libmoonwire.a plugins/warc/warc.c
	@echo "  FUZZER  $@"
	@$(FUZZ_CC) $(WARN) $(DEFS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Icore -Itests $(PKG_CFLAGS) -o $@ $< \
		$(B)/fuzz/libmoonwire.a $(LIBS)

fuzz-build: $(FUZZERS)

fuzz: deps
	@$(MAKE) -s --no-print-directory fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_JOBS)

deps:
	@sh .ci/install-deps

# make test builds in parallel even when called without -j; tests/run.sh runs the suites in parallel
# (MW_TEST_JOBS) and the ASan+UBSan build (most of the build time) beside the plain suites.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
TEST_J = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(TEST_JOBS))
test: deps
	@$(MAKE) -s --no-print-directory $(TEST_J) all $(TESTS)
	@MW_SAN_BUILD="$(MAKE) -s --no-print-directory $(TEST_J) sanitize fuzz-build" sh tests/run.sh

check: test

demo: deps
	@$(MAKE) --no-print-directory all
	@sh examples/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCHES)
	@sh tests/bench/bench.sh

peers:
	@sh tests/bench/peers.sh

# mutation check of the tests (tests/mutants.py): which flipped comparisons in meta/extract/rules survive
mutants: deps
	@python3 tests/mutants.py

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/moonwire
	install -m 755 $(B)/moonwire $(DESTDIR)$(PREFIX)/bin/moonwire
	cp -r scripts $(DESTDIR)$(PREFIX)/share/moonwire/
	install -d $(DESTDIR)$(PREFIX)/lib/moonwire/plugins
	for p in $(PLUGINS); do install -m 755 $$p $(DESTDIR)$(PREFIX)/lib/moonwire/plugins/; done
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 644 man/moonwire.1 man/moonwire-run.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/moonwire-rules.5 $(DESTDIR)$(PREFIX)/share/man/man5/

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
