# backstep - step through backpropagation, one key at a time.
#   make          build ./backstep
#   make run      install what is missing, build, open the default lesson
#   make check    install what is missing, build, run every test
#   make deps     install the Debian packages needed to build and test
#   make asan     run the tests under AddressSanitizer + UBSan
#   make valgrind run the tests and --print of every lesson under valgrind
#   make bench    build optimised and print the performance table

SHELL   := /bin/bash
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
DATADIR  = $(PREFIX)/share/backstep
VERSION  = 0.1.0

CC      ?= cc
PKGS     = ncursesw yaml-0.1 jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

WARN     = -Wall -Wextra -Wpedantic -Wshadow $(if $(WERROR),-Werror)
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L \
	$(WARN) $(PKG_CFLAGS) -DBACKSTEP_VERSION='"$(VERSION)"' \
	-DBACKSTEP_LESSONDIR='"$(DATADIR)/lessons"' -Isrc -Ibuild $(CFLAGS)
LDLIBS   = $(PKG_LIBS) -lm

B       ?= build
SRC      = $(filter-out src/main.c,$(wildcard src/*.c))
OBJ      = $(SRC:src/%.c=$(B)/%.o) $(B)/lesson_data.o
TESTSRC  = $(wildcard tests/check_*.c)
TESTOBJ  = $(TESTSRC:tests/%.c=$(B)/%.o) $(B)/run.o
TESTBIN ?= tests/run
DEFAULT_LESSON = lessons/01-question.yaml

# Debian packages: compiler, the four libraries, and the tools the tests drive.
DEBS = build-essential pkg-config libncurses-dev libyaml-dev libjansson-dev \
       check libsubunit-dev tmux valgrind groff-base man-db

.PHONY: all run check unit e2e deps asan valgrind clean install uninstall golden fuzz bench
all: backstep

backstep: $(B)/main.o $(B)/libbackstep.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libbackstep.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/%.o: src/%.c | $(B)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/%.o: tests/%.c $(B)/suites.h | $(B)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests -MMD -MP -c -o $@ $<

$(B)/lesson_data.c: $(DEFAULT_LESSON) | $(B)
	{ echo '/* generated from $< by make */'; \
	  echo 'const char lesson_default_yaml[] = {'; \
	  od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/(char)0x\1,/g'; \
	  echo '0};'; \
	  echo 'const unsigned long lesson_default_len = sizeof lesson_default_yaml - 1;'; } > $@

$(B)/lesson_data.o: $(B)/lesson_data.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# One Check suite per tests/check_*.c: each defines `Suite *NAME_suite(void)`.
$(B)/suites.h: $(TESTSRC) | $(B)
	{ for f in $(TESTSRC); do sed -n 's/^Suite \*\([a-z_0-9]*_suite\)(void).*/SUITE(\1)/p' $$f; done; } > $@.tmp
	cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(TESTBIN): $(TESTOBJ) $(B)/libbackstep.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

$(B):
	mkdir -p $@

# The packages first (only when something is missing), then a fresh make so
# pkg-config's answers are read with the packages in place.
deps-ok:
	@pkg-config --exists $(PKGS) check && command -v tmux >/dev/null || $(MAKE) --no-print-directory deps

deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $(DEBS); \
	elif command -v sudo >/dev/null; then \
	  sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends $(DEBS); \
	else \
	  echo "backstep needs these Debian packages; as root run:"; \
	  echo "  apt-get install $(DEBS)"; exit 1; \
	fi

run: deps-ok
	@$(MAKE) --no-print-directory backstep
	./backstep

check: deps-ok
	@$(MAKE) --no-print-directory backstep tests/run
	@$(MAKE) --no-print-directory unit e2e

unit: tests/run backstep
	./tests/run

e2e: backstep
	@set -e; for t in tests/e2e/*.sh; do [ -f "$$t" ] || continue; echo "e2e: $$t"; bash "$$t"; done

asan: deps-ok
	@$(MAKE) --no-print-directory backstep
	@$(MAKE) --no-print-directory B=build/asan TESTBIN=build/asan/run CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  build/asan/run
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ./build/asan/run

valgrind: deps-ok
	@$(MAKE) --no-print-directory backstep tests/run
	CK_FORK=no valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite -q ./tests/run
	@for l in lessons/*.yaml; do \
	  for f in text markdown json; do \
	    valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite -q \
	      ./backstep --print --format $$f $$l >/dev/null || exit 1; \
	  done; done; echo "valgrind: clean"

# libFuzzer targets for the lesson loader and the shape checker.
# FUZZ_SECONDS each (default 600); corpus seeded from lessons/, tests/bad/,
# tests/lessons/ and tests/fuzz/regress/ (where every finding is kept).
FUZZ_SECONDS ?= 600
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
fuzz: deps-ok
	@$(MAKE) --no-print-directory B=build/fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" build/fuzz/libbackstep.a
	@set -e; for t in lesson shape; do \
	  clang $(ALL_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -o build/fuzz/fuzz_$$t \
	    tests/fuzz/fuzz_$$t.c build/fuzz/libbackstep.a $(LDLIBS); \
	  mkdir -p build/fuzz/corpus_$$t; done
	@cp lessons/*.yaml tests/bad/*.yaml tests/lessons/*.yaml tests/fuzz/regress/* \
	  build/fuzz/corpus_lesson/ 2>/dev/null || true
	@cp tests/fuzz/shape_seeds/* tests/fuzz/regress/* build/fuzz/corpus_shape/ 2>/dev/null || true
	@set -e; for t in lesson shape; do \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  ./build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=2 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 -artifact_prefix=build/fuzz/crash_$$t- \
	    build/fuzz/corpus_$$t 2>&1 | grep -E '^(stat::number_of_executed_units|#[0-9]+ *DONE|==[0-9]+==ERROR|SUMMARY)' ; \
	  [ $${PIPESTATUS[0]} -eq 0 ] || { echo "fuzz_$$t found a problem: see build/fuzz/crash_$$t-*"; exit 1; }; \
	done

# PNG and plain-text pictures of the real screen (tmux, aha, headless
# Chromium; the script installs them when missing).  Not part of check.
.PHONY: screenshots
screenshots: deps-ok
	@$(MAKE) --no-print-directory backstep
	bash screenshots/make.sh

golden: backstep tests/run
	BACKSTEP_GOLDEN_WRITE=1 ./tests/run

# Benchmarks: an optimised library, binary and bench programs in build/bench,
# then one table of figures, targets and met/missed (tests/bench/bench.sh).
BENCH_DIR    = build/bench
BENCH_CFLAGS = -O2 -g
BENCH_PROGS  = $(patsubst tests/bench/%.c,$(BENCH_DIR)/%,$(wildcard tests/bench/bench_*.c))
bench: deps-ok
	@$(MAKE) --no-print-directory B=$(BENCH_DIR) CFLAGS="$(BENCH_CFLAGS)" \
	  $(BENCH_DIR)/libbackstep.a $(BENCH_DIR)/main.o
	@$(MAKE) --no-print-directory B=$(BENCH_DIR) CFLAGS="$(BENCH_CFLAGS)" \
	  $(BENCH_DIR)/backstep $(BENCH_PROGS)
	@bash tests/bench/bench.sh $(BENCH_DIR)

$(BENCH_DIR)/backstep: $(BENCH_DIR)/main.o $(BENCH_DIR)/libbackstep.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BENCH_DIR)/bench_%: tests/bench/bench_%.c $(BENCH_DIR)/libbackstep.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS) -lutil

install: backstep
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/lessons
	install -m 755 backstep $(DESTDIR)$(BINDIR)/backstep
	install -m 644 src/backstep.1 $(DESTDIR)$(MANDIR)/backstep.1
	install -m 644 lessons/*.yaml $(DESTDIR)$(DATADIR)/lessons/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/backstep $(DESTDIR)$(MANDIR)/backstep.1
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/lessons/,$(notdir $(wildcard lessons/*.yaml)))
	-rmdir $(DESTDIR)$(DATADIR)/lessons $(DESTDIR)$(DATADIR)

clean:
	rm -rf build backstep tests/run

-include $(wildcard $(B)/*.d)
