# GAN Classroom. `make lab` to learn, `make test` to check everything. Python 3.11 to 3.13, no conda needed.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# The interpreter: PYTHON=/path/to/python3.12 if given, else the venv's own if it is a supported version
# (so `make test` keeps a venv made with PYTHON=...), else the first of python3.11, 3.12, 3.13 that runs.
# tools/python_ok.py says which versions are supported.
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for p in $(BIN)/python python3.11 python3.12 python3.13 python3; do \
	$$p tools/python_ok.py >/dev/null 2>&1 && command -v $$p && break; done)
endif
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
# Two locks, both made by `make lock`: requirements.txt (a learner: the course, JupyterLab, widgets) and
# requirements-dev.txt (that plus tests, browser, Voila, slides, uv). Each stamp names its lock's checksum.
lock_sum = $(shell cat $(1) pyproject.toml | cksum | cut -d' ' -f1)
LAB_STAMP := $(VENV)/.lab-$(call lock_sum,requirements.txt)-py$(PYTHON_VERSION)
STAMP := $(VENV)/.dev-$(call lock_sum,requirements-dev.txt)-py$(PYTHON_VERSION)
PORT ?= 8888
APP_PORT ?= 8866
NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=900
export TF_CPP_MIN_LOG_LEVEL := 3

.PHONY: help setup venv learner-venv lock system-packages web-assets test-assets quiet-lab lab author-lab fresh-copy wheel test unit-test notebooks student slides train pretrained clean

help:
	@echo "make lab        set up .venv if needed, copy the notebooks you lack into work/ (yours, git-ignored) and open JupyterLab there"
	@echo "make fresh-copy NAME=03_mnist_gan   a new copy of one notebook in work/ (yours moves to work/old/)"
	@echo "make author-lab JupyterLab on notebooks/, paired with notebooks/src/ (for editing the course itself)"
	@echo "make wheel      build dist/gan_utils-VERSION-py3-none-any.whl, to install on a cloud notebook or a hub"
	@echo "make test       set up .venv if needed and run unit tests + every notebook (fast mode)"
	@echo "make wheel-check  the wheel in a fresh venv of a second Python (3.12 or 3.13), every notebook run outside the repository"
	@echo "make setup      .venv with the developer's lock (requirements-dev.txt), plus system packages the tests use"
	@echo "make lock       regenerate requirements.txt and requirements-dev.txt from the .in files (UPGRADE=1: newest versions)"
	@echo "make notebooks  execute every notebook in place at full size (what readers see)"
	@echo "make student    write the student edition, student/NN_topic.ipynb: no solutions, no outputs"
	@echo "make slides     write docs/slides/NN_topic.slides.html: reveal.js decks that work offline"
	@echo "make train      train the default GAN for 5 minutes (TRAIN_ARGS=\"--seconds 60\" to change)"
	@echo "make pretrained train and ship the generators in data/pretrained/"
	@echo "make app        serve the dashboards in apps/ as web apps (Voila) at http://localhost:$(APP_PORT)/"

