# The two commands of the README. Each one sets itself up: a .venv with `pip install -e ".[dev]"`
# (with the optional Ray extra) under constraints.txt, redone only when the packaging files change.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PROFILE ?= quick
# the bytecode cache above needs writing allowed
unexport PYTHONDONTWRITEBYTECODE
JOBS    ?= 1

.PHONY: reproduce test install clean-venv docs docs-clean docs-serve lab notebooks

$(STAMP): settings.ini setup.py pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# no byte-compiling of all ~18,000 installed modules: Python caches each one's bytecode when it is first imported
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -e ".[dev,ray]" -c constraints.txt
	@touch $(STAMP)

install: $(STAMP)

# MathJax for the site, from the npm registry at the version docs/package-lock.json records
MATHJAX := docs/node_modules/mathjax/es5/tex-chtml-full.js
$(MATHJAX): docs/package.json docs/package-lock.json
	npm ci --prefix docs --no-audit --no-fund --loglevel=error
	@touch $@

## run every experiment notebook in nbs/experiments with the given profile (JOBS=2: two at once), then rebuild runs/report
reproduce: $(STAMP)
	$(BIN)/crl-nb reproduce --profile $(PROFILE) --jobs $(JOBS)

## the whole test suite: notebooks through nbdev's runner, tests/, experiments at the smoke profile, sync check
test: $(STAMP) $(MATHJAX)
	$(BIN)/python -m pytest

## the documentation site in _docs/html (incremental; docs-clean builds it from nothing), docs-serve serves it
docs: $(STAMP) $(MATHJAX)
	$(BIN)/python docs/build.py

docs-clean: $(STAMP) $(MATHJAX)
	$(BIN)/python docs/build.py --clean

docs-serve: $(STAMP) $(MATHJAX)
	$(BIN)/python docs/build.py --serve

## open the notebooks in JupyterLab, with everything they import installed
lab: $(STAMP)
	$(BIN)/jupyter lab nbs/

## execute the library notebooks in place, so that they are committed with their outputs
notebooks: $(STAMP)
	$(BIN)/python docs/execute.py

clean-venv:
	rm -rf $(VENV)
