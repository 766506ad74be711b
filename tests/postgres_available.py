"""Exit 0 when the test PostgreSQL server answers, 1 otherwise (used by `make test`)."""

import os
import sys

import psycopg

URL = os.environ.get("KOTOPAIKKA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")

try:
    psycopg.connect(URL, connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
sys.exit(0)
