# farcall. The two commands a user needs: `make run` and `make check`.
# Both install what is missing first (scripts/deps.sh, Debian packages).

CC      ?= cc
PKGS    := unicorn capstone libelf libdw jansson
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers -MMD -MP $(SAN_OPT)
CFLAGS  += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lunicorn -lcapstone -lelf -ldw -ljansson) -lm -pthread
# LLVM's C disassembler, for RISC-V traces (Debian 12's Capstone has none).
LLVM_CONFIG ?= llvm-config-14
CFLAGS  += -I$(shell $(LLVM_CONFIG) --includedir 2>/dev/null || echo /usr/lib/llvm-14/include)
LDLIBS  += -L$(shell $(LLVM_CONFIG) --libdir 2>/dev/null || echo /usr/lib/llvm-14/lib) -lLLVM-14
BUILD   := build

LIB_SRC := core/util.c core/jsonfile.c core/stats.c core/manifest.c core/gomanifest.c targets/targets.c targets/arm64/arm64.c targets/amd64/amd64.c targets/riscv64/riscv64.c targets/riscv64/disasm.c targets/arm64/kept.c targets/amd64/kept.c targets/riscv64/kept.c \
           gen/model.c gen/gofront.c gen/body.c gen/debug.c gen/elfobj.c gen/options.c gen/case.c gen/cmd_gen.c \
           link/linker_table.c link/linkers.c link/link_case.c link/exec.c link/cmd_link.c \
           emu/guard.c emu/loader.c emu/dynamic.c emu/symbols.c emu/calls.c emu/sitefail.c emu/trace.c emu/cmd_emu.c \
           report/report.c report/corpus.c report/against.c report/junit.c report/html.c report/plan.c report/run_one.c report/journal.c report/cmd_run.c report/bench.c report/bench_report.c report/cmd_bench.c verify/lines.c verify/keptrelocs.c verify/calltable.c verify/callscan.c verify/gocase.c verify/thunknames.c verify/cfi.c verify/layout.c verify/excerpt.c verify/cmd_verify.c verify/cmd_check.c \
           checks/findings.c checks/registry.c checks/subject.c checks/runner.c checks/sites.c \
           checks/loadinfo.c checks/calls.c checks/data.c checks/lines.c checks/cfi.c checks/frames.c checks/layout.c \
           checks/kept_relocs.c checks/callsites.c
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT    := tests/unit/test_arm64 tests/unit/test_amd64 tests/unit/test_riscv64 tests/unit/test_manifest tests/unit/test_util tests/unit/test_debug tests/unit/test_checks tests/unit/test_linkers tests/unit/test_stats
TOOLS   := tests/tools/fc-patch tests/tools/fc-debug-patch

.PHONY: all deps run corpus check check-san check-fuzz fuzz fuzz-build unit e2e bench bench-stages bench-gen bench-emu bench-verify bench-go bench-kept bench-check clean
all: farcall

farcall: $(BUILD)/farcall.o $(BUILD)/libfarcall.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libfarcall.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

tests/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/libfarcall.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

tests/tools/%: $(BUILD)/tests/tools/%.o $(BUILD)/libfarcall.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

deps:
	@scripts/deps.sh

# The default corpus: every arch, .text big enough that half the arm64 calls
# need thunks (and RISC-V relaxes the near ones),
# with every installed linker. Findings show in the table and the report;
# the target fails only when the run itself could not complete.
RUN_ARGS ?= --arch arm64,amd64,riscv64 --size 320M
run: deps
	@$(MAKE) --no-print-directory farcall
	@./farcall run $(RUN_ARGS); s=$$?; [ $$s -le 1 ] || exit $$s

# The whole corpus (corpus/*.scn, docs/corpus.md), 4 GiB cases included.
corpus: deps
	@$(MAKE) --no-print-directory farcall
	@./farcall run --corpus corpus

check: deps
	@$(MAKE) --no-print-directory farcall $(UNIT) $(TOOLS)
	@tests/run.sh
	@$(MAKE) --no-print-directory check-san
	@$(MAKE) --no-print-directory check-fuzz

