# expc - the Experience Script compiler.
#
#   make            build/expc (LLVM backends when llvm-config is found)
#   make LLVM=0     without LLVM: the llvm emit kinds and --engine=jit exit 2
#   make SAN=1      everything under -fsanitize=address,undefined
#   make SERVE=0    without `expc serve` (it then exits 2); built by default
#                   when libmicrohttpd and LMDB are found
#   make check      unit tests (cmocka) and the end-to-end suites in tests/
#   make bench      benchmarks (bench/)
#   make bless      rewrite the test goldens from the current output
#   make install PREFIX=/usr/local
#
# Objects go to build/ with -MMD dependency files; bison and flex output is
# generated into build/ and never committed.

CC       ?= cc
PREFIX   ?= /usr/local
B        := build
VERSION  := 0.2.0

LLVM_CONFIG ?= $(shell command -v llvm-config-14 || command -v llvm-config)
ifeq ($(LLVM_CONFIG),)
LLVM := 0
endif
LLVM ?= 1

WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 $(WARN) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
              -Iinclude -I$(B) -DEXPC_VERSION='"$(VERSION)"' -MMD -MP
LDLIBS   := -ljansson -lm -ldl

ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif

ifeq ($(LLVM),1)
LLVM_CFLAGS  := $(filter -I% -D%,$(shell $(LLVM_CONFIG) --cflags))
LLVM_COMPONENTS := core orcjit native passes analysis bitwriter
LLVM_LIBS    := $(shell $(LLVM_CONFIG) --ldflags --libs $(LLVM_COMPONENTS) --system-libs)
# The plugin links LLVM statically when the static libraries are there
# (llvm-14-dev ships them): the loader then touches only the code the JIT
# uses, where relocating the whole shared libLLVM costs ~50 MB of RSS.
LLVM_STATIC  := $(shell $(LLVM_CONFIG) --link-static --libs $(LLVM_COMPONENTS) 2>/dev/null)
ifneq ($(LLVM_STATIC),)
PLUGIN_LIBS  := $(shell $(LLVM_CONFIG) --ldflags) $(LLVM_STATIC) \
                $(shell $(LLVM_CONFIG) --link-static --system-libs) -lstdc++ \
                -Wl,--exclude-libs,ALL -Wl,--as-needed
else
PLUGIN_LIBS  := $(LLVM_LIBS)
endif
LLVM_VERSION := $(shell $(LLVM_CONFIG) --version)
ALL_CFLAGS   += -DEXPC_LLVM=1 -DEXPC_LLVM_VERSION='"$(LLVM_VERSION)"'
else
ALL_CFLAGS   += -DEXPC_LLVM=0
endif

# `expc serve` needs libmicrohttpd and LMDB (Debian: libmicrohttpd-dev,
# liblmdb-dev).  liblmdb-dev may ship no .pc file: then its header will do.
SERVE_FOUND := $(shell pkg-config --exists libmicrohttpd 2>/dev/null && \
                 { pkg-config --exists lmdb 2>/dev/null || test -f /usr/include/lmdb.h; } && echo 1)
ifeq ($(SERVE_FOUND),)
SERVE := 0
endif
SERVE ?= 1
ifeq ($(SERVE),1)
SERVE_CFLAGS := $(filter -I% -D%,$(shell pkg-config --cflags libmicrohttpd))
SERVE_LIBS   := $(shell pkg-config --libs libmicrohttpd) \
                $(shell pkg-config --libs lmdb 2>/dev/null || echo -llmdb) -lpthread
ALL_CFLAGS   += -DEXPC_SERVE=1 $(SERVE_CFLAGS)
LDLIBS       += $(SERVE_LIBS)
else
ALL_CFLAGS   += -DEXPC_SERVE=0
endif

# Graphviz's library draws the report's machine picture (src/report.c) when
# pkg-config finds libgvc; make GVC=0 leaves it out (the page says so).
GVC_FOUND := $(shell pkg-config --exists libgvc 2>/dev/null && echo 1)
ifneq ($(GVC_FOUND),1)
GVC := 0
endif
GVC ?= 1
ifeq ($(GVC),1)
$(B)/src/report.o: ALL_CFLAGS += -DEXPC_GVC=1 $(shell pkg-config --cflags libgvc)
LDLIBS += $(shell pkg-config --libs libgvc)
else
$(B)/src/report.o: ALL_CFLAGS += -DEXPC_GVC=0
endif

