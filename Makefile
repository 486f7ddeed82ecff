# Jarvis: one Makefile, pkg-config for every library, objects under build/.
#   make            build ./jarvis
#   make deps       install the Debian packages the build and the tests need
#   make test       unit tests (check) then end-to-end tests (pytest, tmux)
#   make sanitize   the same tests against an ASan+UBSan build
#   make lint       clang-format, the banned-call grep, gcc -fanalyzer, cppcheck
#   make check-build  the build's own tests (no-op rebuild, header deps, core isolation)
#   make install    PREFIX, DESTDIR, MANPREFIX honoured

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
MANPREFIX ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
BUILD     ?= build
PYTHON    ?= /usr/bin/python3
CC        ?= cc

# The heavy optional libraries are linked only into plugins (see
# include/jarvis/plugin.h), loaded on first use: a run that never touches
# MongoDB, SQLite, an attachment or right-to-left text never maps libmongoc,
# sqlite3, libmagic or libfribidi, and libcurl (with the ~30 libraries it
# pulls in) is mapped by the first request, libjwt (with libcrypto) by
# the first login token, libcrypt (bcrypt) by the first password hash or
# check and libsodium by the first account data opened, not at start-up.
# CORE_PKGS are all src/core may use: a unit test of the core links against
# the core archive and these alone (see below), so the core cannot reach for
# the terminal, the network or a store without the build saying so.
CORE_PKGS = libcjson md4c inih libutf8proc
PKGS   = $(CORE_PKGS) ncursesw
PLUGIN_PKGS = libmongoc-1.0 sqlite3 libmagic fribidi libcurl libjwt libxcrypt libsodium
# A pointer of the wrong type or an undeclared function is always a bug,
# in the tests and the fuzz harnesses too, which CI builds without -Werror.
WARN   = -std=c11 -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
         -Wstrict-prototypes -Wno-unused-parameter \
         -Werror=incompatible-pointer-types -Werror=implicit-function-declaration
CFLAGS ?= -O2 -g
ALL_CFLAGS   = $(WARN) $(CFLAGS) $(EXTRA_CFLAGS)
PLUGIN_DIR   = $(BUILD)/lib/jarvis
ALL_CPPFLAGS = -D_GNU_SOURCE -Iinclude -I$(BUILD) \
               $(shell pkg-config --cflags $(PKGS) $(PLUGIN_PKGS)) $(CPPFLAGS)
LIBS         = $(shell pkg-config --libs $(PKGS)) -lpthread -lm -ldl
CORE_LIBS    = $(shell pkg-config --libs $(CORE_PKGS)) -lm

DEB_PACKAGES = build-essential pkg-config libncursesw5-dev libcurl4-openssl-dev \
  libmongoc-dev libcjson-dev libjwt-dev libcrypt-dev libmagic-dev libsqlite3-dev \
  libmd4c-dev libinih-dev check tmux python3 python3-pytest clang clang-format \
  man-db groff-base ca-certificates procps libclang-rt-14-dev time cppcheck python3-pymongo \
  libutf8proc-dev unicode-data libfribidi-dev bash-completion zsh fish libsodium-dev \
  libchafa-dev libglib2.0-dev libgdk-pixbuf-2.0-dev strace

# Each plugin: its own sources plus PIC copies of the core helpers they use.
PLUGIN_CORE       = src/core/util.c src/core/buf.c src/core/conv.c src/core/utf8.c \
                    src/store/records.c