# The unit tests and a subset of the end-to-end tests again, on a build with
# AddressSanitizer and UndefinedBehaviorSanitizer (no recovery: undefined
# behaviour fails). Objects in build-san/, binaries in build-san/bin/.
SAN_DIR := build-san
SAN_CC  := clang-14 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
SAN_BIN := $(SAN_DIR)/bin/farcall $(UNIT:tests/unit/%=$(SAN_DIR)/bin/%) $(TOOLS:tests/tools/%=$(SAN_DIR)/bin/%)
check-san: deps
	@$(MAKE) --no-print-directory BUILD=$(SAN_DIR) CC="$(SAN_CC)" SAN_OPT=-O1 $(SAN_BIN)
	@tests/run-san.sh

$(BUILD)/bin/farcall: $(BUILD)/farcall.o $(BUILD)/libfarcall.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/bin/fc-%: $(BUILD)/tests/tools/fc-%.o $(BUILD)/libfarcall.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/bin/test_%: $(BUILD)/tests/unit/test_%.o $(BUILD)/libfarcall.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Link time, memory and thunk bytes against size (farcall bench): every
# arch, every installed linker, 16 MiB to 1 GiB, ten measured repeats (the
# median's 95% interval is then the 2nd to 9th value, not min to max);
# about 7 minutes on 2 cores.
# The report goes to reports/bench-<time>/ (index.html, bench.json, plots).
BENCH_ARGS ?= --arch arm64,amd64,riscv64 --sizes 16M,64M,256M,1G --repeat 10 --calls-only --funcs-per-mib 4
bench: deps
	@$(MAKE) --no-print-directory farcall
	@./farcall bench $(BENCH_ARGS)

# How fast farcall's own stages are (docs/BENCHMARKS.md).
bench-stages: bench-gen bench-emu bench-verify bench-go bench-kept bench-check

# libFuzzer harnesses of every reader of untrusted input (tests/fuzz/,
# docs/RELIABILITY.md): the library built with coverage instrumentation,
# ASan and UBSan (no recovery) into build-fuzz/, one binary per harness in
# build-fuzz/bin/. `make fuzz` runs each for FUZZ_SECONDS on one core
# (FUZZ_CPU, default 1) with its corpus and crashers under FUZZ_WORK (not
# in git); `make check-fuzz` (run by make check) runs every seed and every
# regression input, then a few seconds of fuzzing each.
FUZZ_DIR     := build-fuzz
FUZZ_CC      := clang-14 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_NAMES   := image lines check manifest gomanifest scenario
FUZZ_BIN     := $(FUZZ_NAMES:%=$(FUZZ_DIR)/bin/fuzz_%)
FUZZ_SECONDS ?= 180
fuzz-build: deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_DIR) CC="$(FUZZ_CC)" SAN_OPT=-O1 $(FUZZ_BIN)
fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh fuzz $(FUZZ)
check-fuzz: fuzz-build
	@tests/fuzz/run.sh smoke
.SECONDARY: $(FUZZ_NAMES:%=$(FUZZ_DIR)/tests/fuzz/fuzz_%.o)
$(BUILD)/bin/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/libfarcall.a
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=fuzzer $(CFLAGS) -o $@ $^ $(LDLIBS)

bench-gen: deps
	@$(MAKE) --no-print-directory farcall
	@scripts/bench-gen.sh
bench-emu: deps
	@$(MAKE) --no-print-directory farcall
	@scripts/bench-emu.sh
bench-kept: deps
	@$(MAKE) --no-print-directory farcall
	@scripts/bench-kept.sh
bench-go: deps
	@$(MAKE) --no-print-directory farcall
	@scripts/bench-go.sh
bench-check: deps
	@$(MAKE) --no-print-directory farcall
	@scripts/bench-check.sh
bench-verify: deps
	@$(MAKE) --no-print-directory farcall
	@scripts/bench-verify.sh

clean:
	rm -rf $(BUILD) $(SAN_DIR) $(FUZZ_DIR) farcall $(UNIT) $(TOOLS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
