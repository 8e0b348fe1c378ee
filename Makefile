# backstep - step through backpropagation, one key at a time.
#   make           build ./backstep
#   make run       install what is missing, build, open the default lesson
#   make check     install what is missing, build, run every test
#   make deps      install the Debian packages to build, run and test
#                  (deps-san, deps-valgrind, deps-analyze, deps-coverage:
#                  the other targets' own, which they install when missing)
#   make asan      the tests under AddressSanitizer + UBSan (installs clang)
#   make valgrind  the tests and --print of every lesson under valgrind
#   make fuzz      libFuzzer on the lesson loader and the shape checker
#   make analyze   gcc -fanalyzer and cppcheck over src/
#   make coverage  line coverage of src/ by the unit and end-to-end tests
#   make bench     build optimised and print the performance table
#   make install   PREFIX=/usr/local, DESTDIR honoured; make uninstall
# Every target that needs packages installs them first (see "Packages").

SHELL   := /bin/bash
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
DATADIR  = $(PREFIX)/share/backstep
VERSION  = 0.1.0

CC      ?= cc
PKGS     = ncursesw yaml-0.1 jansson
# The libraries' flags without the feature-test macros that ncursesw's .pc
# file carries: which POSIX the program is written against is chosen below.
FEATURE_MACROS = -D_DEFAULT_SOURCE -D_GNU_SOURCE -D_BSD_SOURCE -D_XOPEN_SOURCE% \
                 -D_XOPEN_SOURCE_EXTENDED -D_POSIX_C_SOURCE%
pkg_config = $(filter-out $(FEATURE_MACROS),$(shell command -v pkg-config >/dev/null 2>&1 && pkg-config $(1) 2>/dev/null))
PKG_CFLAGS   := $(call pkg_config,--cflags $(PKGS))
PKG_LIBS     := $(call pkg_config,--libs $(PKGS))
CHECK_CFLAGS := $(call pkg_config,--cflags check)
CHECK_LIBS   := $(call pkg_config,--libs check)

# C11 on POSIX.1-2008 with the XSI extensions (realpath, nl_langinfo,
# strcasecmp, wide-character curses).  The tests and benchmarks also use
# mkstemps and wait4, which glibc declares under _DEFAULT_SOURCE.
STD       = -std=c11 -D_XOPEN_SOURCE=700
TEST_STD  = -D_DEFAULT_SOURCE
WARN      = -Wall -Wextra -Wpedantic -Wshadow $(if $(WERROR),-Werror)
CFLAGS   ?= -O2 -g
LDFLAGS  ?=
ALL_CFLAGS = $(STD) $(WARN) $(PKG_CFLAGS) -DBACKSTEP_VERSION='"$(VERSION)"' \
	-DBACKSTEP_LESSONDIR='"$(DATADIR)/lessons"' -Isrc -I$(B) $(CFLAGS)
LDLIBS    = $(PKG_LIBS) -lm
TEST_CFLAGS = $(ALL_CFLAGS) $(TEST_STD) $(CHECK_CFLAGS) -Itests

