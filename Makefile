# eiso: build, test and demo. `make` builds bin/noded and bin/hubd; `make check` runs every
# test; `make demo` starts a hub and a whole province's agencies on loopback.
# SANITIZE=1 builds into build-san/ with AddressSanitizer and UndefinedBehaviorSanitizer.
# B=DIR builds into DIR instead: CI checks clang's warnings with make CC=clang B=build-clang.

CC      ?= gcc
SANITIZE ?=
B       := build$(if $(SANITIZE),-san)
PKGS    := libzmq lmdb libsodium libssl libcrypto libprotobuf-c libuv libh2o inih libutf8proc jansson libsystemd \
           libqrencode libpng
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Werror
SANFLAGS := -fsanitize=address -fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT     := $(if $(SANITIZE),-O1 $(SANFLAGS),-O2)
CFLAGS  ?= -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) $(CFLAGS) -I$(B)/gen -Icommon \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lmagic -lpthread
LDFLAGS += $(if $(SANITIZE),-fsanitize=address -fsanitize=undefined)

# Sources by folder (file names without .c); each folder is one role, and includes point one
# way: hubd/web and hubd/portal -> hubd/core -> common; hubd/cli -> hubd/core; the top-level
# main.c and run.c of each daemon may include them all. README's "Layout" says what each holds.
COMMON  := err log keys store sha256 blob wire chain conf fsutil domain pbjson text daemon http \
           http_parse http_reply http_limit \
           verb html i18n tmpl session
HUBD_TOP    := main run routes
HUBD_CORE   := hub agencies ingest ingest_txn pool apply zap published search restore alerts metrics figures
HUBD_WEB    := web login view view_records api dash dash_agency metrics
HUBD_PORTAL := portal listing lookup verify qr
HUBD_CLI    := cli init enroll agency status show alerts passwd portal backup config
NODED_TOP   := main run routes
NODED_CORE  := node outbox attach document recordfile casefile sender sender_msg inbox restore status user
NODED_CLI   := cli cli_doc cli_file cli_case cli_user init status backup config restore
NODED_WEB   := api api_fields web workspace ws_docs ws_work ws_passwd
UNIT    := test_store test_chain test_wire test_blob test_conf test_keys test_domain test_document test_text test_http test_schema \
           test_tmpl test_verb test_user test_session

COMMON_O      := $(B)/gen/eiso.pb-c.o $(COMMON:%=$(B)/common/%.o)
HUBD_CORE_O   := $(HUBD_CORE:%=$(B)/hubd/core/%.o)
HUBD_O        := $(HUBD_TOP:%=$(B)/hubd/%.o) $(HUBD_CORE_O) $(HUBD_WEB:%=$(B)/hubd/web/%.o) \
                 $(HUBD_PORTAL:%=$(B)/hubd/portal/%.o) $(HUBD_CLI:%=$(B)/hubd/cli/%.o) $(B)/gen/www.o \
                 $(B)/gen/tmpl_hubd.o
NODED_CORE_O  := $(NODED_CORE:%=$(B)/noded/core/%.o)
NODED_O       := $(NODED_TOP:%=$(B)/noded/%.o) $(NODED_CORE_O) $(NODED_CLI:%=$(B)/noded/cli/%.o) \
                 $(NODED_WEB:%=$(B)/noded/web/%.o) $(B)/gen/www_noded.o $(B)/gen/tmpl_noded.o

all: $(B)/bin/noded $(B)/bin/hubd $(B)/bin/forge
ifeq ($(SANITIZE),)
	@mkdir -p bin && ln -sf ../$(B)/bin/noded bin/noded && ln -sf ../$(B)/bin/hubd bin/hubd
endif

$(B)/gen/eiso.pb-c.c $(B)/gen/eiso.pb-c.h &: proto/eiso.proto
	@mkdir -p $(B)/gen
	protoc-c --proto_path=proto --c_out=$(B)/gen proto/eiso.proto

# The program version for --version: git describe at build time ("unknown" outside a git
# checkout). The header is rewritten only when the version changes, so only verb.o rebuilds.
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(B)/gen/version.h: FORCE
	@mkdir -p $(B)/gen
	@echo '#define EISO_VERSION "$(VERSION)"' >$@.tmp; \
	    if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; echo "  GEN $@ $(VERSION)"; fi
