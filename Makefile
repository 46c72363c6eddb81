# unitify: build, test and demo. Every target that needs systemd uses the caller's own user
# manager when one is reachable, and otherwise a private one started by scripts/user-session.

SWIFT ?= swift
PREFIX ?= /usr/local

# Runs $(1) beside a user manager.
with_manager = if [ -S "$${XDG_RUNTIME_DIR:-/nonexistent}/systemd/private" ]; then $(1); else scripts/user-session $(1); fi
# The same for IsolatedTests: a private journald keeps 1,000 lines of a unit per 30 s (times its
# factor for free space), so that the flood test's flood is cut however slowly journald reads it.
with_isolated_manager = if [ -S "$${XDG_RUNTIME_DIR:-/nonexistent}/systemd/private" ]; then $(1); else scripts/user-session --ratelimit-burst 1000 $(1); fi

.PHONY: all deps machine-deps build test test-fast check-resolved test-booted test-load demo clean

all: build

# libsystemd-dev for the build; systemd and dbus-user-session for the private user manager; the
# OpenSSH client (remote hosts) and server and iproute2's ss for the remote-host tests.
deps:
	@missing=""; \
	pkg-config --exists libsystemd 2>/dev/null || missing="$$missing libsystemd-dev pkg-config"; \
	[ -x /lib/systemd/systemd ] || missing="$$missing systemd"; \
	dpkg -s dbus-user-session >/dev/null 2>&1 || missing="$$missing dbus-user-session"; \
	command -v ssh >/dev/null || missing="$$missing openssh-client"; \
	[ -x /usr/sbin/sshd ] || missing="$$missing openssh-server"; \
	command -v ss >/dev/null || missing="$$missing iproute2"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# systemd-nspawn and debootstrap for the booted test machine (scripts/test-machine).
machine-deps:
	@missing=""; \
	command -v systemd-nspawn >/dev/null || missing="$$missing systemd-container"; \
	command -v debootstrap >/dev/null || missing="$$missing debootstrap"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	@$(MAKE) --no-print-directory check-resolved
	$(call with_manager,$(SWIFT) test --skip IsolatedTests)
	$(call with_isolated_manager,env UNITIFY_ISOLATED_TESTS=1 $(SWIFT) test --filter IsolatedTests)
	$(MAKE) --no-print-directory test-booted
	$(MAKE) --no-print-directory test-package

# The quick loop for changes to the core and the client: their tests, with no manager, machine
# or daemon (a few seconds once built).
test-fast:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter 'UnitifyCoreTests|UnitifyClientTests'

# A fresh clone builds the dependencies that were tested: Package.resolved is committed, and
# building leaves it as committed (a change means a dependency moved: commit the new file).
check-resolved:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files --error-unmatch Package.resolved >/dev/null 2>&1 || { echo "check-resolved: Package.resolved is not committed: git add -f Package.resolved" >&2; exit 1; }; \
		git diff --quiet -- Package.resolved || { echo "check-resolved: the build changed Package.resolved: review 'git diff Package.resolved' and commit it" >&2; exit 1; }; \
	fi

# The booted suite: unitify on a real systemd booted as PID 1 (scripts/test-machine), each test on
# a machine of its own. Not beside scripts/user-session: the machines have their own systemd. The
# binary put inside is linked with the Swift runtime (the machine has no Swift). Needs root.
# Every suite whose name starts with Booted, but the package's (test-package builds the package
# first). Everything on bookworm (252); a cross-release set on trixie (257) and forky (262); bullseye (247)
# as a remote host. Each release's root is built once per machine (in parallel) and cached.
MACHINE_SCRATCH ?= .build-machine
MACHINE_BIN = $(MACHINE_SCRATCH)/debug/unitify
MACHINE_RELEASES ?= bullseye bookworm trixie forky

test-booted: deps machine-deps
	$(SWIFT) build --static-swift-stdlib --scratch-path $(MACHINE_SCRATCH) --product unitify
	@pids=""; for release in $(MACHINE_RELEASES); do \
		scripts/test-machine build-root --release $$release >/dev/null & pids="$$pids $$!"; \
	done; status=0; for pid in $$pids; do wait $$pid || status=1; done; exit $$status
	UNITIFY_BOOTED_TESTS=1 UNITIFY_MACHINE_BIN="$(CURDIR)/$(MACHINE_BIN)" $(SWIFT) test --filter 'IntegrationTests\.Booted' --skip BootedPackageTests

# The whole of `make test` while every CPU is kept busy (stress-ng), LOAD_RUNS times in a row:
# the timing a shared CI machine gives. Not part of `make test`. scripts/test-load says more.
LOAD_RUNS ?= 3
LOAD_WORKERS ?= $(shell nproc)

