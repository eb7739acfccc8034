# embargo - eBPF enforcement agent. `make help` lists the targets.
.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:

OUT     ?= build
export OUT
ARCH    ?= x86
CC      ?= cc
CLANG   ?= clang
BPFTOOL ?= bpftool
PREFIX  ?= /usr/local
# The one version: `embargo --version`, the .deb (packaging/deb/).
VERSION ?= 0.1.0
export VERSION
Q       := $(if $(V),,@)
msg      = $(if $(V),,@printf '  %-8s %s\n' $(1) $(2);)

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror
# Layers (userspace/README.md): lib never sees agent, cli or libbpf; each
# layer compiles with only its own and lower layers' headers on the path.
LIB_DIRS   := $(sort $(wildcard userspace/lib/*/))
LIB_INC    := -Iinclude $(patsubst %/,-I%,$(LIB_DIRS))
APP_INC    := $(LIB_INC) -Iuserspace/cli -Iuserspace/agent -Iloader -I$(OUT)
CPPFLAGS   := -D_GNU_SOURCE $(APP_INC) -DEMBARGO_VERSION='"$(VERSION)"'
LDLIBS  := -lbpf -lelf -lz -lyaml -lcrypto -lpthread -ljansson -lsystemd -lresolv -llmdb -laudit

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) $(WARN) -Wno-unused-parameter \
	-Iinclude -Ibpf -Ibpf/vmlinux/$(ARCH)

# userspace/lib: no libbpf in it, unit-tested under ASan+UBSan (with the
# CLI's own helpers that need no kernel either).
CORE_SRCS := $(wildcard userspace/lib/*/*.c)
CLI_PURE  := userspace/cli/argtake.c userspace/cli/progress.c userspace/cli/options.c \
	userspace/cli/cmdhelp.c
APP_SRCS  := $(wildcard userspace/agent/*.c userspace/cli/*.c loader/*.c)
BPF_SRCS  := $(wildcard bpf/*.bpf.c)
SKELS     := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
HDRS      := $(wildcard include/*.h userspace/*/*.h userspace/lib/*/*.h loader/*.h bpf/*.h)

CORE_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,$(CORE_SRCS))
APP_OBJS  := $(patsubst %.c,$(OUT)/obj/%.o,$(APP_SRCS))

SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_OBJS := $(patsubst %.c,$(OUT)/asan/%.o,$(CORE_SRCS) $(CLI_PURE))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
FIXTURES  := $(patsubst tests/fixtures/%.c,$(OUT)/fixtures/%,$(wildcard tests/fixtures/*.c))

.PHONY: all deps test unit cli-test load-test e2e run install install-test deb package-test clean vmlinux help fuzz \
	kmod kmod-clean install-dkms tsan-test

all: $(OUT)/embargo $(FIXTURES) $(OUT)/demo/vendor-agent

help:
	@echo 'make            build build/embargo and the test fixtures'
	@echo 'make deps       install missing build dependencies (apt-get)'
	@echo 'make test       unit tests (ASan+UBSan), verifier load, end-to-end (root), VM'
	@echo 'make vm-test    the LSM and fallback backends in QEMU on a Debian 12 kernel (root)'
	@echo 'make tsan-test  the agent under ThreadSanitizer, a flood of events at once (root)'
	@echo 'make bench      benchmarks next to fapolicyd, writes docs/BENCHMARKS.md (root, ~15 min)'
	@echo 'make run        the agent with the demo policy, in the foreground (root)'
	@echo 'make install    $$(DESTDIR)$$(PREFIX)/sbin/embargo'
	@echo 'make deb        build/embargo_VERSION_ARCH.deb for Debian 12 (apt install ./build/embargo_*.deb)'
	@echo 'make vmlinux    regenerate bpf/vmlinux/$(ARCH)/vmlinux.h from this kernel'
	@echo 'make kmod       kmod/embargo.ko against KDIR (default: this kernel'"'"'s headers)'
	@echo 'make install-dkms  the module'"'"'s DKMS source tree into $$(DESTDIR)/usr/src'

deps:
	$(Q)./scripts/deps.sh

# --- BPF -------------------------------------------------------------------
$(OUT)/%.bpf.o: bpf/%.bpf.c $(HDRS) | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .,_,$*)_bpf > $@

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > bpf/vmlinux/$(ARCH)/vmlinux.h

# --- userspace -------------------------------------------------------------
$(OUT)/obj/userspace/lib/%.o: userspace/lib/%.c $(HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -D_GNU_SOURCE $(LIB_INC) $(CFLAGS) $(WARN) -c $< -o $@

$(OUT)/obj/%.o: %.c $(HDRS) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@

$(OUT)/embargo: $(CORE_OBJS) $(APP_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/fixtures/%: tests/fixtures/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -O2 $(WARN) $< -o $@

# Shared-object fixtures (tests/fixtures/lib/X.c -> libX.so), for the exec-mmap tests.
FIXLIBS := $(patsubst tests/fixtures/lib/%.c,$(OUT)/fixtures/lib%.so,$(wildcard tests/fixtures/lib/*.c))
all: $(FIXLIBS) $(OUT)/fixtures/blockfs
e2e: $(FIXLIBS) $(OUT)/fixtures/blockfs

# A FUSE server whose read blocks (tests of bounded hashing): libfuse3.
$(OUT)/fixtures/blockfs: tests/fixtures/fuse/blockfs.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 $(WARN) $$(pkg-config --cflags fuse3) $< -o $@ $$(pkg-config --libs fuse3)

$(OUT)/fixtures/lib%.so: tests/fixtures/lib/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -fPIC -shared $(WARN) $< -o $@

# The demo's banned program: fixed bytes, so demo.yaml can name its SHA-256.
$(OUT)/demo/vendor-agent: $(OUT)/fixtures/mkdemo
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$< $@

# --- kernel module (kmod/, never part of `all`) ------------------------------
# embargo.ko needs a kernel's kbuild tree (headers); nothing else in the build
# or in `make test` depends on it (the VM stage builds its own, tests/vm).
KDIR         ?= /lib/modules/$(shell uname -r)/build
KMOD_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' kmod/dkms.conf)
KMOD_SRCS    := Kbuild kmod/Kbuild kmod/dkms.conf $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h)) \
		include/embargo_abi.h

kmod:
	$(Q)if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "make kmod: no kernel build tree at $(KDIR)." >&2; \
		echo "  Install the headers of the kernel to build for, e.g. on Debian/Ubuntu:" >&2; \
		echo "    apt-get install linux-headers-$$(uname -r)   (Fedora: dnf install kernel-devel-$$(uname -r))" >&2; \
		echo "  or name a tree: make kmod KDIR=/path/to/linux-headers-VERSION" >&2; \
		exit 1; fi
	$(Q)$(MAKE) -C "$(KDIR)" M="$(CURDIR)" $(if $(V),V=1) modules

kmod-clean:
	$(Q)if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean; fi

# DKMS source: /usr/src/embargo-VERSION with dkms.conf at its top; then
# `dkms install embargo/VERSION` (and every kernel update) builds kmod/embargo.ko.
install-dkms:
	$(Q)for f in $(KMOD_SRCS); do \
		install -D -m 0644 $$f $(DESTDIR)/usr/src/embargo-$(KMOD_VERSION)/$$f || exit 1; done
	$(Q)mv $(DESTDIR)/usr/src/embargo-$(KMOD_VERSION)/kmod/dkms.conf \
		$(DESTDIR)/usr/src/embargo-$(KMOD_VERSION)/dkms.conf

# --- tests -----------------------------------------------------------------
$(OUT)/asan/userspace/lib/%.o: userspace/lib/%.c $(HDRS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -D_GNU_SOURCE $(LIB_INC) -O1 -g $(SAN) $(WARN) -c $< -o $@

$(OUT)/asan/%.o: %.c $(HDRS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) -c $< -o $@

$(OUT)/tests/%: tests/unit/%.c $(ASAN_OBJS) $(HDRS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit -O1 -g $(SAN) $(WARN) $< $(ASAN_OBJS) -lcmocka $(LDLIBS) -o $@

unit: $(UNIT_BINS)
	$(Q)./tests/run-unit.sh $(UNIT_BINS)

cli-test: all
	$(Q)./tests/run-scripts.sh cli tests/cli

$(OUT)/tests/bpfload: tests/load/bpfload.c | $(OUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $< -lbpf -lelf -lz -o $@

load-test: $(OUT)/embargo $(OUT)/tests/bpfload
	$(Q)./tests/load/run.sh

# BPF LSM under QEMU on a Debian 12 kernel; links its own static binaries
# from these objects (tests/vm/run.sh).
vm-test: $(CORE_OBJS) $(APP_OBJS) $(OUT)/embargo.bpf.o
	$(Q)LDLIBS="$(LDLIBS)" ./tests/vm/run.sh $(CORE_OBJS) $(APP_OBJS)

e2e: $(OUT)/embargo $(FIXTURES)
	$(Q)./tests/run-scripts.sh e2e tests/e2e

# The agent's event path under ThreadSanitizer (tests/tsan/run.sh): its own
# OUT, so no other object is rebuilt. setarch -R: TSan's shadow memory needs
# the classic address layout on kernels with a large mmap randomisation.
TSAN_OUT := $(OUT)/tsan
tsan-test: $(FIXTURES) $(FIXLIBS)
	$(Q)$(MAKE) --no-print-directory OUT=$(TSAN_OUT) CFLAGS="-O2 -g -fsanitize=thread" \
		$(TSAN_OUT)/embargo
	$(Q)EMBARGO=$(CURDIR)/$(TSAN_OUT)/embargo setarch "$$(uname -m)" -R ./tests/tsan/run.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./tests/run-all.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./scripts/run-demo.sh

# /etc/embargo and /var are where the binary looks (contract.md §1), whatever PREFIX.
# Shipped policies go to $(PREFIX)/share/embargo/policies: copy the ones to
# enforce into /etc/embargo/policies.d.
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
UNITDIR  ?= $(PREFIX)/lib/systemd/system
BASHCOMP ?= $(PREFIX)/share/bash-completion/completions
ETC      := $(DESTDIR)/etc/embargo
SHIPPED  := $(wildcard policies/*.yaml)

install: $(OUT)/embargo
	install -D -m 0755 $(OUT)/embargo $(DESTDIR)$(SBINDIR)/embargo
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(ETC)/policies.d $(ETC)/keys.d \
		$(DESTDIR)$(PREFIX)/share/embargo/policies
	sed 's|@SBINDIR@|$(SBINDIR)|g' packaging/embargo.service.in > $(DESTDIR)$(UNITDIR)/embargo.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/embargo.service
	install -D -m 0644 packaging/embargo.8 $(DESTDIR)$(MANDIR)/man8/embargo.8
	install -D -m 0644 packaging/embargo-policy.5 $(DESTDIR)$(MANDIR)/man5/embargo-policy.5
	install -D -m 0644 packaging/embargo.bash-completion $(DESTDIR)$(BASHCOMP)/embargo
	install -m 0644 packaging/host.yaml.example $(ETC)/host.yaml.example
	$(if $(SHIPPED),install -m 0644 $(SHIPPED) $(DESTDIR)$(PREFIX)/share/embargo/policies/)
	install -d -m 0700 $(DESTDIR)/var/lib/embargo
	install -d -m 0750 $(DESTDIR)/var/log/embargo

# A Debian 12 package: $(OUT)/embargo_$(VERSION)_ARCH.deb (scripts/mkdeb.sh).
# And embargo-dkms_KVERSION_all.deb, embargo.ko's DKMS source (scripts/mkdeb-dkms.sh).
deb: $(OUT)/embargo
	$(Q)./scripts/mkdeb.sh
	$(Q)./scripts/mkdeb-dkms.sh

# Build the .deb, install and upgrade it in a throwaway root (tests/package).
package-test: $(OUT)/embargo $(FIXTURES)
	$(Q)./tests/package/run.sh

# make install into a temp DESTDIR; check the tree, the unit, man pages, completion.
install-test: $(OUT)/embargo
	$(Q)./tests/install/run.sh

# --- fuzzing ---------------------------------------------------------------
# libFuzzer (clang) on the policy parser and compiler; `make fuzz` runs it
# for FUZZ_SECONDS on the seeds of tests/fuzz/corpus and policies/.
FUZZ_SECONDS ?= 60
export FUZZ_SECONDS
FUZZ_SRCS := $(addprefix userspace/lib/policy/,policy.c ydoc.c host.c levels.c netaddr.c compile.c \
	pathglob.c resolve.c dnsguard.c contain_rules.c diag.c sign.c) userspace/lib/sys/log.c
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(OUT)/fuzz/obj/%.o: %.c $(HDRS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(WARN) -c $< -o $@

$(OUT)/fuzz/fuzz_policy: tests/fuzz/fuzz_policy.c $(patsubst %.c,$(OUT)/fuzz/obj/%.o,$(FUZZ_SRCS)) $(HDRS)
	$(call msg,LINK,$@)
	$(Q)$(CLANG) $(CPPFLAGS) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) $(WARN) $< \
		$(filter %.o,$^) -lyaml -lresolv -lcrypto -o $@

fuzz: $(OUT)/fuzz/fuzz_policy
	$(Q)./tests/fuzz/run.sh

# --- benchmarks (never part of `make test`; root; ~15 min) ------------------
# bench/run.sh builds its own helpers from bench/*.c and writes docs/BENCHMARKS.md.
.PHONY: bench
bench: all
	$(Q)./bench/run.sh

$(OUT):
	$(Q)mkdir -p $@

clean:
	rm -rf $(OUT)
