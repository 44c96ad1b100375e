# actlm: two commands on a fresh Debian machine — `make train` and `make test`.
SWIFT        ?= swift
# Build for the CPU that runs the build: the elementwise kernels auto-vectorise only with it.
BUILD_FLAGS  := -c release -Xswiftc -target-cpu -Xswiftc native
BIN          := .build/release/actlm
CORPUS       := corpora/wiki.gz
SHARED_CORPUS:= ../shared/corpora/enwik8-head.gz
ENWIK8_URL   := http://mattmahoney.net/dc/enwik8.zip
ENGLISH      := corpora/english.gz
ENGLISH_HELDOUT := corpora/english-heldout.txt.gz
# The Debian packages whose English text experiments/english_corpus.py reads.
ENGLISH_PACKAGES := dict-gcide linux-doc python3-doc perl-doc
APT_PACKAGES := zlib1g-dev libopenblas-dev pkg-config libopenmpi-dev openmpi-bin python3-venv
# The NumPy reference (reference/actlm_reference.py) and its test run in a project-local virtual
# environment, never the system Python.
VENV         := .venv
PY_PACKAGES  := numpy safetensors
TRAIN_ARGS   ?=

.PHONY: all deps venv corpus corpus-english build train test bench experiment experiment-english clean

all: build

# A recipe line that installs those of the Debian packages $(1) that are missing (as root, or with sudo),
# saying what they are for ($(2)).
apt_install = missing=""; for p in $(1); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing $(2):$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y $$missing || { \
	    echo "error: could not install$$missing; install them with apt-get and run make again" >&2; exit 1; }; \
	fi

# Installs the system libraries only when one is missing.
deps:
	@$(call apt_install,$(APT_PACKAGES),system packages)

# numpy and safetensors from PyPI into .venv, made once (remove .venv to make it anew).
venv: $(VENV)/.ready

$(VENV)/.ready: | deps
	@echo "Creating $(VENV) with $(PY_PACKAGES)"
	@rm -rf $(VENV) && python3 -m venv $(VENV) && $(VENV)/bin/python -m pip install --quiet $(PY_PACKAGES) \
	  && touch $@ || { rm -rf $(VENV); \
	  echo "error: could not make $(VENV) with $(PY_PACKAGES) (is PyPI reachable?); run make venv again" >&2; exit 1; }

corpus: $(CORPUS)

# The first 4 MB of enwik8 when this workplace has it, otherwise enwik8 itself from its public home.
$(CORPUS):
	@mkdir -p corpora
	@if [ -f $(SHARED_CORPUS) ]; then \
	  echo "Copying $(SHARED_CORPUS) to $@"; cp $(SHARED_CORPUS) $@.tmp && mv $@.tmp $@; \
	else \
	  echo "Downloading enwik8 from $(ENWIK8_URL)"; \
	  { curl -fL -o corpora/enwik8.zip $(ENWIK8_URL) || wget -O corpora/enwik8.zip $(ENWIK8_URL); } && \
	  { unzip -p corpora/enwik8.zip enwik8 2>/dev/null || \
	    python3 -c 'import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("enwik8"))' corpora/enwik8.zip; } \
	    | gzip -6 > $@.tmp && mv $@.tmp $@ && rm -f corpora/enwik8.zip || { \
	    rm -f $@.tmp corpora/enwik8.zip; \
	    echo "error: no corpus: $(SHARED_CORPUS) is absent and enwik8 could not be downloaded." >&2; \
	    echo "       Put any text file (plain or gzip) at $@ and run make again." >&2; exit 1; }; \
	fi

# A corpus a one-hour run reads less than once: 84 MB of English from Debian packages (the GCIDE
# dictionary, the Linux kernel's, Python's and Perl's documentation), installed only when missing, with
# 1.2 MB of it held out in a file of its own that training never reads.
corpus-english: $(ENGLISH)

$(ENGLISH):
	@$(call apt_install,$(ENGLISH_PACKAGES),packages for the English corpus)
	@command -v python3 >/dev/null || { echo "error: making $(ENGLISH) needs python3 (apt-get install python3)" >&2; exit 1; }
	@mkdir -p corpora
	experiments/english_corpus.py $(ENGLISH) $(ENGLISH_HELDOUT)

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

train: deps corpus build
	$(BIN) train $(CORPUS) $(TRAIN_ARGS)

# Tests run as root in CI: afterwards /dev/null must still be the device, not a file a test replaced it with.
test: deps venv build
	$(SWIFT) test $(BUILD_FLAGS) --disable-swift-testing
	@test -c /dev/null || { echo "error: /dev/null is no longer a character device: a test replaced it" \
	  "(restore it with: rm /dev/null && mknod -m 666 /dev/null c 1 3)" >&2; exit 1; }

bench: deps corpus build
	$(BIN) bench $(CORPUS)

# The default ACT model against M = 1, 30 minutes each on every core (about an hour); more with
# EXPERIMENT_ARGS="--seeds \"1 2\" --max-ponders 2" etc. (experiments/run.sh --help).
experiment: deps corpus build
	experiments/run.sh $(EXPERIMENT_ARGS)

# The same comparison at user scale, with the fixed-computation control (every byte K = 2 steps): 60
# minutes each on the English corpus, scored on its held-out part, the held-out Wikipedia bytes and the
# licence texts. The three runs take turns of 30 seconds on every core, so all see the same load on a
# shared machine and each trains its hour on all cores (about 3 h 15 min a seed; EXPERIMENT_ARGS as
# above, e.g. EXPERIMENT_ARGS="--minutes 15 --seeds \"1 2\"" for docs/results.md's shorter runs).
experiment-english: deps corpus corpus-english build
	experiments/run.sh --corpus $(ENGLISH) --heldout $(ENGLISH_HELDOUT) --also $(CORPUS) --minutes 60 \
	  --fixed-ponders 2 --jobs 3 --take-turns 30 --out experiments/out-english $(EXPERIMENT_ARGS)

clean:
	rm -rf .build