test-load: deps
	@command -v stress-ng >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null; }
	@scripts/test-load $(LOAD_RUNS) $(LOAD_WORKERS)

demo: build
	$(call with_manager,scripts/demo)

clean:
	rm -rf .build

# ---- Documentation, completions and installation ----------------------------------------------

# Scratch paths of their own, so that these never wait on (or invalidate) a build in .build.
MAN_SCRATCH ?= .build-man
RELEASE_SCRATCH ?= .build-release
# The unitify the man page is generated from; by default a debug build in MAN_SCRATCH.
UNITIFY_BIN ?=
GENERATE_MANUAL = $(MAN_SCRATCH)/debug/generate-manual
MAN_SOURCE = $(or $(UNITIFY_BIN),$(MAN_SCRATCH)/debug/unitify)

BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/site-functions
FISH_COMPLETION_DIR ?= $(PREFIX)/share/fish/vendor_completions.d
RELEASE_BIN = $(RELEASE_SCRATCH)/release/unitify
COMPLETIONS = $(RELEASE_SCRATCH)/completions

.PHONY: man check-man man-tools release completions install uninstall clean-extra

# swift-argument-parser's generate-manual, at the version Package.resolved pins.
man-tools:
	@$(SWIFT) build --scratch-path $(MAN_SCRATCH) --product generate-manual >/dev/null
	@$(if $(UNITIFY_BIN),true,$(SWIFT) build --scratch-path $(MAN_SCRATCH) --product unitify >/dev/null)

# Regenerates man/unitify.1 from the command definitions and man/extra.mdoc.
man: man-tools
	@man/generate write $(MAN_SOURCE) $(GENERATE_MANUAL)

# Fails when man/unitify.1 is not what 'make man' would write.
check-man: man-tools
	@man/generate check $(MAN_SOURCE) $(GENERATE_MANUAL)

# The release binary, with the Swift runtime linked in: it runs where no Swift is installed, on
# glibc 2.34 or later (README, Install). libstdc++, which the Swift runtime uses, is linked in too:
# -lstdc++ finds libstdc++.a first in RELEASE_STATIC_LIBS. lld, because GNU ld keeps the glibc 2.36
# symbol (arc4random) of a libstdc++ member whose code --gc-sections threw away.
# packaging/glibc-compat.c binds hypotf to its glibc 2.2.5 version. No $$ORIGIN run path: nothing
# is loaded from beside the binary. Bound at start (-z now), as Debian hardens its binaries.
RELEASE_STATIC_LIBS = $(RELEASE_SCRATCH)/static-libs
SWIFT_CLANG = $(dir $(realpath $(shell command -v $(SWIFT))))clang
RELEASE_FLAGS = --static-swift-stdlib --disable-local-rpath -Xswiftc -use-ld=lld -Xlinker -zrelro -Xlinker -znow \
	-Xswiftc -L$(CURDIR)/$(RELEASE_STATIC_LIBS) -Xlinker $(CURDIR)/$(RELEASE_STATIC_LIBS)/glibc-compat.o

