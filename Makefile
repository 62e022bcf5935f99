# expc - the Experience Script compiler.
#
#   make            build/expc (LLVM backends when llvm-config is found)
#   make LLVM=0     without LLVM: the llvm emit kinds and --engine=jit exit 2
#   make SAN=1      everything under -fsanitize=address,undefined
#   make check      unit tests (cmocka) and the end-to-end suites in tests/
#   make bench      benchmarks (bench/)
#   make install PREFIX=/usr/local
#
# Objects go to build/ with -MMD dependency files; bison and flex output is
# generated into build/ and never committed.

CC       ?= cc
PREFIX   ?= /usr/local
B        := build
VERSION  := 0.1.0

LLVM_CONFIG ?= $(shell command -v llvm-config-14 || command -v llvm-config)
ifeq ($(LLVM_CONFIG),)
LLVM := 0
endif
LLVM ?= 1

WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 $(WARN) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
              -Iinclude -I$(B) -DEXPC_VERSION='"$(VERSION)"' -MMD -MP
LDLIBS   := -ljansson -lm

ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif

ifeq ($(LLVM),1)
LLVM_CFLAGS  := $(filter -I% -D%,$(shell $(LLVM_CONFIG) --cflags))
LLVM_LIBS    := $(shell $(LLVM_CONFIG) --ldflags --libs core orcjit native passes analysis bitwriter --system-libs)
LLVM_VERSION := $(shell $(LLVM_CONFIG) --version)
ALL_CFLAGS   += -DEXPC_LLVM=1 -DEXPC_LLVM_VERSION='"$(LLVM_VERSION)"'
LDLIBS       += $(LLVM_LIBS)
else
ALL_CFLAGS   += -DEXPC_LLVM=0
endif

# Sources: every src/*.c and src/rt/*.c; the LLVM-using files include LLVM
# headers only under #if EXPC_LLVM, so one list serves both builds.
GEN_SRCS := $(B)/exp.tab.c $(B)/lex.yy.c $(B)/rt_embed.c
SRCS     := $(wildcard src/*.c src/rt/*.c)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
LIB_OBJS := $(patsubst %.c,$(B)/%.o,$(LIB_SRCS)) $(GEN_SRCS:.c=.o)
LIB      := $(B)/libexpc.a

.PHONY: all check unit bench install clean docs fuzz
all: $(B)/expc

$(B)/expc: $(B)/src/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# LLVM headers only where they are used.
$(B)/src/emit_llvm.o $(B)/src/jit.o: ALL_CFLAGS += $(LLVM_CFLAGS)

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
$(B)/src/ast.o $(B)/src/parse.o: $(B)/exp.tab.h $(B)/lex.yy.h

# The runtime embedded in `build --main` output, made from the same files
# the tool is built from (tools/embed.sh turns them into a C string).
RT_EMBED := include/expc/rt.h $(filter-out src/rt/ndjson.c,$(wildcard src/rt/*.c))
$(B)/rt_embed.c: tools/embed.sh $(RT_EMBED)
	@mkdir -p $(B)
	sh tools/embed.sh $(RT_EMBED) > $@.tmp && mv $@.tmp $@

# ---- tests ---------------------------------------------------------------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))

$(B)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) -lcmocka $(LDLIBS)

unit: $(UNIT_BINS)

check: $(B)/expc $(UNIT_BINS)
	sh tests/run.sh $(UNIT_BINS)

bench: $(B)/expc
	sh bench/run.sh

install: $(B)/expc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/expc/stdlib
	install -m 755 $(B)/expc $(DESTDIR)$(PREFIX)/bin/expc
	install -m 644 stdlib/*.exp $(DESTDIR)$(PREFIX)/share/expc/stdlib/
	if [ -f docs/expc.1 ]; then install -d $(DESTDIR)$(PREFIX)/share/man/man1 && \
	  install -m 644 docs/expc.1 $(DESTDIR)$(PREFIX)/share/man/man1/expc.1; fi

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
