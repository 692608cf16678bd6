# iommufd-tools — plain Makefile with pkg-config.
#
#   make            build the library, the tools and the man pages
#   make run        install what is missing (make deps), build, run the demo session
#   make check      install what is missing, build, run every test (plain and ASan+UBSan)
#   make valgrind   unit tests and a fixed sample of shell tests under valgrind
#   make bench      build and run the benchmark (BENCH_ARGS=--quick for a smoke run)
#   make deps       install build/test dependencies (Debian 12), idempotent
#   make KHDR=DIR   build against another kernel uAPI header tree (DIR/linux/iommufd.h
#                   or DIR/usr/include/linux/iommufd.h)
#   make SAN=1      ASan+UBSan build in build-san/
#   make WERROR=1   warnings are errors (CI)
#   V=1             show the commands

VERSION      := 0.1.0
LIB_SONAME   := libiommufd.so.0
LIB_REAL     := libiommufd.so.$(VERSION)

PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
MANDIR       ?= $(PREFIX)/share/man
DATADIR      ?= $(PREFIX)/share

CC           ?= cc
PKG_CONFIG   ?= pkg-config

ifeq ($(SAN),1)
B            ?= build-san
SANFLAGS     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPTFLAGS     ?= -O1 -g
else
B            ?= build
SANFLAGS     :=
OPTFLAGS     ?= -O2 -g
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
            -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

# The kernel uAPI header: the distribution's, or KHDR's when given.
ifneq ($(KHDR),)
KHDR_INC := $(if $(wildcard $(KHDR)/usr/include/linux/iommufd.h),$(KHDR)/usr/include,$(KHDR))
KHDR_FLAGS := -I$(abspath $(KHDR_INC))
endif

PKGS      := smartcols json-c readline
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

BASE_CFLAGS := -std=gnu11 $(OPTFLAGS) $(WARNINGS) -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
               -D_GNU_SOURCE -DIFD_VERSION=\"$(VERSION)\" $(SANFLAGS) $(KHDR_FLAGS)
