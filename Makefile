# Pipewright — the two commands a fresh machine needs: `make run` and `make test`.
# Both first install what is missing (Debian packages), so a clean clone works on a new machine.

SWIFT ?= swift
DESIGN ?= Designs/flow_vt.yml
# Debian packages and a command (or pkg-config module) that proves each one is there.
TEST_PACKAGES := pkgconf:pkg-config verilator:verilator yosys:yosys libhdf5-dev:pkg-config=hdf5 zlib1g-dev:pkg-config=zlib ccache:ccache
# GTKWave: the viewer, and fst2vcd for the test that reads an FST back (skipped, with the reason, without it).
VIEW_PACKAGES := gtkwave:gtkwave

.PHONY: all deps deps-view build release test run bench clean

all: build

# Installs the Debian packages that are missing (as root, or through sudo).
deps:
	@./.ci/install-deps.sh $(TEST_PACKAGES)

deps-view:
	@./.ci/install-deps.sh --optional $(VIEW_PACKAGES)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Unit tests, golden fixtures and the simulator-vs-Verilator cross-checks (zlib for Verilator's FST writer).
test: deps deps-view
	$(SWIFT) build --build-tests
	$(SWIFT) test

# The main job on the bundled default design: simulate, build the RTL with Verilator, compare.
run: deps deps-view
	$(SWIFT) build -c release
	$(SWIFT) run -c release pipewright verify $(DESIGN)

bench: deps
	$(SWIFT) build -c release
	$(SWIFT) run -c release pipewright bench

clean:
	rm -rf .build build