# One build folder per configuration: build/ for ./backstep and tests/run,
# build/asan, build/fuzz, build/bench, build/coverage, build/analyze for the
# others (each sets B, BIN and TESTBIN for a make of its own).
B       ?= build
BIN     ?= backstep
TESTBIN ?= tests/run
SRC      = $(filter-out src/main.c,$(wildcard src/*.c))
OBJ      = $(SRC:src/%.c=$(B)/%.o) $(B)/lesson_data.o
TESTSRC  = $(wildcard tests/check_*.c)
TESTOBJ  = $(TESTSRC:tests/%.c=$(B)/%.o) $(B)/run.o
DEFAULT_LESSON = lessons/01-question.yaml

# Everything compiled in, per build folder.  The stamp changes only when one
# of these does (a new PREFIX, CC, CFLAGS, a library's flags), and then every
# object and binary of that folder is rebuilt: a binary made for another
# PREFIX would look for its lessons in the wrong place.
CONFIG = $(CC) $(ALL_CFLAGS) $(TEST_STD) $(CHECK_CFLAGS) $(HOT_CFLAGS) | $(LDFLAGS) $(LDLIBS) $(CHECK_LIBS)
STAMP  = $(B)/config.stamp
# Links take the objects and archives of their prerequisites, not the stamp.
linked = $(filter %.o %.a,$^)

.PHONY: all run check unit e2e deps deps-san deps-valgrind deps-analyze deps-coverage \
	need-build need-check need-san need-valgrind need-analyze need-coverage \
	asan valgrind fuzz analyze analyze-gcc coverage bench golden screenshots install uninstall \
	clean FORCE
all: $(BIN)

# A binary of another build finds the bundled lessons beside it, as
# ./backstep does.  It lives in a folder of its own (B/bin), so that the
# test program in B still finds none beside it, as tests/run finds none.
ifneq ($(BIN),backstep)
BIN_LESSONS = $(dir $(BIN))lessons
$(BIN_LESSONS):
	mkdir -p $(@D) && ln -sfn $(CURDIR)/lessons $@
endif

$(BIN): $(B)/main.o $(B)/libbackstep.a $(STAMP) | $(BIN_LESSONS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(linked) $(LDLIBS)

$(B)/libbackstep.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

# The engine's hot loops (the sums of every layer, training): a wide
# layer's loops are vectorised (OpenMP's simd pragma, which needs no
# OpenMP library; see engine_math.h), which trains 64-64-64-10 about twice
# as fast, while a narrow layer's stay scalar (tests/bench/RESULTS.md).
# Without loop distribution, a loop over a few values stays a loop instead
# of becoming a call to memcpy or memset.  The pragma is a hint: clang,
# which warns where it cannot follow it (at -O1 under the sanitizers), is
# told not to, so that warnings as errors do not turn a hint into a failure.
HOT_OBJ    = $(B)/engine_net.o $(B)/engine_advance.o
CC_IS_CLANG := $(findstring clang,$(shell $(CC) --version 2>/dev/null))
HOT_CFLAGS  := -fopenmp-simd -DENGINE_SIMD \
	$(if $(CC_IS_CLANG),-Wno-pass-failed,-fno-tree-loop-distribute-patterns)
$(HOT_OBJ): ALL_CFLAGS += $(HOT_CFLAGS)

$(B)/%.o: src/%.c $(STAMP) | $(B)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/%.o: tests/%.c $(B)/suites.h $(STAMP) | $(B)
	$(CC) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/lesson_data.c: $(DEFAULT_LESSON) | $(B)
	{ echo '/* generated from $< by make */'; \
	  echo 'const char lesson_default_yaml[] = {'; \
	  od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/(char)0x\1,/g'; \
	  echo '0};'; \
	  echo 'const unsigned long lesson_default_len = sizeof lesson_default_yaml - 1;'; } > $@

$(B)/lesson_data.o: $(B)/lesson_data.c $(STAMP)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# One Check suite per tests/check_*.c: each defines `Suite *NAME_suite(void)`.
$(B)/suites.h: $(TESTSRC) | $(B)
	{ for f in $(TESTSRC); do sed -n 's/^Suite \*\([a-z_0-9]*_suite\)(void).*/SUITE(\1)/p' $$f; done; } > $@.tmp
	cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(TESTBIN): $(TESTOBJ) $(B)/libbackstep.a $(STAMP)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $(linked) $(CHECK_LIBS) $(LDLIBS)

$(STAMP): FORCE | $(B)
	@$(if $(PKG_LIBS),,echo "backstep: pkg-config does not find $(PKGS); make deps installs them" >&2; exit 1;)
	@$(file >$@.new,$(CONFIG))cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@

$(B):
	mkdir -p $@

# ---- Packages --------------------------------------------------------------
# Debian packages, by what needs them.  Each target below first runs a silent
# probe for what it uses, and only when that fails the matching deps target,
# which installs the packages as root or with sudo, or else prints the
# command to run as root.  The probes come before any build, and each build
# is a make of its own, so pkg-config is asked with the packages in place.
DEBS          = build-essential pkg-config libncurses-dev libyaml-dev libjansson-dev \
                check libsubunit-dev tmux groff-base man-db
DEBS_SAN      = clang $(CLANG_RT)
DEBS_VALGRIND = valgrind
DEBS_ANALYZE  = cppcheck
DEBS_COVERAGE = gcovr

# The sanitizer and libFuzzer runtimes, a package of their own since Debian
# 12: the one of the installed clang's version, else Debian's version-free
# name, else the one of the clang apt would install; whichever apt knows.
CLANG_RT = $$(v=$$(clang -dumpversion 2>/dev/null | cut -d. -f1); \
	[ -n "$$v" ] || v=$$(apt-cache depends clang 2>/dev/null | sed -n 's/^ *Depends: clang-\([0-9][0-9]*\)$$/\1/p' | head -n1); \
	for p in libclang-rt-$$v-dev libclang-rt-dev libclang-common-$$v-dev; do \
	  apt-cache show $$p >/dev/null 2>&1 && { echo $$p; exit; }; done; echo libclang-rt-dev)

# $(call apt_install,PACKAGES): PACKAGES may hold shell substitutions; as
# root they are expanded after apt-get update, so they see fresh lists.
define apt_install
	@pkgs() { echo $(1); }; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "backstep needs these Debian packages or your system's equivalents: $$(pkgs)" >&2; exit 1; \
	elif [ "$$(id -u)" = 0 ]; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update && apt-get install -y --no-install-recommends $$(pkgs); \
	elif command -v sudo >/dev/null 2>&1; then \
	  sudo apt-get update && sudo apt-get install -y --no-install-recommends $$(pkgs); \
	else \
	  echo "backstep needs these Debian packages; as root run:" >&2; \
	  echo "  apt-get update && apt-get install -y --no-install-recommends $$(pkgs)" >&2; \
	  exit 1; \
	fi
endef

deps:          ; $(call apt_install,$(DEBS))
deps-san:      ; $(call apt_install,$(DEBS_SAN))
deps-valgrind: ; $(call apt_install,$(DEBS_VALGRIND))
deps-analyze:  ; $(call apt_install,$(DEBS_ANALYZE))
deps-coverage: ; $(call apt_install,$(DEBS_COVERAGE))

# $(call need,PROBE,DEPS-TARGET): DEPS-TARGET when the shell command PROBE
# fails; nothing is printed when everything is there.
need = @( $(1) ) >/dev/null 2>&1 || $(MAKE) --no-print-directory $(2)
PROBE_BUILD = command -v $(firstword $(CC)) && command -v pkg-config && pkg-config --exists $(PKGS)
PROBE_CHECK = $(PROBE_BUILD) && pkg-config --exists check && command -v tmux && command -v groff && command -v man
# A fuzz target linked with every runtime the sanitizer targets use.
PROBE_SAN   = t=$$(mktemp) && printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' | \
	clang -x c -fsanitize=fuzzer,address,undefined -o $$t -; r=$$?; rm -f $$t; exit $$r

need-build: ; $(call need,$(PROBE_BUILD),deps)
need-check: ; $(call need,$(PROBE_CHECK),deps)
# The others install their extra packages after the common ones, one apt-get at a time.
need-san: need-check ; $(call need,$(PROBE_SAN),deps-san)
need-valgrind: need-check ; $(call need,command -v valgrind,deps-valgrind)
need-analyze: need-build ; $(call need,command -v gcc && command -v cppcheck,deps-analyze)
need-coverage: need-check ; $(call need,command -v gcov && command -v gcovr,deps-coverage)

# ---- Running and testing -----------------------------------------------------
run: need-build
	@$(MAKE) --no-print-directory $(BIN)
	./$(BIN)

# The suites first, then the end-to-end tests, one after the other: the
# latter drive the real screen and should not share the CPU with the former.
check: need-check
	@$(MAKE) --no-print-directory $(BIN) $(TESTBIN)
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory e2e

unit: $(TESTBIN) $(BIN)
	./$(TESTBIN)

e2e: $(BIN)
	@set -e; for t in tests/e2e/*.sh; do [ -f "$$t" ] || continue; echo "e2e: $$t"; bash "$$t"; done

# The suites, and the command-line tests' runs of the program, sanitized;
# the sanitizers make the tests about twice as slow, so their time limits
# are four times as long.
ASAN_DIR    = build/asan
ASAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan: need-san
	@$(MAKE) --no-print-directory B=$(ASAN_DIR) BIN=$(ASAN_DIR)/bin/backstep TESTBIN=$(ASAN_DIR)/run \
	  CC=clang CFLAGS="$(ASAN_CFLAGS)" $(ASAN_DIR)/bin/backstep $(ASAN_DIR)/run
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 CK_TIMEOUT_MULTIPLIER=4 \
	  BACKSTEP_BIN=$(ASAN_DIR)/bin/backstep ./$(ASAN_DIR)/run

VALGRIND = valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite -q
valgrind: need-valgrind
	@$(MAKE) --no-print-directory $(BIN) $(TESTBIN)
	CK_FORK=no $(VALGRIND) ./$(TESTBIN)
	@for l in lessons/*.yaml; do \
	  for f in text markdown json; do \
	    $(VALGRIND) ./$(BIN) --print --format $$f $$l >/dev/null || exit 1; \
	  done; done; echo "valgrind: clean"

# libFuzzer targets for the lesson loader and the shape checker.
# FUZZ_SECONDS each (default 600); corpus seeded from lessons/, tests/bad/,
# tests/lessons/ and tests/fuzz/regress/ (where every finding is kept).
FUZZ_SECONDS ?= 600
FUZZ_DIR   = build/fuzz
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
fuzz: need-san
	@$(MAKE) --no-print-directory B=$(FUZZ_DIR) CC=clang CFLAGS="$(FUZZ_FLAGS)" \
	  $(FUZZ_DIR)/fuzz_lesson $(FUZZ_DIR)/fuzz_shape
	@mkdir -p $(FUZZ_DIR)/corpus_lesson $(FUZZ_DIR)/corpus_shape
	@cp lessons/*.yaml tests/bad/*.yaml tests/lessons/*.yaml tests/fuzz/regress/* \
	  $(FUZZ_DIR)/corpus_lesson/ 2>/dev/null || true
	@cp tests/fuzz/shape_seeds/* tests/fuzz/regress/* $(FUZZ_DIR)/corpus_shape/ 2>/dev/null || true
	@set -e; for t in lesson shape; do \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  ./$(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=2 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crash_$$t- \
	    $(FUZZ_DIR)/corpus_$$t 2>&1 | grep -E '^(stat::number_of_executed_units|#[0-9]+ *DONE|==[0-9]+==ERROR|SUMMARY)' ; \
	  [ $${PIPESTATUS[0]} -eq 0 ] || { echo "fuzz_$$t found a problem: see $(FUZZ_DIR)/crash_$$t-*"; exit 1; }; \
	done

$(B)/fuzz_%: tests/fuzz/fuzz_%.c $(B)/libbackstep.a $(STAMP)
	$(CC) $(ALL_CFLAGS) $(TEST_STD) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(B)/libbackstep.a $(LDLIBS)

# ---- Static analysis and coverage -------------------------------------------
# gcc's -fanalyzer on every file of src/ (each a target, so make -j applies
# and a file is analysed again only when it or a header it includes
# changes), then cppcheck; one line per finding, FILE:LINE:COLUMN: TOOL ID:
# message, and the whole of gcc's explanation in build/analyze/NAME.log.
# Any finding fails the target, except those listed in .ci/analyze-known
# (without line and column), which are shown as known until they are fixed
# and taken off the list.  A finding that is wrong is suppressed where it
# is, with the reason: `// cppcheck-suppress ID` on the line before, or
# #pragma GCC diagnostic ignored "-Wanalyzer-..." around it.
ANALYZE_DIR   = build/analyze
ANALYZE_KNOWN = .ci/analyze-known
CPPCHECK = cppcheck --quiet --std=c11 --language=c --enable=style \
	--inline-suppr --suppress=missingIncludeSystem \
	-D_XOPEN_SOURCE=700 -Isrc \
	--template='{file}:{line}:{column}: cppcheck {id}: {message}'
analyze: need-analyze
	@$(MAKE) --no-print-directory B=$(ANALYZE_DIR) CC=gcc analyze-gcc
	@echo "cppcheck src"
	@$(CPPCHECK) src 2>$(ANALYZE_DIR)/cppcheck.txt || echo "src: cppcheck failed" >>$(ANALYZE_DIR)/cppcheck.txt
	@cat $(patsubst src/%.c,$(ANALYZE_DIR)/%.analyzed,$(wildcard src/*.c)) $(ANALYZE_DIR)/cppcheck.txt | sort -t: -k1,1 -k2,2n > $(ANALYZE_DIR)/findings.txt
	@awk -v known=$(ANALYZE_KNOWN) ' \
	  BEGIN { while ((getline l < known) > 0) if (l !~ /^#/ && l != "") k[l] = 0 } \
	  { key = $$0; sub(/:[0-9]+:[0-9]+:/, ":", key) } \
	  key in k { k[key]++; nk++; print "known: " $$0; next } \
	  { nn++; print "new:   " $$0 } \
	  END { for (key in k) if (k[key] == 0) print "gone:  " key " (take it off " known ")"; \
	        printf "analyze: %d new findings, %d known (%s)\n", nn, nk, known; exit nn > 0 }' \
	  $(ANALYZE_DIR)/findings.txt

analyze-gcc: $(patsubst src/%.c,$(B)/%.analyzed,$(wildcard src/*.c))

$(B)/%.analyzed: src/%.c $(STAMP) | $(B)
	@echo "gcc -fanalyzer $<"
	@LC_ALL=C $(CC) $(ALL_CFLAGS) -fanalyzer -fdiagnostics-plain-output -MMD -MP -MF $(@:.analyzed=.d) \
	  -MT $@ -c -o /dev/null $< >$(@:.analyzed=.log) 2>&1; \
	sed -n -e 's/^\([^ :]*:[0-9]*:[0-9]*\): \(warning\|error\): \(.*\) \[\(-W[^]]*\)\]$$/\1: gcc \4: \3/p' \
	  -e 't' -e 's/^\([^ :]*:[0-9]*:[0-9]*\): \(warning\|error\): \(.*\)$$/\1: gcc \2: \3/p' \
	  $(@:.analyzed=.log) >$@

# Line coverage of every file of src/ by the suites and the end-to-end tests
# (not install.sh, which builds a copy of its own), from an -O0 --coverage
# build in build/coverage; counts start from zero on every run.
COVERAGE_DIR = build/coverage
coverage: need-coverage
	@$(MAKE) --no-print-directory B=$(COVERAGE_DIR) BIN=$(COVERAGE_DIR)/bin/backstep \
	  TESTBIN=$(COVERAGE_DIR)/run CFLAGS="-O0 -g --coverage" $(COVERAGE_DIR)/bin/backstep $(COVERAGE_DIR)/run
	@rm -f $(COVERAGE_DIR)/*.gcda
	CK_TIMEOUT_MULTIPLIER=2 BACKSTEP_BIN=$(COVERAGE_DIR)/bin/backstep ./$(COVERAGE_DIR)/run
	@set -e; for t in tests/e2e/*.sh; do \
	  case $$t in */install.sh) continue ;; esac; \
	  echo "e2e: $$t"; BACKSTEP_BIN=$(COVERAGE_DIR)/bin/backstep bash "$$t"; done
	gcovr --root . --filter 'src/' --sort-percentage $(COVERAGE_DIR)

# ---- Pictures, golden screens, benchmarks ------------------------------------
# PNG and plain-text pictures of the real screen (tmux, aha, headless
# Chromium; the script installs them when missing).  Not part of check.
screenshots: need-check
	@$(MAKE) --no-print-directory $(BIN)
	bash screenshots/make.sh

golden: $(BIN) $(TESTBIN)
	BACKSTEP_GOLDEN_WRITE=1 ./$(TESTBIN)

# Benchmarks: an optimised library, binary and bench programs in build/bench,
# then one table of figures, targets and met/missed (tests/bench/bench.sh;
# callgrind counts the instructions).  Training is compared with a plain C
# loop of the same maths built with the same flags (bench_plain.c), and
# with PyTorch when /usr/bin/python3 has it (not needed).
BENCH_DIR    = build/bench
BENCH_CFLAGS = -O2 -g
BENCH_PROGS  = $(patsubst tests/bench/%.c,$(BENCH_DIR)/%,$(wildcard tests/bench/bench_*.c))
bench: need-valgrind
	@$(MAKE) --no-print-directory B=$(BENCH_DIR) BIN=$(BENCH_DIR)/backstep CFLAGS="$(BENCH_CFLAGS)" \
	  $(BENCH_DIR)/backstep $(BENCH_PROGS)
	@bash tests/bench/bench.sh $(BENCH_DIR)

$(B)/bench_%: tests/bench/bench_%.c $(B)/libbackstep.a $(STAMP)
	$(CC) $(ALL_CFLAGS) $(TEST_STD) $(LDFLAGS) -o $@ $< $(B)/libbackstep.a $(LDLIBS) -lutil

# ---- Installing ---------------------------------------------------------------
install: need-build
	@$(MAKE) --no-print-directory $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/lessons
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/backstep
	install -m 644 src/backstep.1 $(DESTDIR)$(MANDIR)/backstep.1
	install -m 644 lessons/*.yaml $(DESTDIR)$(DATADIR)/lessons/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/backstep $(DESTDIR)$(MANDIR)/backstep.1
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/lessons/,$(notdir $(wildcard lessons/*.yaml)))
	-rmdir $(DESTDIR)$(DATADIR)/lessons $(DESTDIR)$(DATADIR)

clean:
	rm -rf build backstep tests/run

FORCE:

-include $(wildcard $(B)/*.d)
