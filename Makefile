# opm: hand-written GNU Makefile. Objects and binaries go to build/.
#   make            build/opm and build/opmd
#   make check      unit, fuzz (if clang's libFuzzer is there), man page and
#                   end-to-end tests
#   make asan       the same tests under AddressSanitizer + UBSan (build-asan/)
#   make demo       run opm on a small example in a private OPM_HOME
#   make bench      opm vs PM2 vs supervisord, one table, and the scaling
#                   curves (bench/run.sh; BENCH_ALL=1 adds opm's own benches)
#   make install PREFIX=/usr/local DESTDIR=   binaries, man pages, bash completion

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
BUILD	?= build

# demo, check and asan install what a fresh Debian 12 machine lacks first
# (build-aux/deps.sh says what), before pkg-config is asked below.
DEPS_SETS := $(strip $(if $(filter check asan,$(MAKECMDGOALS)),check,\
	     $(if $(filter demo,$(MAKECMDGOALS)),build)))
ifneq ($(DEPS_SETS),)
ifneq ($(shell build-aux/deps.sh $(DEPS_SETS) >&2 && echo ok),ok)
$(error build-aux/deps.sh $(DEPS_SETS) failed: see above)
endif
endif
# make bench installs its peers and gnuplot (the bench set); without them
# (no root, no network) it still runs, and their columns say so.
ifneq ($(filter bench,$(MAKECMDGOALS)),)
ifneq ($(shell build-aux/deps.sh bench >&2 && echo ok),ok)
$(info make bench: build-aux/deps.sh bench failed; missing peers are left out)
endif
endif

CC	?= cc
PKGS	:= libuv libcjson libbsd-overlay
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libmicrohttpd)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

