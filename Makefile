# Two commands for a fresh machine with Python 3.10+ and make:
#   make demo   - set up .venv, then run the main job: extract with the baselines (spacy-rules, and
#                 the textacy peer) over the shipped gold corpus (text only) and score them
#                 (table on stdout, report in out/benchmark/)
#   make test   - set up .venv, then run the test suite (what CI runs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Tests never touch the network: Hugging Face code paths run offline.
OFFLINE := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1

.PHONY: agreement demo test bench gold clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

demo: $(INSTALLED)
	$(BIN)/whosaidwhat validate corpus/
	$(OFFLINE) $(BIN)/whosaidwhat benchmark --out out/benchmark

test: $(INSTALLED)
	$(OFFLINE) $(BIN)/python -m pytest

# The benchmark scripts behind the speed and memory figures (minutes, not seconds).
bench: $(INSTALLED)
	$(OFFLINE) $(BIN)/python bench/bench_score.py
	$(OFFLINE) $(BIN)/python bench/bench_baseline.py

# corpus/gold.jsonl is generated from the anchored sources in corpus/anchored/.
gold: $(INSTALLED)
	$(BIN)/whosaidwhat anchor corpus/anchored/*.json --out corpus/gold.jsonl
	$(BIN)/whosaidwhat validate corpus/gold.jsonl

# Agreement before adjudication over every double-annotated document (all rounds pooled);
# the dataset card of the shipped corpus shows corpus/passes/agreement-pooled.json.
POOLED = corpus/passes/pooled
agreement: $(INSTALLED)
	mkdir -p $(POOLED)
	cat corpus/passes/pass-a.jsonl corpus/passes/round2/pass-a.jsonl corpus/passes/round3/pass-a.jsonl > $(POOLED)/pass-a.jsonl
	cat corpus/passes/pass-b.jsonl corpus/passes/round2/pass-b.jsonl corpus/passes/round3/pass-b.jsonl > $(POOLED)/pass-b.jsonl
	$(BIN)/whosaidwhat agree $(POOLED)/pass-a.jsonl $(POOLED)/pass-b.jsonl --format json --out corpus/passes/agreement-pooled.json
	$(BIN)/whosaidwhat agree $(POOLED)/pass-a.jsonl $(POOLED)/pass-b.jsonl --format markdown --out corpus/passes/agreement-pooled.md

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis out