# An engine is split by concern into src/store/ENGINE*.c, all in its plugin.
PLUGIN_mongo_SRC  = $(sort $(wildcard src/store/mongo*.c)) src/plugin_abi.c $(PLUGIN_CORE)
PLUGIN_mongo_PKGS = libmongoc-1.0 libutf8proc
PLUGIN_sqlite_SRC = $(sort $(wildcard src/store/sqlite*.c)) src/plugin_abi.c src/core/fs.c $(PLUGIN_CORE)
PLUGIN_sqlite_PKGS = sqlite3 libutf8proc
PLUGIN_magic_SRC  = src/attach/magic.c src/plugin_abi.c src/core/util.c
PLUGIN_magic_PKGS = libmagic
PLUGIN_bidi_SRC   = src/bidi/fribidi.c src/plugin_abi.c
PLUGIN_bidi_PKGS  = fribidi
PLUGIN_net_SRC    = src/net/curl.c src/plugin_abi.c src/core/util.c
PLUGIN_net_PKGS   = libcurl
PLUGIN_jwt_SRC    = src/auth/jwt.c src/plugin_abi.c src/core/fs.c src/core/util.c
PLUGIN_jwt_PKGS   = libjwt libcjson
# bcrypt (libxcrypt): mapped by the first signup, login or password change.
PLUGIN_crypt_SRC  = src/auth/bcrypt.c src/plugin_abi.c src/core/util.c
PLUGIN_crypt_PKGS = libxcrypt
# The data key and sealed fields (libsodium): mapped by the first account
# that opens its data (a login, or the saved session after the first paint).
PLUGIN_sodium_SRC  = src/auth/sodium.c src/plugin_abi.c src/core/util.c
PLUGIN_sodium_PKGS = libsodium
# Image previews: gdk-pixbuf decodes, libchafa draws; both bring GLib, which
# only this plugin maps (jarvis itself never links it).
PLUGIN_chafa_SRC  = src/image/chafa.c src/plugin_abi.c src/core/util.c
PLUGIN_chafa_PKGS = chafa gdk-pixbuf-2.0
PLUGIN_NAMES = mongo sqlite magic bidi net jwt crypt sodium chafa
PLUGINS      = $(PLUGIN_NAMES:%=$(PLUGIN_DIR)/jarvis-%.so)
PLUGIN_ONLY  = $(wildcard src/store/mongo*.c src/store/sqlite*.c) src/attach/magic.c src/bidi/fribidi.c \
               src/net/curl.c src/auth/jwt.c src/auth/bcrypt.c src/auth/sodium.c \
               src/image/chafa.c src/plugin_abi.c
PLUGIN_OBJ   = $(sort $(foreach p,$(PLUGIN_NAMES),$(PLUGIN_$(p)_SRC:%.c=$(BUILD)/pic/%.o)))

SRC      = $(filter-out $(PLUGIN_ONLY),$(sort $(wildcard src/*.c src/*/*.c)))
OBJ      = $(SRC:%.c=$(BUILD)/%.o)
CORE_OBJ = $(filter $(BUILD)/src/core/%.o,$(OBJ))
LIB_OBJ  = $(filter-out $(BUILD)/src/main.o $(CORE_OBJ),$(OBJ))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# tests/unit/test_X.c is a test of the core when src/core/X.c exists.
CORE_UNIT_BIN = $(filter $(patsubst src/core/%.c,$(BUILD)/tests/test_%,$(SRC)),$(UNIT_BIN))
BIN      = $(if $(filter build,$(BUILD)),jarvis,$(BUILD)/jarvis)

.PHONY: all deps test unit unit-build e2e check-build sanitize lint fuzz bench install uninstall clean

# The shell completions are written by the binary from its own option and
# model tables (src/core/completion.c), never by hand.
COMPLETIONS = $(BUILD)/completions/jarvis.bash $(BUILD)/completions/_jarvis \
              $(BUILD)/completions/jarvis.fish

all: $(BIN) $(PLUGINS) $(COMPLETIONS)

$(BUILD)/completions/jarvis.bash: $(BIN)
	@mkdir -p $(@D)
	$(abspath $(BIN)) --completions bash > $@.tmp && mv $@.tmp $@
$(BUILD)/completions/_jarvis: $(BIN)
	@mkdir -p $(@D)
	$(abspath $(BIN)) --completions zsh > $@.tmp && mv $@.tmp $@
$(BUILD)/completions/jarvis.fish: $(BIN)
	@mkdir -p $(@D)
	$(abspath $(BIN)) --completions fish > $@.tmp && mv $@.tmp $@

# Everything but main.o goes in two archives, so a program links only what it
# uses: the core (src/core, pure: no terminal, network or store) in
# libjarvis-core.a, the rest in libjarvis.a, which may use the core but not
# the other way round.
$(BUILD)/libjarvis-core.a: $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $(CORE_OBJ)

$(BUILD)/libjarvis.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

ARCHIVES = $(BUILD)/libjarvis.a $(BUILD)/libjarvis-core.a

