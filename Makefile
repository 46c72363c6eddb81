# unitify: build, test and demo. Every target that needs systemd uses the caller's own user
# manager when one is reachable, and otherwise a private one started by scripts/user-session.

SWIFT ?= swift
PREFIX ?= /usr/local

# Runs $(1) beside a user manager.
with_manager = if [ -S "$${XDG_RUNTIME_DIR:-/nonexistent}/systemd/private" ]; then $(1); else scripts/user-session $(1); fi

.PHONY: all deps build test demo clean

all: build

# libsystemd-dev for the build; systemd and dbus-user-session for the private user manager.
deps:
	@missing=""; \
	pkg-config --exists libsystemd 2>/dev/null || missing="$$missing libsystemd-dev pkg-config"; \
	[ -x /lib/systemd/systemd ] || missing="$$missing systemd"; \
	dpkg -s dbus-user-session >/dev/null 2>&1 || missing="$$missing dbus-user-session"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(call with_manager,$(SWIFT) test --skip IsolatedTests)
	$(call with_manager,env UNITIFY_ISOLATED_TESTS=1 $(SWIFT) test --filter IsolatedTests)

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

# The release binary, with the Swift runtime linked in: it runs where no Swift is installed.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(RELEASE_SCRATCH) --product unitify

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
