# Two commands for a fresh machine with Python 3.10+ and make:
#   make demo   - set up .venv, then run the main job
#   make test   - set up .venv, then run the test suite (what CI runs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Tests never touch the network: Hugging Face code paths run offline.
OFFLINE := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1

.PHONY: demo test bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

demo: $(INSTALLED)
	$(BIN)/whosaidwhat validate corpus/
	$(BIN)/whosaidwhat stats corpus/

test: $(INSTALLED)
	$(OFFLINE) $(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