# $(call make_venv,LOCK): the venv on $(PYTHON) (made again if it has another Python), LOCK installed
# exactly, and gan_utils in editable mode. pip shows its progress: the first run downloads about 2 GB.
define make_venv
	@test -n "$(PYTHON)" || { echo "No Python 3.11 to 3.13 found on PATH: install one, or set PYTHON=/path/to/python3.12" >&2; exit 1; }
	@$(PYTHON) tools/python_ok.py
	@if test -x $(BIN)/python && ! cmp -s <($(BIN)/python -c 'import sys; print(sys.version_info[:2])') \
	    <($(PYTHON) -c 'import sys; print(sys.version_info[:2])'); then \
	    echo "$(VENV) was made with another Python than $(PYTHON): making it again"; rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "Installing $(1) into $(VENV) (pip lists each package as it goes)"
	$(BIN)/python -m pip install --progress-bar on -r $(1)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . || $(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	$(MAKE) --no-print-directory quiet-lab
endef

$(LAB_STAMP): requirements.txt pyproject.toml
	$(call make_venv,requirements.txt)
	rm -f $(VENV)/.lab-*
	touch $@

# the developer's lock holds every pin of the learner's, so it stands for both
$(STAMP): requirements-dev.txt requirements.txt pyproject.toml
	$(call make_venv,requirements-dev.txt)
	rm -f $(VENV)/.dev-* $(VENV)/.lab-*
	touch $@ $(LAB_STAMP)

learner-venv: $(LAB_STAMP)

venv: $(STAMP)

system-packages:
	@bash tools/install_system_packages.sh

# reveal.js, MathJax, require.js and jQuery from the npm registry into docs/slides/vendor/ (git-ignored)
web-assets:
	@bash tools/install_web_assets.sh

setup: venv system-packages web-assets

# JupyterLab in this venv asks no "get notified about official Jupyter news?" question and checks
# no update server: a project-level settings override, not the user's own configuration.
quiet-lab:
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/lab_overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json

# Learners work in work/: a git-ignored copy of each notebook, paired with no source, so nothing they
# save touches a tracked file and `git pull` cannot conflict. A copy that exists is never overwritten
# (`make fresh-copy NAME=...` replaces one, keeping the old one in work/old/).
LAB := $(BIN)/jupyter lab --port=$(PORT) --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
lab: learner-venv quiet-lab
	$(BIN)/python tools/notebooks.py learner-copy work
	$(LAB) --notebook-dir=work $(LAB_ARGS)

fresh-copy: learner-venv
	@test -n "$(NAME)" || { echo "Name the notebook: make fresh-copy NAME=03_mnist_gan" >&2; exit 2; }
	$(BIN)/python tools/notebooks.py learner-copy work --fresh $(NAME)

# Authors edit the course itself: notebooks/NN_topic.ipynb, each saved into notebooks/src/NN_topic.py too.
author-lab: learner-venv quiet-lab
	$(LAB) --notebook-dir=notebooks $(LAB_ARGS)

# The package as one file for a cloud notebook or a hub (README "Run in the cloud"); needs only pip and
# setuptools, so the venv's Python if there is one, else $(PYTHON).
WHEEL_PYTHON = $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))
wheel:
	@test -n "$(WHEEL_PYTHON)" || { echo "No Python 3.11 to 3.13 found: set PYTHON=/path/to/python3.12" >&2; exit 1; }
	rm -f dist/gan_utils-*.whl
	$(WHEEL_PYTHON) -m pip wheel --quiet --no-deps --no-build-isolation -w dist . || \
	    $(WHEEL_PYTHON) -m pip wheel --quiet --no-deps -w dist .
	@echo "Built $$(ls dist/gan_utils-*.whl): upload it next to a notebook and set GAN_UTILS_SOURCE to its name (README, Run in the cloud)"

# Both locks from requirements.in and requirements-dev.in, with uv (in the developer's lock): every
# package pinned, transitive ones too, for every platform and Python 3.11.5 to 3.13 (--universal).
# Versions already locked stay unless UPGRADE=1. Needs the package index.
UV_COMPILE = $(BIN)/uv pip compile --universal --python-version 3.11.5 --annotation-style line \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock: venv
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

# the slide decks' assets for tests/test_slides.py; a failed download (offline) only skips those tests
test-assets:
	-@bash tools/install_web_assets.sh

test: venv test-assets
	GAN_UTILS_FAST=1 $(BIN)/pytest tests notebooks $(NBVAL) $(PYTEST_ARGS)

unit-test: venv test-assets
	GAN_UTILS_FAST=1 $(BIN)/pytest tests $(PYTEST_ARGS)

# CI's step after `make test`: build the wheel, install it with its declared dependencies (the newest pip
# finds, not the lock) into a fresh venv of a second Python (3.12, else 3.13), copy the notebooks with
# `gan-utils notebooks` and run each in fast mode outside the repository. Skipped, saying so, where there
# is no second Python. WHEEL_CHECK_ARGS="--python /path/to/python3.13" picks one (tools/wheel_check.py --help).
.PHONY: wheel-check
wheel-check: venv
	$(BIN)/python tools/wheel_check.py $(WHEEL_CHECK_ARGS)

notebooks: venv
	$(BIN)/python tools/notebooks.py build
	env -u GAN_UTILS_FAST $(BIN)/python tools/notebooks.py execute

student: venv
	$(BIN)/python tools/notebooks.py student

# one deck per notebook (SLIDES_ARGS=02_gan_objective for one); open them from disk, no network needed
slides: venv web-assets
	$(BIN)/python tools/slides.py $(SLIDES_ARGS)

train: venv
	$(BIN)/python -m gan_utils train $(TRAIN_ARGS)

pretrained: venv
	bash tools/make_pretrained.sh

# the dashboards of notebooks 02-05 as stand-alone web apps: Voila serves apps/ (APP_PORT=8900 to change the port)
.PHONY: app
app: venv
	@echo "Open http://localhost:$(APP_PORT)/ in a browser and pick an app (Ctrl-C stops the server)"
	$(BIN)/voila apps/ --no-browser --port=$(APP_PORT) --Voila.port_retries=0 $(APP_ARGS)

# docs/dashboard.png and docs/toy_gan.png, clicked in JupyterLab in headless Chromium (needs /usr/bin/chromium)
.PHONY: screenshots
screenshots: venv
	$(BIN)/python tools/screenshots.py $(SCREENSHOT_ARGS)

clean:
	rm -rf .pytest_cache notebooks/.ipynb_checkpoints
