# The two commands of the README. Each one sets itself up: a .venv with `pip install -e ".[dev]"`
# under constraints.txt, redone only when the packaging files change.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PROFILE ?= quick

.PHONY: reproduce test install clean-venv

$(STAMP): settings.ini setup.py pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]" -c constraints.txt
	@touch $(STAMP)

install: $(STAMP)

## run every experiment notebook in nbs/experiments with the given profile; outputs go to runs/
reproduce: $(STAMP)
	$(BIN)/python scripts/run_experiments.py --profile $(PROFILE)

## the whole test suite: notebooks through nbdev's runner, tests/, experiments at the smoke profile, sync check
test: $(STAMP)
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