CFLAGS   ?=
LDFLAGS  ?=
ALL_CFLAGS  = $(BASE_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

LIB_SRCS    := $(sort $(wildcard lib/*.c lib/sim/*.c))
SHARED_SRCS := $(sort $(wildcard src/shared/*.c))
CTL_SRCS    := $(sort $(wildcard src/iommuctl/*.c))
UNIT_SRCS   := $(sort $(wildcard tests/unit/test-*.c))
UNIT_HELPER := $(filter-out $(UNIT_SRCS),$(sort $(wildcard tests/unit/*.c)))
MAN_SRCS    := $(sort $(wildcard man/*.scd))

LIB_PIC_OBJS := $(LIB_SRCS:%.c=$(B)/pic/%.o)
LIB_OBJS     := $(LIB_SRCS:%.c=$(B)/obj/%.o)
SHARED_OBJS  := $(SHARED_SRCS:%.c=$(B)/obj/%.o)
CTL_OBJS     := $(CTL_SRCS:%.c=$(B)/obj/%.o)
UNIT_BINS    := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
UNIT_HOBJS   := $(UNIT_HELPER:%.c=$(B)/obj/%.o)
MAN_PAGES    := $(MAN_SRCS:man/%.scd=$(B)/man/%)

LIB_A    := $(B)/libiommufd.a
LIB_SO   := $(B)/$(LIB_REAL)
SHARED_A := $(B)/libtoolshared.a
IOMMUCTL := $(B)/iommuctl
PCFILE   := $(B)/libiommufd.pc

.PHONY: all lib tools man deps run check check-plain check-san unit shell-tests valgrind \
        install clean headers-check bench
.DEFAULT_GOAL := all

all: lib tools man
lib: $(LIB_A) $(LIB_SO) $(PCFILE)
tools: $(IOMMUCTL)
man: $(MAN_PAGES)

# ---- objects -----------------------------------------------------------------
$(B)/pic/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC(pic) $<")
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -Ilib -MMD -MP -c $< -o $@

$(B)/obj/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -fvisibility=hidden -Ilib -MMD -MP -c $< -o $@

$(B)/obj/src/%.o: src/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -Ilib -Isrc -MMD -MP -c $< -o $@

$(B)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Ilib -Isrc -Itests/unit -MMD -MP -c $< -o $@

# ---- library -----------------------------------------------------------------
$(LIB_A): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIB_SO): $(LIB_PIC_OBJS) lib/libiommufd.sym
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,$(LIB_SONAME) -Wl,--version-script=lib/libiommufd.sym \
		-Wl,-z,defs -o $@ $(LIB_PIC_OBJS)
	$(Q)ln -sf $(LIB_REAL) $(B)/$(LIB_SONAME) && ln -sf $(LIB_REAL) $(B)/libiommufd.so

$(PCFILE): lib/libiommufd.pc.in Makefile
	@mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' $< > $@

# ---- tools -------------------------------------------------------------------
$(SHARED_A): $(SHARED_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(IOMMUCTL): $(CTL_OBJS) $(SHARED_A) $(LIB_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CTL_OBJS) $(SHARED_A) $(LIB_A) $(PKG_LIBS)

# ---- man pages ---------------------------------------------------------------
# scdoc has no include: man/common/*.scd fragments are spliced in where a page
# has a line "%include NAME".
$(B)/man/%: man/%.scd $(wildcard man/common/*.scd)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  SCDOC   $<")
	$(Q)awk '/^%include /{f="man/common/" $$2 ".scd"; while ((getline l < f) > 0) print l; close(f); next} {print}' $< \
		| scdoc > $@.tmp && mv $@.tmp $@

# ---- tests -------------------------------------------------------------------
$(B)/tests/%: tests/unit/%.c $(UNIT_HOBJS) $(LIB_A) $(SHARED_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -Ilib -Isrc -Itests/unit -MMD -MP -o $@ $< $(UNIT_HOBJS) \
		$(SHARED_A) $(LIB_A) $(PKG_LIBS) $(ALL_LDFLAGS)

# The differential tester (simulator vs kernel), run by the VM lab.
DIFF_SRCS := $(sort $(wildcard tests/diff/*.c))
IFD_DIFF  := $(B)/ifd-diff
$(IFD_DIFF): $(DIFF_SRCS) $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Ilib -o $@ $(DIFF_SRCS) $(LIB_A) $(ALL_LDFLAGS)

# Real DMA through VT-d with QEMU's edu device, run by the VM lab.
LAB_VTD_DMA := $(B)/lab-vtd-dma
$(LAB_VTD_DMA): tests/vm/vtd-dma.c $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Ilib -o $@ $< $(LIB_A) $(ALL_LDFLAGS)

unit: $(UNIT_BINS) $(IFD_DIFF) $(LAB_VTD_DMA)

# The benchmark (tests/bench/ifd-bench.c): built and run by make bench, never by
# make check.  BENCH_ARGS: its options (--quick, --strict, --large N, ...).
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
IFD_BENCH  := $(B)/ifd-bench
$(IFD_BENCH): $(BENCH_SRCS) $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Ilib -o $@ $(BENCH_SRCS) $(LIB_A) $(ALL_LDFLAGS)

bench: $(IFD_BENCH)
	$(IFD_BENCH) $(BENCH_ARGS)

# Checks that every header compiles against the given uAPI header (KHDR).
headers-check:
	$(Q)echo '#include "ifd-abi.h"' | $(CC) $(ALL_CFLAGS) -Ilib -x c -fsyntax-only -
	$(Q)echo '#include "libiommufd.h"' | $(CC) $(ALL_CFLAGS) -Ilib -x c -fsyntax-only -

deps:
	@scripts/deps.sh

run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(B)/iommuctl

# make check = deps, then every suite on the plain build (build/), then again
# under ASan+UBSan (build-san/); both run even if the first fails, and the last
# line is the total of the two.  TEST_JOBS = tests run in parallel.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
SAN_ENV   := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

check:
	@scripts/deps.sh
	@rm -f build/test-results build-san/test-results
	@st=0; \
	$(MAKE) --no-print-directory B=build check-plain || st=1; \
	$(MAKE) --no-print-directory SAN=1 B=build-san check-plain || st=1; \
	$(MAKE) --no-print-directory check-kernel-cached || st=1; \
	echo "== make check: plain + asan+ubsan + kernel (VM lab)"; \
	tests/run.sh --sum build/test-results build-san/test-results build/test-results-kernel || st=1; \
	exit $$st

# The VM lab when it can run without building a kernel (qemu installed, a lab
# kernel cached); otherwise "kernel tests: skipped (reason)".
check-kernel-cached:
	@$(call lab_check,--cached)

# Run the VM lab (tests/vm/lab.sh check $(1)) with its output shown as it
# comes, count each of its steps as one test into build/test-results-kernel
# and close with "kernel: N passed, N failed, N skipped".
lab_check = mkdir -p build; out=build/vm-check.log; \
	{ tests/vm/lab.sh check $(1) 2>&1; echo $$? >$$out.rc; } | tee $$out; st=$$(cat $$out.rc); \
	p=$$(grep -c '^\[[^]]*\] step [^ ]*: ok' $$out); \
	f=$$(grep -c '^\[[^]]*\] step [^ ]*: FAILED' $$out); \
	s=$$(grep -c '^kernel tests: .*skipped\|^\[[^]]*\] step [^ ]*: not run' $$out); \
	[ $$st -eq 0 ] || [ $$f -gt 0 ] || f=1; \
	echo "passed=$$p failed=$$f skipped=$$s label=kernel" >build/test-results-kernel; \
	echo "kernel: $$p passed, $$f failed, $$s skipped"; exit $$st

check-plain: all unit
	@$(if $(filter 1,$(SAN)),$(SAN_ENV)) tests/run.sh --build $(B) --jobs $(TEST_JOBS) \
		--label $(if $(filter 1,$(SAN)),asan+ubsan,plain)

# Unit tests and the shell tests tagged "# valgrind-sample", under valgrind
# (on the plain build; results in $(B)/test-results-valgrind).
valgrind: all unit
	@tests/run.sh --build $(B) --valgrind --jobs $(TEST_JOBS) --label valgrind \
		--results $(B)/test-results-valgrind

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions $(DESTDIR)$(DATADIR)/zsh/site-functions
	install -m 0755 $(IOMMUCTL) $(DESTDIR)$(BINDIR)/
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(LIB_REAL) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_REAL) $(DESTDIR)$(LIBDIR)/libiommufd.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 0644 lib/libiommufd.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 $(PCFILE) $(DESTDIR)$(LIBDIR)/pkgconfig/
	for p in $(MAN_PAGES); do s=$${p##*.}; install -m 0644 $$p $(DESTDIR)$(MANDIR)/man$$s/; done
	install -m 0644 completions/bash/iommuctl $(DESTDIR)$(DATADIR)/bash-completion/completions/
	install -m 0644 completions/zsh/_iommuctl $(DESTDIR)$(DATADIR)/zsh/site-functions/

clean:
	rm -rf build build-san

# ---- VM lab (tests/vm/lab.sh): the real /dev/iommu under qemu ----------------
#   make check-kernel   build (or reuse) the lab kernels, boot each, run the kernel's
#                       iommufd selftests, iommuctl status and tests/run.sh in the guest
#   make lab-update     move tests/vm/kernel-version to Debian's current kernels
.PHONY: check-kernel check-kernel-cached lab-update
check-kernel:
	@$(call lab_check,)

lab-update:
	@tests/vm/lab.sh update

-include $(shell find $(B) -name '*.d' 2>/dev/null)
