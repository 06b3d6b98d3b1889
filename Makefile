# The two commands of the README. Each one sets itself up: a .venv with `pip install -e ".[dev]"`
# (with the optional Ray extra) under constraints.txt, redone only when the packaging files change.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PROFILE ?= quick

.PHONY: reproduce test install clean-venv

$(STAMP): settings.ini setup.py pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,ray]" -c constraints.txt
	@touch $(STAMP)

install: $(STAMP)

## run every experiment notebook in nbs/experiments with the given profile, then rebuild runs/report
reproduce: $(STAMP)
	$(BIN)/crl-nb reproduce --profile $(PROFILE)

## the whole test suite: notebooks through nbdev's runner, tests/, experiments at the smoke profile, sync check
test: $(STAMP)
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
