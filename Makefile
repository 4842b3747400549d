# The two set-up commands of the README. Each installs what it needs into .venv first.
#   make app    install, then start the app on scikit-learn's digits (http://127.0.0.1:8501, this machine only);
#               on a machine's first start it compiles UMAP's code for the live view first (about 25 s, once)
#   make share  the same on every network interface, for a class: visitors are viewers unless they give the
#               teacher password (DEEPCLUST_SHARE_PASSWORD, or typed here); see README, "Sharing with a class"
#   make test   install (Chromium too, for the browser test), then run the whole test suite (what .ci/run calls)
#   make test-fast  install, then every test but the browser, install and benchmark ones (pytest.ini's marks)
# Installing means `pip install -e .` (requirements.txt): the dependencies pyproject.toml lists, and the
# `deepclust` command in .venv/bin.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: app share test test-fast bench install install-dev browser fashion-mnist

app: install
	$(BIN)/python -m ui.launch

share: install
	$(BIN)/python -m ui.launch --share

# First the tests that neither drive a browser nor start Ray, in parallel (pytest-xdist); then the browser and Ray
# tests one at a time, alone, as their timings assume. Each part lists its slowest tests.
# One test process more than the machine has cores, at most 4 (each loads PyTorch): a test process waits about a
# quarter of its time (for a run's thread, a UMAP frame, a subprocess), which the extra one fills. On 2 cores, beside
# a one-thread training at the lowest priority, `make test-fast` took 94 to 108 s with 3 processes against 119 s
# with 2 and 111 s with 4 (README, "Set-up").
TEST_PROCESSES := $(shell n=$$(getconf _NPROCESSORS_ONLN); echo $$((n + 1 < 4 ? n + 1 : 4)))
IN_PARALLEL := -n $(TEST_PROCESSES) --durations=10

test: install-dev browser
	$(BIN)/python -m pytest $(IN_PARALLEL) -m "not browser and not ray"; parallel=$$?; \
	$(BIN)/python -m pytest -m "browser or ray" --durations=10 && exit $$parallel

test-fast: install-dev
	$(BIN)/python -m pytest $(IN_PARALLEL) -m "not browser and not ray and not install and not bench"

# Benchmarks print Markdown tables (see docs/benchmarks.md for the full commands).
bench: install-dev
	$(BIN)/python -m bench.quality --methods dekm,ae-kmeans --data digits --seeds 0,1,2

# deepclust vs ClustPy, same data and settings (docstring of bench/peers/__main__.py). ClustPy lives in its own venv,
# .venv-peers, never in the project's requirements: torch pinned to ours (the local 2.13.0 CPU build).
PEER_VENV := .venv-peers
.PHONY: bench-peers
bench-peers: install-dev $(PEER_VENV)/.installed
	mkdir -p runs
	$(BIN)/python -m bench.peers --data digits --seeds 0,1,2 --methods dec,idec,dkm,dcn --out runs/peers-digits.md --json runs/peers-digits.json

$(PEER_VENV)/.installed: bench/peers/requirements.txt
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/python -m pip install --quiet -r bench/peers/requirements.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Debian's Chromium for the end-to-end test (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Debian's Fashion-MNIST (IDX files under /usr/share/datasets/fashion-mnist) for the benchmarks' Fashion-MNIST rows.
fashion-mnist:
	@test -d /usr/share/datasets/fashion-mnist || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; }