# Sources: every src/*.c and src/rt/*.c go into libexpc.a and expc.  The
# LLVM backends and the JIT (src/llvm/) go into a plugin, expc-llvm.so,
# that expc loads only when a command needs LLVM (see
# include/expc/llvm_plugin.h: linking libLLVM into expc would cost every run
# ~50 MB and ~12 ms); tests and fuzzers link them statically from
# libexpc-llvm.a instead.  expc exports its symbols (-rdynamic, whole
# archive) because the plugin calls back into it.
GEN_SRCS  := $(B)/exp.tab.c $(B)/lex.yy.c $(B)/rt_embed.c
SRCS      := $(wildcard src/*.c src/rt/*.c)
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
LIB_OBJS  := $(patsubst %.c,$(B)/%.o,$(LIB_SRCS)) $(GEN_SRCS:.c=.o)
LIB       := $(B)/libexpc.a
LLVM_SRCS := $(wildcard src/llvm/*.c)
LLVM_OBJS := $(patsubst %.c,$(B)/%.o,$(LLVM_SRCS))
ifeq ($(LLVM),1)
LLVM_LIB  := $(B)/libexpc-llvm.a
PLUGIN    := $(B)/expc-llvm.so
endif
# Everything, for programs that use the library directly (tests, fuzzers).
LINK_ALL  := $(LLVM_LIB) $(LIB) $(LDLIBS) $(LLVM_LIBS)

.PHONY: all check unit bench bless install clean docs
all: $(B)/expc $(PLUGIN) $(B)/stdlib

# A build folder outside the tree (make B=DIR) finds the stdlib through it.
$(B)/stdlib:
	@mkdir -p $(B)
	ln -sfn $(CURDIR)/stdlib $@

$(B)/expc: $(B)/src/main.o $(LIB)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(B)/src/main.o \
	  -Wl,--whole-archive $(LIB) -Wl,--no-whole-archive $(LDLIBS)

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# LLVM headers only where they are used; position-independent for the plugin.
$(LLVM_OBJS): ALL_CFLAGS += $(LLVM_CFLAGS) -fPIC

$(B)/expc-llvm.so: $(LLVM_OBJS)
	$(CC) $(LDFLAGS) -shared -o $@ $^ $(PLUGIN_LIBS)

$(B)/libexpc-llvm.a: $(LLVM_OBJS)
	rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Generated sources: flex/bison output is not ours to warn about in detail.
GEN_CFLAGS = $(filter-out -Wextra,$(ALL_CFLAGS)) -Wno-unused-function -Wno-sign-compare
$(B)/exp.tab.o: $(B)/exp.tab.c $(B)/lex.yy.h
	$(CC) $(GEN_CFLAGS) -c -o $@ $<
$(B)/lex.yy.o: $(B)/lex.yy.c $(B)/exp.tab.h
	$(CC) $(GEN_CFLAGS) -c -o $@ $<
$(B)/rt_embed.o: $(B)/rt_embed.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# One bison run makes both outputs (grouped target).
$(B)/exp.tab.c $(B)/exp.tab.h &: grammar/exp.y
	@mkdir -p $(B)
	bison -Wall -Werror -o $(B)/exp.tab.c --header=$(B)/exp.tab.h $<
$(B)/lex.yy.c $(B)/lex.yy.h &: grammar/exp.l
	@mkdir -p $(B)
	flex -o $(B)/lex.yy.c --header-file=$(B)/lex.yy.h $<

# Objects that include the generated headers must wait for them.
$(B)/src/ast.o: $(B)/exp.tab.h $(B)/lex.yy.h

# The runtime embedded in `build --main` output, made from the same files
# the tool is built from (tools/embed.sh turns them into a C string).
RT_EMBED := include/expc/exitcode.h include/expc/rt_time.h include/expc/rt.h $(wildcard src/rt/*.c)
$(B)/rt_embed.c: tools/embed.sh $(RT_EMBED)
	@mkdir -p $(B)
	sh tools/embed.sh $(RT_EMBED) > $@.tmp && mv $@.tmp $@

# ---- tests ---------------------------------------------------------------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))

$(B)/tests/%: tests/unit/%.c $(LIB) $(LLVM_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LLVM_LIB) $(LIB) -lcmocka $(LDLIBS) $(LLVM_LIBS)

unit: $(UNIT_BINS)

# The C side of the event time differential test (tests/t_time.sh).
$(B)/tests/time_driver: tests/time_driver.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB)
check: $(B)/tests/time_driver

# What this build was asked to leave out (make LLVM=0 on the command line,
# SAN=1 rules out valgrind and RSS readings): tests/run.sh lists those cases as N/A instead
# of skipped.  LLVM missing because llvm-config was not found is a skip.
LLVM_OFF  := $(if $(filter command line environment override,$(origin LLVM)),$(filter 0,$(LLVM)))
SERVE_OFF := $(if $(filter command line environment override,$(origin SERVE)),$(filter 0,$(SERVE)))
GVC_OFF   := $(if $(filter command line environment override,$(origin GVC)),$(filter 0,$(GVC)))
EXPC_OFF  := $(strip $(if $(LLVM_OFF),llvm) $(if $(SERVE_OFF),serve) $(if $(GVC_OFF),gvc) \
               $(if $(filter 1,$(SAN)),valgrind rss))
CHECK_BINS := $(if $(LLVM_OFF),$(filter-out %/test_llvm,$(UNIT_BINS)),$(UNIT_BINS))

check: $(B)/expc $(PLUGIN) $(B)/stdlib $(UNIT_BINS)
	@$(if $(LLVM_OFF),echo "N/A unit test_llvm: not run (this build is without llvm)")
	EXPC_OFF='$(EXPC_OFF)' sh tests/run.sh $(CHECK_BINS)

# The goldens of t_diag, t_fmt, t_emit_c, t_graph and t_editors rewritten from the
# current output (UPDATE=1; tests/run.sh ignores UPDATE): nothing is
# checked or counted as passed.  Review `git diff tests/golden` by hand.
bless: $(B)/expc $(PLUGIN) $(B)/stdlib
	@for t in diag fmt emit_c graph editors; do \
	  UPDATE=1 sh tests/t_$$t.sh 2>&1 | grep -E '^(blessed|FAIL) ' || :; done; \
	  git status --short tests/golden

bench: $(B)/expc $(PLUGIN) $(if $(PLUGIN),$(B)/tests/test_llvm)
	$(if $(PLUGIN),$(B)/tests/test_llvm --bench)
	sh bench/run.sh

install: $(B)/expc $(PLUGIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/expc/stdlib
	install -m 755 $(B)/expc $(DESTDIR)$(PREFIX)/bin/expc
	if [ -n "$(PLUGIN)" ] && [ -f "$(PLUGIN)" ]; then install -d $(DESTDIR)$(PREFIX)/lib/expc && \
	  install -m 644 $(PLUGIN) $(DESTDIR)$(PREFIX)/lib/expc/expc-llvm.so; fi
	install -m 644 stdlib/*.exp $(DESTDIR)$(PREFIX)/share/expc/stdlib/
	if [ -f docs/expc.1 ]; then install -d $(DESTDIR)$(PREFIX)/share/man/man1 && \
	  install -m 644 docs/expc.1 $(DESTDIR)$(PREFIX)/share/man/man1/expc.1; fi

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ==== fuzzing (tests/fuzz/; see tests/fuzz/README.md) =========================
#   make fuzz          build the libFuzzer harnesses into build/fuzz/ and run
#                      each for FUZZ_TIME seconds (default 60), one at a time,
#                      under nice; FUZZ_TARGETS picks some of them
#   make fuzz-build    only build them (clang: libFuzzer + ASan + UBSan)
#   make fuzz-replay   the same harnesses built with $(CC) and the normal flags
#                      (SAN=1 included) against $(LIB), driven by
#                      tests/fuzz/replay_main.c: build/fuzz-replay/fuzz_*;
#                      tests/t_fuzz_replay.sh runs them in `make check`
#   make fuzz-cov      line/function/region coverage the corpora reach, per
#                      harness (tests/fuzz/coverage.sh, clang source coverage)
# The library is compiled again for the fuzzers (instrumented), into
# build/fuzz/obj/, from the same sources and generated files.
FUZZ_CC        ?= clang-14
FUZZ_TIME      ?= 60
FUZZ_FLAGS     ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_HARNESSES := frontend csv ndjson diff lsp
FUZZ_TARGETS   ?= $(FUZZ_HARNESSES)
FUZZ_B         := $(B)/fuzz
FUZZ_HDRS      := $(wildcard tests/fuzz/*.h)
FUZZ_DEFS      := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                  -Iinclude -I$(B) -DEXPC_VERSION='"$(VERSION)"' \
                  $(filter -DEXPC_LLVM%,$(ALL_CFLAGS)) \
                  -DEXPC_FUZZ_STDLIB='"$(CURDIR)/stdlib"'
FUZZ_CFLAGS    := -std=c11 -g -O1 -fno-omit-frame-pointer \
                  -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                  -fsanitize=fuzzer-no-link $(FUZZ_DEFS) -DFZ_SKIP_OPEN_BUGS
FUZZ_LIB_OBJS  := $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(LIB_SRCS) $(LLVM_SRCS) $(GEN_SRCS))
FUZZ_LIB       := $(FUZZ_B)/libexpc-fuzz.a
FUZZ_BINS      := $(patsubst %,$(FUZZ_B)/fuzz_%,$(FUZZ_HARNESSES))
FUZZ_REPLAY_B  := $(B)/fuzz-replay
FUZZ_REPLAY    := $(patsubst %,$(FUZZ_REPLAY_B)/fuzz_%,$(FUZZ_HARNESSES))

.PHONY: fuzz fuzz-build fuzz-replay fuzz-cov
fuzz-build: $(FUZZ_BINS)
fuzz-replay: $(FUZZ_REPLAY)
fuzz-cov:
	sh tests/fuzz/coverage.sh $(FUZZ_TARGETS)

# Library sources are others' code: no warnings here (the normal build has
# -Werror); the harnesses themselves get -Wall -Wextra.
$(FUZZ_B)/obj/%.o: %.c | $(B)/exp.tab.h $(B)/lex.yy.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -w -MMD -MP -c -o $@ $<
$(FUZZ_B)/obj/src/llvm/%.o: FUZZ_CFLAGS += $(LLVM_CFLAGS)

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_HDRS) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wall -Wextra -o $@ $< $(FUZZ_LIB) $(LDLIBS) $(LLVM_LIBS)

$(FUZZ_REPLAY_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(FUZZ_HDRS) $(LIB) $(LLVM_LIB)
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -DEXPC_FUZZ_STDLIB='"$(CURDIR)/stdlib"' \
	  $(LDFLAGS) -o $@ $< tests/fuzz/replay_main.c $(LINK_ALL)

# New inputs go to build/fuzz/corpus/NAME (the committed seeds in
# tests/fuzz/corpus/NAME and the reproducers in tests/fuzz/regressions/NAME
# are read, never written); a crash stops here and leaves its input in
# build/fuzz/artifacts/NAME/: copy it into tests/fuzz/regressions/NAME/.
fuzz: $(FUZZ_BINS)
	@for h in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_B)/corpus/$$h $(FUZZ_B)/artifacts/$$h; \
	  reg=; [ -d tests/fuzz/regressions/$$h ] && reg=tests/fuzz/regressions/$$h; \
	  echo "== fuzz_$$h: $(FUZZ_TIME) s =="; \
	  nice -n 19 $(FUZZ_B)/fuzz_$$h -max_total_time=$(FUZZ_TIME) $(FUZZ_FLAGS) \
	    -dict=tests/fuzz/exp.dict -artifact_prefix=$(FUZZ_B)/artifacts/$$h/ \
	    $(FUZZ_B)/corpus/$$h tests/fuzz/corpus/$$h $$reg || { \
	    echo "fuzz_$$h failed: reproducer in $(FUZZ_B)/artifacts/$$h/"; exit 1; }; \
	done

# ==== docs =====================================================================
#   make docs   draws every example's scoring machine with Graphviz
#               (build/docs/NAME.dot from `expc graph`, then NAME.svg) and
#               regenerates docs/diagnostics.md from the code table of
#               src/codes.c (tools/gen_diagnostics_md.sh; tests/t_install.sh
#               fails when the committed page is stale)
DOC_SVGS := $(patsubst examples/%.exp,$(B)/docs/%.svg,$(wildcard examples/*.exp))

docs: $(DOC_SVGS) docs/diagnostics.md

$(B)/docs/%.svg: examples/%.exp $(B)/expc
	@mkdir -p $(@D)
	$(B)/expc graph $< -o $(B)/docs/$*.dot
	dot -Tsvg -o $@.tmp $(B)/docs/$*.dot && mv $@.tmp $@

docs/diagnostics.md: tools/gen_diagnostics_md.sh $(B)/expc
	sh tools/gen_diagnostics_md.sh $(B)/expc > $@.tmp && mv $@.tmp $@
