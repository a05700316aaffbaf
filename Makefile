# The two commands of the README, and the pieces they stand on.
# Everything runs through uv from the committed lock file (uv.lock) on the machine's Python 3.11.

UV := python3 -m uv
UV_VERSION := 0.13.9
RUN := $(UV) run --frozen

.PHONY: setup system-packages demo test lint format bench

setup: .venv/.synced

## Debian packages the tests run for real (Chromium, PostgreSQL); installed when missing.
system-packages:
	@bash scripts/system_packages.sh

.venv/.synced: pyproject.toml uv.lock
	@python3 -m uv --version 2>/dev/null | grep -q "$(UV_VERSION)" || python3 -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) sync --frozen
	@touch $@

## Simulate a world, validate it, train, score, write the pages and serve the model (Ctrl-C stops).
## CI passes DEMO_ARGS=--check-and-stop: the service answers one request, then stops.
demo: setup
	$(RUN) churn demo $(DEMO_ARGS)

## Install everything and run the whole test suite.
test: setup system-packages
	$(RUN) pytest

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: setup
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

bench: setup
	$(RUN) python benchmarks/bench_simulate.py
	$(RUN) python benchmarks/bench_validate.py
	$(RUN) python benchmarks/bench_features.py
	$(RUN) python benchmarks/bench_train.py
