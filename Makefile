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
	$(call with_manager,$(SWIFT) test --skip FloodTests)
	$(call with_manager,env UNITIFY_FLOOD_TESTS=1 $(SWIFT) test --filter FloodTests)

demo: build
	$(call with_manager,scripts/demo)

clean:
	rm -rf .build
