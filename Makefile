# make demo  - the spec's ECR login end to end on the embedded emulator (and a local registry when root)
# make test  - the whole test suite (creates .venv, installs what it needs)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test soak lint bench system-deps clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

# Debian packages for the end-to-end tests and the demo (a real registry and client); root only.
system-deps:
	@bash scripts/system-deps.sh

test: $(STAMP) system-deps
	@$(PY) -m pytest -q -p no:cacheprovider

# The reliability suite at 10x its trials (160 concurrent writers a round, 160 SIGKILLs, ~10 000 fuzzed inputs);
# every figure is printed and kept in .soak-report.jsonl.
soak: $(STAMP) system-deps
	@rm -f .soak-report.jsonl
	@RELIABILITY_SCALE=$${RELIABILITY_SCALE:-10} RELIABILITY_REPORT=$(CURDIR)/.soak-report.jsonl \
		$(PY) -m pytest -q -p no:cacheprovider tests/reliability tests/test_hostile_config.py
	@cat .soak-report.jsonl

lint: $(STAMP)
	@$(VENV)/bin/ruff check src tests bench scripts
	@$(VENV)/bin/mypy

demo: $(STAMP) system-deps
	@$(PY) scripts/demo.py

# The figures of docs/performance.md, each a ratio measured side by side in one run. The AWS CLI it is
# compared with gets a venv of its own (it pins its own botocore).
AWSCLI_VENV ?= .venv-awscli

$(AWSCLI_VENV)/bin/aws:
	@$(PYTHON) -m venv $(AWSCLI_VENV)
	@$(AWSCLI_VENV)/bin/python -m pip install -q awscli

bench: $(STAMP) $(AWSCLI_VENV)/bin/aws
	@$(PY) -m compileall -q src >/dev/null  # as an installed package is (pip compiles what it installs)
	@$(PY) bench/startup.py
	@$(PY) bench/ecr_regions.py

clean:
	rm -rf $(VENV) $(AWSCLI_VENV) .demo