# The plugins come with the binary (order-only: relinking one does not relink it).
$(BIN): $(BUILD)/src/main.o $(ARCHIVES) | $(PLUGINS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(BUILD)/src/main.o $(ARCHIVES) $(LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fPIC -MMD -MP -c -o $@ $<

# Only the entry points in src/plugin.map leave a plugin. Their PIC objects
# are named only through the secondary expansion below, so make would take
# them for intermediate files and delete them after the link, and the next
# make would compile them again: .SECONDARY keeps them.
.SECONDARY: $(PLUGIN_OBJ)
plugin_objs = $(patsubst %.c,$(BUILD)/pic/%.o,$(PLUGIN_$(1)_SRC))
.SECONDEXPANSION:
$(PLUGIN_DIR)/jarvis-%.so: $$(call plugin_objs,$$*) src/plugin.map
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,--version-script=src/plugin.map \
	  -o $@ $(filter %.o,$^) $(shell pkg-config --libs $(PLUGIN_$*_PKGS))

# Where the plugins are, rewritten only when PREFIX, LIBDIR or BUILD change,
# so that changing them rebuilds what depends on it (and only then is the
# header out of date, so make -q and make -n see an up-to-date tree as one).
PATHS_H_LINES = '\#define JARVIS_BUILD_BIN "$(abspath $(BIN))"' \
  '\#define JARVIS_BUILD_ROOT "$(abspath $(BUILD))"' \
  '\#define JARVIS_BUILD_LIBDIR "$(abspath $(PLUGIN_DIR))"' \
  '\#define JARVIS_INSTALL_LIBDIR "$(LIBDIR)/jarvis"'
ifneq ($(shell cat $(BUILD)/paths.h 2>/dev/null),$(shell printf '%s\n' $(PATHS_H_LINES)))
$(BUILD)/paths.h: FORCE
endif
$(BUILD)/paths.h:
	@mkdir -p $(@D)
	@printf '%s\n' $(PATHS_H_LINES) > $@
$(BUILD)/src/plugin.o: $(BUILD)/paths.h

# GLib's headers are for the preview plugin alone, not for every file.
CHAFA_CPPFLAGS = $(shell pkg-config --cflags $(PLUGIN_chafa_PKGS))
$(BUILD)/pic/src/image/chafa.o $(BUILD)/analyze/src/image/chafa.ok: ALL_CPPFLAGS += $(CHAFA_CPPFLAGS)

.PHONY: FORCE
FORCE:

# A unit test tracks the headers it includes (-MMD writes test_X.d). A test
# of the core links the whole core archive and only CORE_LIBS: if any core
# file calls curses, curl, mongoc or code outside src/core, it fails to link.
$(BUILD)/tests/%: tests/unit/%.c $(ARCHIVES)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(shell pkg-config --cflags check) $(LDFLAGS) \
	  -MMD -MP -MF $@.d -MT $@ -o $@ $< $(BUILD)/libjarvis.a $(BUILD)/libjarvis-core.a $(LIBS) \
	  $(shell pkg-config --libs check $(PLUGIN_PKGS))

$(CORE_UNIT_BIN): $(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libjarvis-core.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(shell pkg-config --cflags check) $(LDFLAGS) \
	  -MMD -MP -MF $@.d -MT $@ -o $@ $< -Wl,--whole-archive $(BUILD)/libjarvis-core.a \
	  -Wl,--no-whole-archive $(CORE_LIBS) $(shell pkg-config --libs check)

-include $(OBJ:.o=.d) $(PLUGIN_OBJ:.o=.d) $(UNIT_BIN:=.d)

# Debian packages, then FerretDB (a Go program) for the MongoDB store tests.
deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEB_PACKAGES)
	command -v go >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y golang-go
	sh tests/install-ferretdb.sh || echo 'make deps: FerretDB was not installed (it needs Go >= 1.24); the MongoDB tests will be skipped'

# Both run beside a FerretDB of their own (tests/ferretdb.py), so the
# store's contract suite and the end-to-end tests reach a real MongoDB peer.
# The unit tests built, not run: CI builds them with -Werror too.
unit-build: $(UNIT_BIN) $(PLUGINS)

unit: $(UNIT_BIN) $(PLUGINS)
	@$(PYTHON) tests/ferretdb.py run -- sh -c \
	  'fail=0; for t in $(UNIT_BIN); do $$t || fail=1; done; exit $$fail'

# The build's own tests (tests/build): a second make does nothing, unit tests
# track their headers, the core links without curses, curl or mongoc.
check-build:
	$(PYTHON) -m pytest -q -p no:cacheprovider tests/build

e2e: $(BIN) $(PLUGINS)
	JARVIS_BIN=$(abspath $(BIN)) $(PYTHON) tests/ferretdb.py run -- \
	  $(PYTHON) -m pytest -q -p no:cacheprovider tests/e2e

test: unit e2e

# Stack variables start as a fixed pattern, not as whatever was there: a
# read of one never set fails the same way on every run. LeakSanitizer
# skips only the leaks listed in tests/support/lsan.supp (inside system
# libraries, that no call can free).
sanitize:
	LSAN_OPTIONS="suppressions=$(abspath tests/support/lsan.supp)$(if $(LSAN_OPTIONS),:$(LSAN_OPTIONS))" \
	$(MAKE) BUILD=build/san EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1 \
	  -ftrivial-auto-var-init=pattern" \
	  LDFLAGS="-fsanitize=address,undefined" test

# gcc's static analyzer, one stamp per source file (so a second make lint
# analyses only what changed), and cppcheck: both must stay silent.
ANALYZER_CC ?= gcc
ANALYZE_OK   = $(patsubst %.c,$(BUILD)/analyze/%.ok,$(SRC) $(PLUGIN_ONLY))
CPPCHECK     = cppcheck -q --std=c11 --enable=warning,portability,performance \
               --error-exitcode=1 --inline-suppr --suppress=missingIncludeSystem \
               -D_GNU_SOURCE -Iinclude -I$(BUILD)

$(BUILD)/analyze/%.ok: %.c
	@mkdir -p $(@D)
	$(ANALYZER_CC) $(ALL_CPPFLAGS) $(WARN) -fanalyzer -Werror -MMD -MP -MF $(@:.ok=.d) -MT $@ \
	  -c -o /dev/null $<
	@touch $@
$(BUILD)/analyze/src/plugin.ok: $(BUILD)/paths.h
-include $(ANALYZE_OK:.ok=.d)

lint: $(ANALYZE_OK)
	@clang-format --dry-run --Werror $(SRC) $(PLUGIN_ONLY) $(wildcard include/jarvis/*.h src/*/*.h)
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok)\s*\(' $(SRC) $(PLUGIN_ONLY) \
	  || { echo "lint: banned call above"; exit 1; }
	@! grep -nE '#include <(curses|ncurses|mongoc|bson|curl)' src/core/*.c \
	  || { echo "lint: src/core must stay free of terminal, network and store headers"; exit 1; }
	@$(CPPCHECK) $(SRC) $(PLUGIN_ONLY) || { echo "lint: cppcheck found the above"; exit 1; }
	@echo "lint: ok"

install: $(BIN) $(PLUGINS) $(COMPLETIONS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(LIBDIR)/jarvis
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 644 $(BUILD)/completions/jarvis.bash $(DESTDIR)$(BASHCOMPDIR)/jarvis
	install -m 644 $(BUILD)/completions/_jarvis $(DESTDIR)$(ZSHCOMPDIR)/_jarvis
	install -m 644 $(BUILD)/completions/jarvis.fish $(DESTDIR)$(FISHCOMPDIR)/jarvis.fish
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/jarvis
	install -m 644 $(PLUGINS) $(DESTDIR)$(LIBDIR)/jarvis/
	install -m 644 man/jarvis.1 $(DESTDIR)$(MANPREFIX)/man1/jarvis.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/jarvis $(DESTDIR)$(MANPREFIX)/man1/jarvis.1
	rm -f $(PLUGIN_NAMES:%=$(DESTDIR)$(LIBDIR)/jarvis/jarvis-%.so)
	rm -f $(DESTDIR)$(BASHCOMPDIR)/jarvis $(DESTDIR)$(ZSHCOMPDIR)/_jarvis \
	  $(DESTDIR)$(FISHCOMPDIR)/jarvis.fish
	-rmdir $(DESTDIR)$(LIBDIR)/jarvis 2>/dev/null

clean:
	rm -rf $(BUILD) $(BIN)

# libFuzzer harnesses (tests/fuzz/fuzz_*.c) and the parser benchmark.
#   make fuzz            every harness for FUZZ_SECONDS (60) each: clang libFuzzer
#                        + ASan + UBSan, seeds from tests/fuzz/corpus/NAME/;
#                        FUZZ_SEED=N replays one mutation sequence (CI uses 1, so
#                        a red run can be reproduced; 0 lets libFuzzer pick)
#   make bench-parser    10 MiB synthetic stream through framer + reply parser
# The harnesses link a copy of the library built with the same sanitizers.
FUZZ_SECONDS ?= 60
FUZZ_SEED    ?= 0
FUZZ_CC      ?= clang
FUZZ_FLAGS    = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC      = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN      = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIB_OBJ  = $(patsubst $(BUILD)/%.o,$(BUILD)/fuzz/obj/%.o,$(filter-out $(BUILD)/src/main.o,$(OBJ)))

.PHONY: bench-parser

fuzz: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; \
	  mkdir -p $(BUILD)/fuzz/corpus/$$n; seeds=tests/fuzz/corpus/$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) -max_len=16384 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/$$n $$(test -d $$seeds && echo $$seeds); done

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
$(BUILD)/fuzz/obj/src/plugin.o: $(BUILD)/paths.h

$(BUILD)/fuzz/libjarvis.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $(FUZZ_LIB_OBJ)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/libjarvis.a
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d \
	  -MT $@ -o $@ $< $(BUILD)/fuzz/libjarvis.a $(LIBS)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BIN:=.d)

bench-parser: $(BUILD)/bench/parser_bench
	$(BUILD)/bench/parser_bench

# The parser benchmark links the core archive, like a core unit test: a
# hand-kept list of sources went stale whenever the parser called a new file.
$(BUILD)/bench/parser_bench: bench/parser_bench.c $(BUILD)/libjarvis-core.a
	@mkdir -p $(@D)
	$(CC) $(WARN) -O2 -D_GNU_SOURCE -Iinclude $(shell pkg-config --cflags libcjson) \
	  -o $@ bench/parser_bench.c $(BUILD)/libjarvis-core.a $(CORE_LIBS)

# The store benchmark (bench/store_bench.c): SQLite always, MongoDB when
# JARVIS_TEST_MONGO_URI is set. Prints median and p95 per engine.
.PHONY: bench-store
bench-store: $(BUILD)/bench/store_bench
	$(BUILD)/bench/store_bench

$(BUILD)/bench/store_bench: bench/store_bench.c $(ARCHIVES)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(ARCHIVES) $(LIBS)

# What the encryption costs (bench/seal_bench.c): per value sealed and
# opened, per message stored and read with and without the key, per login.
.PHONY: bench-seal
bench-seal: $(BUILD)/bench/seal_bench
	$(BUILD)/bench/seal_bench

$(BUILD)/bench/seal_bench: bench/seal_bench.c $(ARCHIVES)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(ARCHIVES) $(LIBS)

# Every benchmark (bench/README.md): the parser and store benchmarks, the
# wrap benchmark, jarvis -p and the TUI on the fake server, and gemini-cli
# on the same server (installed with npm into a cache; skipped without npm).
# They print figures; none of them fails on a slow machine.
# bench-latest writes bench/results/latest.md: start-up against the floor
# programs below, -p per MiB against curl -sN, and the TUI receiving paced
# answers of four kinds (bench/paced.py, several minutes).
# bench-peers installs aichat (cargo) and gemini-cli (npm) into
# $XDG_CACHE_HOME/jarvis-bench for the start-up table (skipped when offline).
.PHONY: bench bench-wrap bench-oneshot bench-tui bench-gemini-cli bench-latest bench-floor bench-peers
bench: bench-parser bench-store bench-seal bench-wrap bench-editor bench-oneshot bench-tui bench-peers bench-gemini-cli bench-latest

bench-peers:
	sh bench/peers.sh

bench-latest: $(BIN) $(PLUGINS) bench-floor
	$(PYTHON) bench/latest.py

bench-floor: $(BUILD)/bench/floor-bare $(BUILD)/bench/floor-curl $(BUILD)/bench/floor-tui

$(BUILD)/bench/floor-bare: bench/floor.c
	@mkdir -p $(@D)
	$(CC) -O2 -o $@ $<

$(BUILD)/bench/floor-curl: bench/floor.c
	@mkdir -p $(@D)
	$(CC) -O2 -o $@ $< -Wl,--no-as-needed $(shell pkg-config --libs libcurl)

$(BUILD)/bench/floor-tui: bench/floor_tui.c
	@mkdir -p $(@D)
	$(CC) -O2 -std=c11 -o $@ $< $(shell pkg-config --libs ncursesw)

bench-wrap: $(BUILD)/bench/wrap_bench
	$(BUILD)/bench/wrap_bench

$(BUILD)/bench/wrap_bench: bench/wrap_bench.c $(wildcard src/core/markdown*.c) src/core/wrap.c \
  src/core/utf8.c src/core/util.c src/core/buf.c
	@mkdir -p $(@D)
	$(CC) -O2 -std=c11 -D_GNU_SOURCE -Iinclude -o $@ $^ $(shell pkg-config --cflags --libs md4c libutf8proc)

bench-editor: $(BUILD)/bench/editor_bench
	$(BUILD)/bench/editor_bench

$(BUILD)/bench/editor_bench: bench/editor_bench.c src/core/editor.c src/core/wrap.c \
  src/core/utf8.c src/core/util.c src/core/buf.c
	@mkdir -p $(@D)
	$(CC) -O2 -std=c11 -D_GNU_SOURCE -Iinclude -o $@ $^ $(shell pkg-config --cflags --libs libutf8proc)

bench-oneshot: $(BIN)
	python3 bench/oneshot.py

bench-tui: $(BIN)
	python3 bench/tui.py

bench-gemini-cli: $(BIN)
	sh bench/gemini-cli.sh