release: deps
	@mkdir -p $(RELEASE_STATIC_LIBS)
	@libstdcxx=$$($(SWIFT_CLANG) -print-file-name=libstdc++.a); \
	case $$libstdcxx in /*) ln -sf "$$libstdcxx" $(RELEASE_STATIC_LIBS)/libstdc++.a ;; \
	*) echo "release: no libstdc++.a for $(SWIFT_CLANG): install libstdc++-12-dev (or your GCC's)" >&2; exit 1 ;; esac
	$(SWIFT_CLANG) -O2 -fPIC -c packaging/glibc-compat.c -o $(RELEASE_STATIC_LIBS)/glibc-compat.o
	$(SWIFT) build -c release $(RELEASE_FLAGS) --scratch-path $(RELEASE_SCRATCH) --product unitify

completions: release
	@mkdir -p $(COMPLETIONS)
	$(RELEASE_BIN) --generate-completion-script bash > $(COMPLETIONS)/unitify.bash
	$(RELEASE_BIN) --generate-completion-script zsh > $(COMPLETIONS)/_unitify
	$(RELEASE_BIN) --generate-completion-script fish > $(COMPLETIONS)/unitify.fish

# make install PREFIX=/usr/local [DESTDIR=/tmp/stage]
install: release completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASH_COMPLETION_DIR) \
		$(DESTDIR)$(ZSH_COMPLETION_DIR) $(DESTDIR)$(FISH_COMPLETION_DIR)
	install -m 0755 -s $(RELEASE_BIN) $(DESTDIR)$(BINDIR)/unitify
	install -m 0644 man/unitify.1 $(DESTDIR)$(MANDIR)/man1/unitify.1
	install -m 0644 $(COMPLETIONS)/unitify.bash $(DESTDIR)$(BASH_COMPLETION_DIR)/unitify
	install -m 0644 $(COMPLETIONS)/_unitify $(DESTDIR)$(ZSH_COMPLETION_DIR)/_unitify
	install -m 0644 $(COMPLETIONS)/unitify.fish $(DESTDIR)$(FISH_COMPLETION_DIR)/unitify.fish

# Removes exactly what install put there.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/unitify $(DESTDIR)$(MANDIR)/man1/unitify.1 \
		$(DESTDIR)$(BASH_COMPLETION_DIR)/unitify $(DESTDIR)$(ZSH_COMPLETION_DIR)/_unitify \
		$(DESTDIR)$(FISH_COMPLETION_DIR)/unitify.fish

clean-extra:
	rm -rf $(MAN_SCRATCH) $(RELEASE_SCRATCH)

# ---- Packages ----------------------------------------------------------------------------------

# make deb: dist/unitify_VERSION_ARCH.deb (Debian's own dpkg-deb and dpkg-shlibdeps, no debhelper).
# make dist: dist/unitify-VERSION-linux-MACHINE.tar.gz, the same files under unitify-VERSION/ for
# other distributions (bin/, share/). The version is unitify --version's; packaging/package says more.
DIST ?= dist
PACKAGE_STAGE = $(RELEASE_SCRATCH)/stage
DEB_ZSH_COMPLETION_DIR = /usr/share/zsh/vendor-completions
# What deb and dist write (expanded once the release binary is built).
DEB_FILE = $(DIST)/unitify_$(shell $(RELEASE_BIN) --version)_$(shell dpkg --print-architecture).deb
TARBALL_FILE = $(DIST)/unitify-$(shell $(RELEASE_BIN) --version)-linux-$(shell uname -m).tar.gz

.PHONY: deb dist lint-deb test-package

deb: completions
	@rm -rf $(PACKAGE_STAGE)/deb
	@$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(PACKAGE_STAGE)/deb PREFIX=/usr \
		ZSH_COMPLETION_DIR=$(DEB_ZSH_COMPLETION_DIR) >/dev/null
	packaging/package deb $(PACKAGE_STAGE)/deb $(DIST)

dist: completions
	@rm -rf $(PACKAGE_STAGE)/tarball
	@$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(PACKAGE_STAGE)/tarball PREFIX= >/dev/null
	packaging/package tarball $(PACKAGE_STAGE)/tarball $(DIST)

# lintian, from Debian, on the package: an error or a warning fails.
lint-deb: deb
	@command -v lintian >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lintian >/dev/null; }
	lintian --fail-on error,warning --info $(DEB_FILE)

# The package on clean booted machines with no Swift (bookworm, trixie, forky): apt installs it,
# and the nohup promise holds; bullseye's apt refuses it (glibc 2.31). Needs root.
test-package: lint-deb dist machine-deps
	@for release in bullseye bookworm trixie forky; do scripts/test-machine build-root --release $$release >/dev/null || exit 1; done
	UNITIFY_BOOTED_TESTS=1 UNITIFY_MACHINE_BIN="$(CURDIR)/$(RELEASE_BIN)" \
		UNITIFY_PACKAGE_DEB="$(abspath $(DEB_FILE))" UNITIFY_PACKAGE_TARBALL="$(abspath $(TARBALL_FILE))" \
		$(SWIFT) test --filter BootedPackageTests

# ---- Benchmarks (issue 7; CI does not run them) ------------------------------------------------

# unitify against systemd-run, systemctl, journalctl and a C loop over sd-journal (BENCHMARKS.md).
# Measures the binary 'make release' ships, the Swift runtime linked in; BENCH_SWIFTFLAGS= measures
# one linked against the shared Swift libraries instead. BENCH_ARGS go to bench/bench.py (--help).
BENCH_SCRATCH ?= .build-bench
BENCH_SWIFTFLAGS ?= --static-swift-stdlib
BENCH_ARGS ?=
BENCH_BIN = $(BENCH_SCRATCH)/release/unitify
# Runs $(1) beside a user manager; a private one has journald's rate limit off, so big journals fill.
with_bench_manager = if [ -S "$${XDG_RUNTIME_DIR:-/nonexistent}/systemd/private" ]; then $(1); else scripts/user-session --no-ratelimit $(1); fi

.PHONY: bench bench-build bench-fleet bench-floor bench-profile bench-terminal bench-features

bench-build: deps
	$(SWIFT) build -c release $(BENCH_SWIFTFLAGS) --scratch-path $(BENCH_SCRATCH) --product unitify

bench: bench-build
	@$(call with_bench_manager,python3 bench/bench.py --unitify $(BENCH_BIN) $(BENCH_ARGS))

# The remote parts alone: unitify status --host against ssh on booted test hosts (issue 14), and every
# remote command against ssh and systemd's own tool through 100 and 20 ms links, with 1, 10 and 100
# hosts (issue 29). They need no user manager here, so they run without scripts/user-session and its
# machine-wide lock. Root. bench-floor: the second part alone.
bench-fleet: bench-build machine-deps
	@python3 bench/bench.py --unitify $(BENCH_BIN) --only fleet,floor $(BENCH_ARGS)

bench-floor: bench-build machine-deps
	@python3 bench/bench.py --unitify $(BENCH_BIN) --only floor $(BENCH_ARGS)

# A --tty job's terminal against tmux and dtach (issue 28): keystroke to echo, throughput, the
# holder's memory, run --tty's start (bench/terminal.py says how).
bench-terminal: bench-build
	@command -v dtach >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dtach tmux >/dev/null; }
	@$(call with_bench_manager,python3 bench/terminal.py --unitify $(BENCH_BIN) $(BENCH_ARGS))

# The log cap's cost on a job writing as fast as it can, and up -m against as many lines (issue 30).
# bench/capped-cpu.py --unitify $(BENCH_BIN) measures the cap's CPU time, which the load moves less.
bench-features: bench-build
	@$(call with_bench_manager,python3 bench/features.py --unitify $(BENCH_BIN) $(BENCH_ARGS))

# Instruction counts (callgrind) of the same commands, for finding why a goal is missed.
bench-profile: bench-build
	@command -v valgrind >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
	@$(call with_bench_manager,bench/profile.sh $(BENCH_BIN) bench/out/profile)

# ---- The integration suite as an unprivileged user (issue 8) ------------------------------------

# The integration tests again, as a normal user (uid >= 1000) with a private manager of its own:
# its own cgroup, XDG_RUNTIME_DIR and journal file, and no root privilege to hide a problem. The
# user is created when missing. It runs the test bundle built here, so it must be able to read this
# tree (the tests find scripts/ through #filePath): every parent directory needs o+x.
# Needs root (scripts/user-session does); skipped otherwise. RELIABILITY.md says what it covers.
UNPRIVILEGED_USER ?= unitify-ci
# For example --scratch-path DIR, to test a build other than .build.
UNPRIVILEGED_BUILD_FLAGS ?=
# Besides IsolatedTests (a session of their own): manPageIsCurrent builds into this tree, which the
# user may not write; the root run checks the man page.
UNPRIVILEGED_SKIP ?= IsolatedTests|manPageIsCurrent

.PHONY: test-unprivileged

test-unprivileged: deps
	@if [ "$$(id -u)" != 0 ]; then echo "test-unprivileged: skipped: it needs root, to create $(UNPRIVILEGED_USER) and start its manager"; exit 0; fi; \
	set -e; \
	$(SWIFT) build --build-tests $(UNPRIVILEGED_BUILD_FLAGS); \
	bundle="$$($(SWIFT) build --build-tests $(UNPRIVILEGED_BUILD_FLAGS) --show-bin-path)/unitifyPackageTests.xctest"; \
	user=$(UNPRIVILEGED_USER); \
	if ! id -u "$$user" >/dev/null 2>&1; then echo "test-unprivileged: creating user $$user"; useradd --create-home --shell /bin/sh "$$user"; fi; \
	if [ "$$(id -u "$$user")" -lt 1000 ]; then echo "test-unprivileged: $$user has uid $$(id -u "$$user"), not 1000 or more" >&2; exit 1; fi; \
	if ! setpriv --reuid="$$user" --regid="$$user" --init-groups test -x "$$bundle" -a -r "$(CURDIR)/scripts/user-session"; then \
		echo "test-unprivileged: $$user cannot read $(CURDIR) or its build: put the clone where other users can read it" >&2; exit 1; fi; \
	echo "test-unprivileged: the integration tests as $$user (uid $$(id -u "$$user"))"; \
	scripts/user-session --as-user "$$user" "$$bundle" --testing-library swift-testing --filter IntegrationTests --skip "$(UNPRIVILEGED_SKIP)"; \
	scripts/user-session --as-user "$$user" --ratelimit-burst 1000 env UNITIFY_ISOLATED_TESTS=1 "$$bundle" --testing-library swift-testing --filter IsolatedTests
