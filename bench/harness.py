"""What the benchmarks share around the server: fresh databases, the migrated app, the
environment ``kotopaikka serve`` runs in, starting, stopping and health-checking it under
gunicorn, and CPU readings from /proc (the tool's process group, PostgreSQL, the machine).

The LTI client that drives the server is in ``lti_client.py``; ``launch_bench.py`` runs the
levels and prints the table.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
POSTGRES_ADMIN_URL = os.environ.get(
    "KOTOPAIKKA_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
HOST = "127.0.0.1"


# --------------------------------------------------------------------------- setup


@contextlib.contextmanager
def fresh_database(kind: str, tmp_dir: Path) -> Iterator[str]:
    """An empty database: a SQLite file in ``tmp_dir``, or a PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield "sqlite:///" + str(tmp_dir / "bench.sqlite")
        return
    import psycopg

    name = "kotopaikka_bench_" + secrets.token_hex(6)
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"  dropped database {name}", flush=True)


def server_env(
    database_url: str, instance_path: Path, redis_url: str | None = None
) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("SECRET_KEY", "REDIS_URL", "KOTOPAIKKA_PROXY_HOPS", "FLASK_APP"):
        env.pop(name, None)  # nothing from the caller's shell changes what is measured
    if redis_url:
        env["REDIS_URL"] = redis_url  # OIDC state in Redis instead of the database
    env.update(
        KOTOPAIKKA_ENV="development",
        KOTOPAIKKA_DEV_PLATFORM="1",
        DATABASE_URL=database_url,
        KOTOPAIKKA_INSTANCE_PATH=str(instance_path),  # keys and platform state stay in the temp dir
        PYTHONUNBUFFERED="1",
    )
    return env


def migrated_app(database_url: str, instance_path: Path, redis_url: str | None = None) -> Any:
    """The app on a database migrated to the newest schema, with the shipped content loaded
    (quietly: the benchmarks print their own lines)."""
    import logging

    from flask_migrate import upgrade

    from courses.packages.loader import load_content
    from lti_tool import create_app

    app = create_app(env=server_env(database_url, instance_path, redis_url))
    logging.getLogger().setLevel(logging.WARNING)  # create_app turns on INFO for the server
    with app.app_context():
        logging.disable(logging.INFO)  # alembic's own logging set-up would print every revision
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        load_content()
    return app


def prepare(database_url: str, instance_path: Path, site: str, redis_url: str | None) -> str:
    """Migrate, create the tool key and register the platform; return the instance path."""
    from courses.database import db
    from courses.packages.loader import DEFAULT_CONTENT
    from lti_tool.devplatform import keys, register_dev_platform
    from lti_tool.keys.service import ensure_current_key
    from quizzes.services import load_quiz_files

    app = migrated_app(database_url, instance_path, redis_url)
    with app.app_context():
        ensure_current_key()
        register_dev_platform(site)
        load_quiz_files(DEFAULT_CONTENT)
        db.engine.dispose()
    keys.platform_key(app.instance_path)  # create the platform key before the server reads it
    return app.instance_path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM if this script dies without cleaning up."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@contextlib.contextmanager
def running_server(
    database_url: str,
    instance_path: Path,
    port: int,
    workers: int,
    log_path: Path,
    wrap: list[str],
    redis_url: str | None = None,
    threads: int | None = None,
) -> Iterator[Server]:
    command = [
        *wrap,
        str(VENV_BIN / "kotopaikka"),
        "serve",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        *(["--threads", str(threads)] if threads else []),
    ]
    log = open(log_path, "wb")  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=server_env(database_url, instance_path, redis_url),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches only this script, which then stops the server
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - the parent starts no threads
    )
    server = Server(process, f"http://{HOST}:{port}", log_path)
    try:
        wait_healthy(server)
        yield server
    except Exception:
        print("server log tail:\n" + server.log_tail(), file=sys.stderr, flush=True)
        raise
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)  # gunicorn (and py-spy) shut down cleanly on INT
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_healthy(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    netloc = urlsplit(server.url).netloc
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"server exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            conn = http.client.HTTPConnection(netloc, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server not healthy after {timeout:.0f} s:\n{server.log_tail()}")


# --------------------------------------------------------------------------- CPU accounting

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu(pgid: int | None = None, comm: str | None = None) -> float:
    """CPU seconds used so far by the processes in a process group, or with a command name,
    with their children that have ended (PostgreSQL's backends for connections that closed)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        fields = text[text.rfind(")") + 2 :].split()
        if (pgid is not None and int(fields[2]) == pgid) or (comm is not None and name == comm):
            total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / CLOCK_TICKS


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return float(sum(values) - idle), float(sum(values))


@dataclass
class CpuSnapshot:
    tool: float
    postgres: float
    machine: tuple[float, float]

    @classmethod
    def take(cls, server_pgid: int) -> CpuSnapshot:
        return cls(process_cpu(pgid=server_pgid), process_cpu(comm="postgres"), machine_cpu())

