# Two commands for a fresh clone: `make demo` and `make test`. Each creates the
# virtual environment and installs what it needs first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgresql clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kotopaikka demo

# The suite on SQLite, then again on PostgreSQL when a server answers on
# 127.0.0.1:5432 (required when KOTOPAIKKA_REQUIRE_POSTGRES=1, as in CI).
test: $(STAMP)
	@echo "== The test suite on SQLite =="
	@command -v chromium >/dev/null || echo "(Debian's chromium is not installed: the browser tests are skipped; apt-get install chromium)"
	$(BIN)/python -m pytest -q -p no:cacheprovider --db=sqlite
	@if $(BIN)/python tests/postgres_available.py; then \
		echo "== The test suite on PostgreSQL (127.0.0.1:5432) =="; \
		$(BIN)/python -m pytest -q -p no:cacheprovider --db=postgresql; \
	elif [ "$$KOTOPAIKKA_REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL is required (KOTOPAIKKA_REQUIRE_POSTGRES=1) but not reachable on 127.0.0.1:5432"; exit 1; \
	else \
		echo "Skipped the PostgreSQL run: no server on 127.0.0.1:5432 (the SQLite run passed)."; \
	fi

clean:
	rm -rf $(VENV) instance .pytest_cache