WARN	:= -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wwrite-strings
CFLAGS	?= -O2 -g
ifeq ($(SANITIZE),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
endif
ALL_CFLAGS := -std=gnu11 $(WARN) -Iinclude $(PKG_CFLAGS) $(YAML_CFLAGS) -D_GNU_SOURCE $(CFLAGS)
LIBS	:= $(PKG_LIBS) -lm

# src/common/yamljson.c (YAML app files) is the CLI's, the unit tests' and the
# fuzzers': the daemon never reads YAML, so it does not link libyaml.
YAML_SRC    := src/common/yamljson.c
YAML_LIBS   := $(shell pkg-config --libs yaml-0.1)
YAML_CFLAGS := $(shell pkg-config --cflags yaml-0.1)
COMMON_SRC  := $(filter-out $(YAML_SRC),$(wildcard src/common/*.c)) \
	       $(wildcard src/socket/*.c)
DAEMON_SRC  := $(wildcard src/daemon/*.c) $(wildcard src/process/*.c)
CLI_SRC     := $(wildcard src/cli/*.c)
UNIT_SRC    := $(wildcard tests/unit/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
COMMON_OBJ  := $(call obj,$(COMMON_SRC))
DAEMON_OBJ  := $(call obj,$(DAEMON_SRC))
CLI_OBJ     := $(call obj,$(CLI_SRC))
# Unit tests link the pure modules: process, socket and common code.
LIB_OBJ     := $(call obj,$(wildcard src/process/*.c) $(YAML_SRC)) \
	       $(COMMON_OBJ)
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

# libFuzzer targets for every parser of untrusted or on-disk input.
FUZZ_CC     ?= clang
FUZZ_NAMES  := request appfile dump dotenv values state yaml
FUZZ_LIBSRC := $(wildcard src/common/*.c) src/process/hookconf.c \
	       src/process/conf.c src/process/dump.c src/process/staterec.c \
	       src/process/sup.c src/process/deps.c \
	       src/process/rlim.c src/process/ident.c src/process/logsink.c
FUZZ_BINS   := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_TIME   ?= 60
HAVE_FUZZ   := $(shell echo 'int LLVMFuzzerTestOneInput(const char *d, \
	       unsigned long n){return 0;}' | $(FUZZ_CC) -fsanitize=fuzzer \
	       -x c - -o /dev/null 2>/dev/null && echo yes)

all: $(BUILD)/opm $(BUILD)/opm-runtime $(BUILD)/opmd $(BUILD)/opm-web \
	$(BUILD)/opm-testapp $(BUILD)/opm-cluster.js

# exec_mode cluster's preload for node: opmd looks next to itself (here),
# then in its ../lib/opm (installed).
$(BUILD)/opm-cluster.js: lib/opm-cluster.js
	@mkdir -p $(BUILD)
	cp lib/opm-cluster.js $@

# The CLI's start-up is most of a command's time, and most of that is the
# dynamic loader: it takes only the client half of src/socket (no libuv),
# and libbsd, libmd and libyaml statically (Debian's -dev packages ship the
# .a).
CLI_LIB_OBJ := $(call obj,$(wildcard src/common/*.c) src/socket/client.c)
CLI_LIBS    := $(shell pkg-config --libs libcjson) -Wl,-Bstatic \
	       $(shell pkg-config --libs --static libbsd-overlay) $(YAML_LIBS) \
	       -Wl,-Bdynamic -lm
$(BUILD)/opm: $(CLI_OBJ) $(CLI_LIB_OBJ)
	$(CC) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(CLI_LIBS)

# opm run under PM2's pm2-runtime name (src/cli/main.c looks at argv[0]).
$(BUILD)/opm-runtime: $(BUILD)/opm
	ln -sf opm $@

$(BUILD)/opmd: $(DAEMON_OBJ) $(COMMON_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# opm web's server: a process of its own, a client of the control socket
# (the daemon opens no network socket). libmicrohttpd does the HTTP; the
# page is src/web/dashboard.html, made a C string at build time.
WEB_SRC     := $(wildcard src/web/*.c)
WEB_LIB_OBJ := $(call obj,$(filter-out $(YAML_SRC),$(wildcard src/common/*.c)) \
	       src/socket/client.c)
WEB_LIBS    := $(shell pkg-config --libs libcjson libbsd-overlay libmicrohttpd) \
	       -lpthread -lm
$(BUILD)/gen/dashboard.c: src/web/dashboard.html build-aux/embed.sh
	@mkdir -p $(dir $@)
	build-aux/embed.sh web_dashboard <$< >$@
$(BUILD)/obj/gen/dashboard.o: $(BUILD)/gen/dashboard.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(BUILD)/opm-web: $(call obj,$(WEB_SRC)) $(BUILD)/obj/gen/dashboard.o $(WEB_LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(WEB_LIBS)

$(BUILD)/opm-testapp: $(call obj,tests/helpers/testapp.c)
	$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(YAML_LIBS) -lcmocka

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

units: $(UNIT_BINS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIBSRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
		-Iinclude $(PKG_CFLAGS) $(YAML_CFLAGS) -D_GNU_SOURCE -o $@ $^ $(PKG_LIBS) \
		$(YAML_LIBS) -lm

NO_FUZZ_MSG := no libFuzzer ($(FUZZ_CC) -fsanitize=fuzzer); install clang \
	       and libclang-rt-14-dev (build-aux/deps.sh fuzz)
ifeq ($(HAVE_FUZZ),yes)
fuzzers: $(FUZZ_BINS)
CHECK_FUZZ  := fuzzers
else
fuzzers:
	@echo "make: $(NO_FUZZ_MSG)" >&2
	@false
CHECK_FUZZ  :=
endif

# Each fuzzer for FUZZ_TIME seconds; crashes land in $(BUILD)/fuzz.
fuzz: fuzzers
	@for t in $(FUZZ_NAMES); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$t; \
		echo "fuzz $$t for $(FUZZ_TIME)s"; \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
			-artifact_prefix=$(BUILD)/fuzz/crash-$$t- \
			$(BUILD)/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
			2>&1 | tail -3 || exit 1; \
	done

# Without libFuzzer every other tier runs, and the fuzz tier says skipped.
check: all units $(CHECK_FUZZ)
ifneq ($(HAVE_FUZZ),yes)
	@echo "make check: fuzz tier skipped: $(NO_FUZZ_MSG)" >&2
endif
	@tests/run-all $(BUILD)

asan:
	$(MAKE) BUILD=build-asan SANITIZE=1 check

demo: all
	@tests/demo.sh $(BUILD)

bench: all
	@bench/run.sh $(BUILD)

install: $(BUILD)/opm $(BUILD)/opmd $(BUILD)/opm-web
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(BUILD)/opm $(BUILD)/opmd $(BUILD)/opm-web $(DESTDIR)$(BINDIR)/
	ln -sf opm $(DESTDIR)$(BINDIR)/opm-runtime
	install -d $(DESTDIR)$(PREFIX)/lib/opm
	install -m 644 lib/opm-cluster.js $(DESTDIR)$(PREFIX)/lib/opm/
	install -m 644 man/opm.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/opm-apps.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/opmd.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 completions/opm.bash $(DESTDIR)$(BASHCOMPDIR)/opm

clean:
	rm -rf build build-asan

.PHONY: all units fuzzers fuzz check asan demo bench install clean
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