$(B)/common/verb.o: $(B)/gen/version.h
FORCE:
.PHONY: FORCE

# Generated code is not ours to warn about.
$(B)/gen/eiso.pb-c.o: $(B)/gen/eiso.pb-c.c
	$(CC) -std=c11 $(OPT) $(CFLAGS) $(shell pkg-config --cflags libprotobuf-c) -c -o $@ $<

# The dashboard's CSS and script, compiled into hubd (xxd -i): nothing is loaded from outside.
WWW := $(sort $(wildcard hubd/web/www/*))
$(B)/gen/www.c: $(WWW) Makefile
	@mkdir -p $(B)/gen
	@echo "  GEN $@"; { \
	    echo '/* generated from hubd/web/www by the Makefile: do not edit */'; \
	    for f in $(WWW); do n=www_$$(basename $$f | tr -c 'a-zA-Z0-9\n' _); \
	        xxd -i -n $$n $$f | sed 's/^unsigned/static const unsigned/'; done; \
	    echo 'struct web_asset { const char *name; const unsigned char *data; unsigned int len; };'; \
	    echo 'extern const struct web_asset web_assets[];'; \
	    echo 'const struct web_asset web_assets[] = {'; \
	    for f in $(WWW); do n=www_$$(basename $$f | tr -c 'a-zA-Z0-9\n' _); \
	        echo "	{ \"$$(basename $$f)\", $$n, sizeof($$n) },"; done; \
	    echo '	{ 0, 0, 0 }'; echo '};'; } > $@.tmp && mv $@.tmp $@

$(B)/gen/www.o: $(B)/gen/www.c
	$(CC) -std=c11 $(OPT) $(CFLAGS) -c -o $@ $<

# The workspace's stylesheet, compiled into noded the same way (ws_assets).
NODED_WWW := $(sort $(wildcard noded/web/www/*))
$(B)/gen/www_noded.c: $(NODED_WWW) Makefile
	@mkdir -p $(B)/gen
	@echo "  GEN $@"; { \
	    echo '/* generated from noded/web/www by the Makefile: do not edit */'; \
	    for f in $(NODED_WWW); do n=www_$$(basename $$f | tr -c 'a-zA-Z0-9\n' _); \
	        xxd -i -n $$n $$f | sed 's/^unsigned/static const unsigned/'; done; \
	    echo 'struct ws_asset { const char *name; const unsigned char *data; unsigned int len; };'; \
	    echo 'extern const struct ws_asset ws_assets[];'; \
	    echo 'const struct ws_asset ws_assets[] = {'; \
	    for f in $(NODED_WWW); do n=www_$$(basename $$f | tr -c 'a-zA-Z0-9\n' _); \
	        echo "	{ \"$$(basename $$f)\", $$n, sizeof($$n) },"; done; \
	    echo '	{ 0, 0, 0 }'; echo '};'; } > $@.tmp && mv $@.tmp $@

$(B)/gen/www_noded.o: $(B)/gen/www_noded.c
	$(CC) -std=c11 $(OPT) $(CFLAGS) -c -o $@ $<

# The pages' templates, checked and compiled in by tmplc (common/tmplc.c, a build-time tool):
# a misspelt translation key, an unknown partial or an unescaped value fails the build.
TMPLC := $(B)/bin/tmplc
$(TMPLC): $(B)/common/tmplc.o $(addprefix $(B)/common/,tmpl.o html.o i18n.o err.o)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

HUBD_TMPL := $(sort $(wildcard hubd/*/tmpl/*.html))
$(B)/gen/tmpl_hubd.c: $(HUBD_TMPL) $(TMPLC)
	@mkdir -p $(B)/gen
	@echo "  TMPL $@"; $(TMPLC) $@ hubd_templates $(HUBD_TMPL)

$(B)/gen/tmpl_hubd.o: $(B)/gen/tmpl_hubd.c
	$(CC) -std=c11 $(OPT) $(CFLAGS) -Icommon $(shell pkg-config --cflags jansson) -c -o $@ $<

NODED_TMPL := $(sort $(wildcard noded/web/tmpl/*.html))
$(B)/gen/tmpl_noded.c: $(NODED_TMPL) $(TMPLC)
	@mkdir -p $(B)/gen
	@echo "  TMPL $@"; $(TMPLC) $@ noded_templates $(NODED_TMPL)

$(B)/gen/tmpl_noded.o: $(B)/gen/tmpl_noded.c
	$(CC) -std=c11 $(OPT) $(CFLAGS) -Icommon $(shell pkg-config --cflags jansson) -c -o $@ $<

# Each object depends on the headers it includes (-MMD writes them to its .d file, -MP adds
# an empty rule per header so a removed header does not stop the build).
$(B)/%.o: %.c $(B)/gen/eiso.pb-c.h
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
-include $(shell find $(B) -name '*.d' 2>/dev/null)

# A daemon's files name its headers from the daemon's folder ("core/core.h").
$(B)/hubd/%.o: ALL_CFLAGS += -Ihubd
$(B)/noded/%.o: ALL_CFLAGS += -Inoded

$(B)/bin/noded: $(NODED_O) $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/bin/hubd: $(HUBD_O) $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# forge: a deliberately misbehaving node for the hostile tests (tests/tools/forge.c).
$(B)/bin/forge: $(B)/tests/tools/forge.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# loadgen: the benchmark's load generator (tests/bench/); it links the node's and the hub's
# store layers (no main() in them). `make bench` runs tests/bench/bench.sh; BENCH_ARGS passes
# options to it, e.g. make bench BENCH_ARGS="--runs 5 --agencies 1000".
BENCH_O := $(addprefix $(B)/tests/bench/,loadgen.o limits.o nodes.o hubview.o http.o)
all: $(B)/bin/loadgen
$(BENCH_O): tests/bench/bench.h
$(B)/tests/bench/nodes.o: ALL_CFLAGS += -Inoded
$(B)/tests/bench/hubview.o: ALL_CFLAGS += -Ihubd
$(B)/bin/loadgen: $(BENCH_O) $(NODED_CORE_O) $(HUBD_CORE_O) $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lm

bench: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(B) EISO_BIN=$(B)/bin tests/bench/bench.sh $(BENCH_ARGS)
.PHONY: bench

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Unit tests of the node's store layer link the node's core objects and their shared fixture
# (tests/unit/fixture.c: a node's store in a temporary directory).
UNIT_NODE   := test_document test_user
UNIT_NODE_O := $(NODED_CORE_O) $(B)/tests/unit/fixture.o
$(UNIT_NODE:%=$(B)/tests/unit/%.o) $(B)/tests/unit/fixture.o: ALL_CFLAGS += -Inoded
$(UNIT_NODE:%=$(B)/tests/unit/%): $(B)/tests/unit/%: $(B)/tests/unit/%.o $(UNIT_NODE_O) $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Unit tests of the hub's modules link the hub's core objects (test_published the portal's
# too: it tests the portal's helpers); never main or run.
UNIT_HUB := test_published test_reviews
UNIT     += $(UNIT_HUB)
$(UNIT_HUB:%=$(B)/tests/unit/%.o): ALL_CFLAGS += -Ihubd
$(B)/tests/unit/test_published: $(HUBD_PORTAL:%=$(B)/hubd/portal/%.o)
$(UNIT_HUB:%=$(B)/tests/unit/%): $(B)/tests/unit/%: $(B)/tests/unit/%.o $(HUBD_CORE_O) $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Fuzzing (tests/fuzz/, see its README). Each harness is replayed over its corpus on every
# `make check`, as the unit test test_fuzz_NAME (replay.c's main); `make fuzz` searches for new
# inputs with clang's libFuzzer under ASan and UBSan, in build-fuzz/, FUZZ_SECONDS (60) each;
# `make fuzz-merge` adds the inputs that reach new code to the tree's corpus.
FUZZ         := envelope chain conf text http
FUZZ_SECONDS ?= 60
FUZZ_OPT     := -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
UNIT         += $(FUZZ:%=test_fuzz_%)
$(B)/tests/fuzz/replay-%.o: tests/fuzz/replay.c tests/fuzz/fuzz.h
	@mkdir -p $(dir $@)
	@echo "  CC $< ($*)"; $(CC) $(ALL_CFLAGS) -DFUZZ_CORPUS='"tests/fuzz/corpus/$*"' -c -o $@ $<
$(B)/tests/unit/test_fuzz_%: $(B)/tests/fuzz/%.o $(B)/tests/fuzz/replay-%.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(B)/bin/fuzz_%: $(B)/tests/fuzz/%.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)
fuzzers: $(FUZZ:%=$(B)/bin/fuzz_%)

fuzz: deps
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang OPT="$(FUZZ_OPT)" fuzzers
	@for f in $(FUZZ); do \
	    mkdir -p build-fuzz/corpus/$$f; \
	    echo "=== fuzz $$f: $(FUZZ_SECONDS) s"; \
	    build-fuzz/bin/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        -artifact_prefix=build-fuzz/crash-$$f- build-fuzz/corpus/$$f tests/fuzz/corpus/$$f \
	        >build-fuzz/fuzz-$$f.log 2>&1; rc=$$?; \
	    grep -E '^(Done |stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' \
	        build-fuzz/fuzz-$$f.log; \
	    [ $$rc -eq 0 ] || { echo "fuzz $$f: failed (build-fuzz/fuzz-$$f.log, input build-fuzz/crash-$$f-*)"; exit 1; }; \
	done
fuzz-merge:
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang OPT="$(FUZZ_OPT)" fuzzers
	@for f in $(FUZZ); do mkdir -p build-fuzz/corpus/$$f && \
	    build-fuzz/bin/fuzz_$$f -merge=1 tests/fuzz/corpus/$$f build-fuzz/corpus/$$f || exit 1; done
.PHONY: fuzz fuzz-merge fuzzers

unit: $(UNIT:%=$(B)/tests/unit/%)

deps:
	@deploy/deps.sh

check: deps
	@$(MAKE) --no-print-directory all unit
	@BUILD=$(B) tests/run

demo: deps
	@$(MAKE) --no-print-directory all
	@deploy/demo start

demo-stop:
	@deploy/demo stop

# install: the daemons, eiso-provision, man pages, config samples (every directive with its
# default, as the binaries print them), the systemd units (ExecStart under BINDIR) and the
# sysusers.d entry for the eiso user. make install PREFIX=/usr DESTDIR=/tmp/pkg for a package.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/eiso
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
INSTALLED := $(BINDIR)/noded $(BINDIR)/hubd $(BINDIR)/eiso-provision \
	$(MANDIR)/man8/noded.8 $(MANDIR)/man8/hubd.8 $(MANDIR)/man5/eiso.conf.5 \
	$(DATADIR)/noded.conf.sample $(DATADIR)/hubd.conf.sample \
	$(DATADIR)/agencies-vinh-phuc.tsv $(UNITDIR)/eiso-noded.service \
	$(UNITDIR)/eiso-hubd.service $(SYSUSERSDIR)/eiso.conf

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 $(B)/bin/noded $(B)/bin/hubd $(DESTDIR)$(BINDIR)/
	install -m 0755 deploy/provision $(DESTDIR)$(BINDIR)/eiso-provision
	install -m 0644 man/noded.8 man/hubd.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/eiso.conf.5 $(DESTDIR)$(MANDIR)/man5/
	$(B)/bin/noded config-sample > $(DESTDIR)$(DATADIR)/noded.conf.sample
	$(B)/bin/hubd config-sample > $(DESTDIR)$(DATADIR)/hubd.conf.sample
	chmod 0644 $(DESTDIR)$(DATADIR)/noded.conf.sample $(DESTDIR)$(DATADIR)/hubd.conf.sample
	install -m 0644 deploy/roster/agencies-vinh-phuc.tsv $(DESTDIR)$(DATADIR)/
	for u in eiso-noded eiso-hubd; do \
	    sed 's|/usr/local/bin/|$(BINDIR)/|g' deploy/systemd/$$u.service \
	        > $(DESTDIR)$(UNITDIR)/$$u.service && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.service \
	    || exit 1; done
	install -m 0644 deploy/systemd/eiso.sysusers $(DESTDIR)$(SYSUSERSDIR)/eiso.conf

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

.PHONY: install uninstall

clean:
	rm -rf build build-san build-clang bin

.PHONY: all unit deps check demo demo-stop clean
.SECONDARY:
