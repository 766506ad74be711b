"""Launch throughput of the tool as served in production: ``kotopaikka serve`` under gunicorn.

For each database (a fresh SQLite file and/or a fresh PostgreSQL database) this
migrates, creates the tool key, registers the development platform, starts
``kotopaikka serve`` on a free 127.0.0.1 port and drives complete LTI 1.3
launches at each concurrency level:

    POST /lti/login  -> 302 to the platform with state, nonce and a state cookie
    (the client signs a fresh id_token itself with the platform's key)
    POST /lti/launch -> 200, the first page rendered, with the kp-session cookie and
                        Content-Location: /l/<id>/ (the page's own address)

One launch is timed from the login request to the last byte of the landing page.
(Until 2026-11-29 the launch answered 303 and the landing page was a third request.)
Client processes (one per concurrent launch) speak minimal HTTP/1.1 over a socket and
set cookies by hand so that the client stays cheap; it runs on the same machine on purpose.

    .venv/bin/python bench/launch_bench.py                      # both databases, c=1 and 4
    .venv/bin/python bench/launch_bench.py --db sqlite --seconds 5 --concurrency 1,2,4

The server, the client processes, the temporary folder and the PostgreSQL
database are removed on exit, also after Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import multiprocessing as mp
import os
import secrets
import shutil
import signal
import threading
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
import re
from urllib.parse import parse_qs, urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
POSTGRES_ADMIN_URL = os.environ.get(
    "KOTOPAIKKA_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Spec:
    """What one benchmark measures and the target it is held to."""

    unit: str  # a key of UNITS
    one: str  # the unit, singular
    target_rate: float
    target_p99_ms: float
    target_concurrency: int
    default_levels: tuple[int, ...]


LAUNCHES = Spec("launches", "launch", 250.0, 40.0, 4, (1, 4))
PAGE_VIEWS = Spec("page views", "page view", 500.0, 50.0, 8, (1, 8))
SUBMITS = Spec("submits", "submit", 200.0, 100.0, 8, (1, 8))


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


# --------------------------------------------------------------------------- client


@dataclass(frozen=True)
class Target:
    """One dev user launching one activity of a course they are enrolled in."""

    user: Any
    course: Any
    link: Any


def launch_targets() -> list[Target]:
    from lti_tool.devplatform import directory

    targets = []
    for link in directory.LINKS:
        course = directory.course(link.course_id)
        for user in directory.USERS:
            if user.roles_in(link.course_id):
                targets.append(Target(user, course, link))
    return targets


class LaunchError(Exception):
    pass


@dataclass
class Reply:
    """One HTTP response as the client needs it."""

    status: int
    headers: list[tuple[str, str]]  # names lower-cased, in order
    will_close: bool

    def getheader(self, name: str, default: str = "") -> str:
        name = name.lower()
        return next((value for key, value in self.headers if key == name), default)

    def get_all(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key == name]


class Connection:
    """A minimal HTTP/1.1 client for the benchmarks: one socket to the server, reopened
    whenever the server closes it (gunicorn's sync workers close after each response).

    http.client parses every response's headers with the email package, which cost this
    client more CPU than the tool spends routing a request; this reads the status line,
    the headers and a Content-Length body, and nothing else (no chunked bodies: the tool
    sends none).
    """

    def __init__(self, netloc: str, timeout: float = 30.0) -> None:
        host, _, port = netloc.partition(":")
        self.address = (host, int(port or 80))
        self.host = netloc.encode()
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def request(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[Reply, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=self.timeout)
        payload = body.encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.host]
        lines += [f"{name}: {value}".encode() for name, value in headers.items()]
        if body is not None:
            lines.append(b"Content-Length: %d" % len(payload))
        self.sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + payload)
        head = self._read_until(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise LaunchError(f"not an HTTP response: {status_line[:80]!r}")
        fields = []
        for line in header_lines:
            name, _, value = line.partition(":")
            fields.append((name.strip().lower(), value.strip()))
        reply = Reply(int(parts[1]), fields, will_close=False)
        if reply.getheader("transfer-encoding"):
            raise LaunchError("chunked responses are not read by this client")
        data = self._read_exactly(int(reply.getheader("content-length", "0") or 0))
        reply.will_close = reply.getheader("connection").lower() == "close"
        if reply.will_close:
            self.close()
        return reply, data

    def _fill(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        self.buffer += chunk

    def _read_until(self, marker: bytes) -> bytes:
        while (end := self.buffer.find(marker)) < 0:
            self._fill()
        head, self.buffer = self.buffer[:end], self.buffer[end + len(marker):]
        return head

    def _read_exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


def _cookie_from(response: Reply, prefix: str) -> tuple[str, str]:
    for header in response.get_all("Set-Cookie"):
        pair = header.split(";", 1)[0]
        name, _, value = pair.partition("=")
        if name.startswith(prefix) and value:
            return name, value
    raise LaunchError(f"no {prefix} cookie")


class LaunchClient:
    """One browser-like client: one connection (see ``Connection``), cookies set by hand,
    the platform key parsed once."""

    FORM: ClassVar[dict[str, str]] = {"Content-Type": "application/x-www-form-urlencoded"}

    def __init__(self, site: str, instance_path: str) -> None:
        import jwt

        from lti_tool.devplatform import CLIENT_ID, DEPLOYMENT_ID, URL_PREFIX, keys
        from lti_tool.devplatform.claims import LaunchHint, PlatformConfig, id_token_claims

        self._encode, self._claims, self._hint = jwt.encode, id_token_claims, LaunchHint
        self.netloc = urlsplit(site).netloc
        self.conn = Connection(self.netloc, timeout=30)
        root = site + URL_PREFIX
        self.platform = PlatformConfig(root, CLIENT_ID, DEPLOYMENT_ID, root)
        self.key, self.kid = keys.platform_key(instance_path)  # a key object, not a PEM
        self.login_fields = {
            "iss": root,
            "target_link_uri": site + "/lti/launch",
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
        }

    def _request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[Reply, bytes]:
        for attempt in (1, 2):
            try:
                return self.conn.request(method, path, body, headers or {})
            except (BrokenPipeError, ConnectionResetError):
                self.conn.close()  # a kept connection the server had closed: open a new one
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def launch(self, target: Target) -> tuple[str, str, bytes]:
        """One full launch with a fresh state, nonce and id_token; raises LaunchError.

        Returns the landing path, the session cookie and the landing page."""
        hint = self._hint(target.course.id, target.link.id)
        login_body = urlencode(
            {**self.login_fields, "login_hint": target.user.id, "lti_message_hint": hint.encode()}
        )
        response, _ = self._request("POST", "/lti/login", login_body, self.FORM)
        if response.status != 302:
            raise LaunchError(f"login {response.status}")
        query = parse_qs(urlsplit(response.getheader("Location", "")).query)
        state, nonce = query["state"][0], query["nonce"][0]
        cookie_name, cookie_value = _cookie_from(response, "kp-state-")
        if cookie_name != f"kp-state-{state}":
            raise LaunchError("state cookie does not match state")

        claims = self._claims(self.platform, target.user, target.course, target.link, hint, nonce)
        id_token = self._encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

        launch_body = urlencode({"id_token": id_token, "state": state})
        headers = {**self.FORM, "Cookie": f"{cookie_name}={cookie_value}"}
        launch_path = urlsplit(query["redirect_uri"][0]).path
        response, page = self._request("POST", launch_path, launch_body, headers)
        if response.status != 200 or b"<h1" not in page:
            raise LaunchError(f"launch {response.status}")
        landing = response.getheader("Content-Location")  # the launch answers with the page
        _, session_cookie = _cookie_from(response, "kp-session")
        return landing, session_cookie, page

    def get_page(self, path: str, session_cookie: str) -> None:
        """One page view inside a launch; raises LaunchError."""
        response, page = self._request("GET", path, None, {"Cookie": f"kp-session={session_cookie}"})
        if response.status != 200 or b'class="kp-body"' not in page:
            raise LaunchError(f"page {response.status}")


TOC_LINK = re.compile(rb'<a href="(/l/[^"]+/m/[^"]+)" lang=')


def page_work(client: LaunchClient, index: int, concurrency: int = 1) -> Any:
    """Page views: one launch into a bound module, then its pages round and round."""
    bound = [t for t in launch_targets() if t.link.custom.get("module")]
    _, cookie, page = client.launch(bound[index % len(bound)])
    paths = [m.decode() for m in TOC_LINK.findall(page)]
    if not paths:
        raise LaunchError("no table of contents on the landing page")
    counter = iter(range(10**9))
    return lambda: client.get_page(paths[next(counter) % len(paths)], cookie)


def launch_work(client: LaunchClient, index: int, concurrency: int = 1) -> Any:
    targets = launch_targets()
    counter = iter(range(index * 3, 10**9))
    return lambda: client.launch(targets[next(counter) % len(targets)])


CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
FIELD = re.compile(
    rb'<(input|textarea|select)[^>]*?(?:type="(\w+)"[^>]*?)?name="(q\d+(?:-\d+)?)"'
)


def _answers(page: bytes) -> dict[str, str]:
    """Every question answered: the first choice, a number, a sentence."""
    answers: dict[str, str] = {}
    for tag, kind, name in FIELD.findall(page):
        key = name.decode()
        if key in answers:
            continue
        if tag == b"textarea":
            answers[key] = "I will ask about the work shifts and the pay day."
        elif tag == b"select":
            answers[key] = "0"
        elif kind in (b"radio", b"checkbox"):
            value = re.search(rb'name="' + name + rb'" [^>]*?value="([^"]+)"', page)
            answers[key] = value.group(1).decode() if value else "0"
        else:
            answers[key] = "60,0"
    return answers


MODULE_LINK = re.compile(rb'<a href="/l/[^"]+/m/([^"/]+)/"')
SUBMIT_POOL = 0  # attempts prepared per level, shared among the clients (0: 600 per second run)


class SubmitWork:
    """Quiz submits. Before the run (not timed) each client launches as learners of its
    own and starts an attempt at every quiz of their programme, reading each attempt page;
    the timed unit is one submit: every answer sent with ``action=submit``, saved, graded
    exactly once, the module's progress updated, a redirect to the review."""

    def __init__(self, client: LaunchClient, index: int, concurrency: int = 1) -> None:
        self.client = client
        self.prepared: list[tuple[str, str, dict[str, str]]] = []
        wanted = SUBMIT_POOL // concurrency + 20
        bound = [t for t in launch_targets() if t.link.custom.get("module")]
        learners = [t for t in bound if "Learner" in str(t.user.roles_in(t.course.id))]
        n = 0
        while len(self.prepared) < wanted:
            target = learners[(index + n) % len(learners)]
            # A learner of their own: one learner has one unfinished attempt per quiz.
            learner = dataclasses.replace(target.user, id=f"bench-{index}-{n}")
            n += 1
            landing, cookie, page = client.launch(Target(learner, target.course, target.link))
            csrf = CSRF.search(page)
            if csrf is None:
                raise LaunchError("no form token on the landing page")
            headers = {**LaunchClient.FORM, "Cookie": f"kp-session={cookie}"}
            response, overview = client._request("GET", landing + "programme", None, headers)
            for slug in dict.fromkeys(MODULE_LINK.findall(overview)):
                self.prepared.append(self._start(landing, slug.decode(), csrf.group(1), headers))

    def _start(
        self, landing: str, slug: str, csrf: bytes, headers: dict[str, str]
    ) -> tuple[str, str, dict[str, str]]:
        body = urlencode({"csrf_token": csrf.decode()})
        response, _ = self.client._request("POST", f"{landing}quiz/{slug}/start", body, headers)
        if response.status != 303:
            raise LaunchError(f"start {response.status}")
        path = urlsplit(response.getheader("Location", "")).path
        response, page = self.client._request("GET", path, None, headers)
        if response.status != 200:
            raise LaunchError(f"attempt page {response.status}")
        fields = {"csrf_token": csrf.decode(), **_answers(page), "action": "submit"}
        return path, urlencode(fields), headers

    def __call__(self) -> None:
        if not self.prepared:
            raise PoolExhausted
        path, body, headers = self.prepared.pop()
        response, _ = self.client._request("POST", path, body, headers)
        if response.status != 303 or not response.getheader("Location", "").endswith(
            "/review?submitted=1"
        ):
            raise LaunchError(f"submit {response.status} {response.getheader('Location')}")


UNITS = {"launches": launch_work, "page views": page_work, "submits": SubmitWork}


@dataclass
class ClientResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    first_start: float = 0.0
    last_end: float = 0.0
    cpu_seconds: float = 0.0


class PoolExhausted(Exception):
    """A client has used every unit it prepared before the run."""


def client_main(
    index: int,
    site: str,
    instance_path: str,
    clock: Any,
    barriers: tuple[Any, Any],
    results: Any,
    unit: str = "launches",
    concurrency: int = 1,
) -> None:
    """One client process: set up (untimed), wait until every client is ready, then one
    unit of work (a launch, a page view, a submit) back to back until the clock's end;
    record what began after its measuring start."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and terminates us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    result = ClientResult()
    ready, go = barriers
    try:
        client = LaunchClient(site, instance_path)
        try:
            work = UNITS[unit](client, index, concurrency)
        except BaseException:
            ready.abort()
            raise
        ready.wait()
        go.wait()
        start, measure_from, until = clock[:]
        while time.monotonic() < start:
            time.sleep(0.001)
        cpu_from = 0.0
        while True:
            began = time.monotonic()
            if began >= until:
                break
            if began >= measure_from and not cpu_from:
                cpu_from = sum(os.times()[:2])
            try:
                work()
                ok = True
            except PoolExhausted:
                result.error_samples.append("ran out of prepared units: raise --pool")
                break
            except Exception as exc:  # noqa: BLE001 - counted and sampled, the run goes on
                ok = False
                client.conn.close()
                if len(result.error_samples) < 3:
                    result.error_samples.append(f"{type(exc).__name__}: {exc}")
            ended = time.monotonic()
            if began >= measure_from:
                if not result.first_start:
                    result.first_start = began
                result.last_end = ended
                if ok:
                    result.latencies_ms.append((ended - began) * 1000)
                else:
                    result.errors += 1
        if result.first_start:
            result.cpu_seconds = sum(os.times()[:2]) - cpu_from
    except Exception:  # noqa: BLE001
        result.errors += 1
        result.error_samples.append(traceback.format_exc(limit=3))
    results.put((index, result))


@dataclass
class LevelResult:
    database: str
    concurrency: int
    launches: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    samples: list[str]
    tool_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    postgres_cpu_s: float = 0.0
    machine_busy: float = 0.0  # share of all cores busy during the window, 0..1

    @property
    def rate(self) -> float:
        return self.launches / self.seconds if self.seconds else 0.0

    def per_launch_ms(self, cpu_seconds: float) -> float:
        done = self.launches + self.errors
        return 1000 * cpu_seconds / done if done else float("nan")


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def run_level(
    database: str,
    server: Server,
    instance_path: str,
    concurrency: int,
    warmup: float,
    seconds: float,
    unit: str = "launches",
) -> LevelResult:
    site = server.url
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    clock = ctx.Array("d", 3)
    barriers = (ctx.Barrier(concurrency + 1), ctx.Barrier(concurrency + 1))
    processes = [
        ctx.Process(
            target=client_main,
            args=(i, site, instance_path, clock, barriers, results, unit, concurrency),
            daemon=True,
        )
        for i in range(concurrency)
    ]
    try:
        for process in processes:
            process.start()
        collected: list[ClientResult] = []
        try:
            barriers[0].wait(timeout=900)  # every client has set up its work
        except threading.BrokenBarrierError:
            samples = []
            with contextlib.suppress(Exception):
                samples = results.get(timeout=5)[1].error_samples
            raise RuntimeError(f"a client failed to set up: {samples}") from None
        start = time.monotonic() + 0.2
        measure_from = start + warmup
        until = measure_from + seconds
        clock[:] = [start, measure_from, until]
        barriers[1].wait(timeout=60)
        time.sleep(max(0.0, measure_from - time.monotonic()))
        cpu_before = CpuSnapshot.take(server.process.pid)
        deadline = until + 60
        while len(collected) < concurrency:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError("client processes did not finish")
            with contextlib.suppress(Exception):
                collected.append(results.get(timeout=min(remaining, 1.0))[1])
                continue
            if all(not p.is_alive() for p in processes) and results.empty():
                raise RuntimeError("client processes died")
        cpu_after = CpuSnapshot.take(server.process.pid)
        for process in processes:
            process.join(timeout=5)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    latencies = sorted(ms for r in collected for ms in r.latencies_ms)
    errors = sum(r.errors for r in collected)
    window = seconds
    ends = [r.last_end for r in collected if r.last_end]
    if ends:  # launches that began before ``until`` finish a little after it
        window = max(ends) - measure_from
    return LevelResult(
        database=database,
        concurrency=concurrency,
        launches=len(latencies),
        seconds=window,
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        errors=errors,
        samples=[s for r in collected for s in r.error_samples][:5],
        tool_cpu_s=cpu_after.tool - cpu_before.tool,
        client_cpu_s=sum(r.cpu_seconds for r in collected),
        postgres_cpu_s=cpu_after.postgres - cpu_before.postgres,
        machine_busy=(cpu_after.machine[0] - cpu_before.machine[0])
        / max(1.0, cpu_after.machine[1] - cpu_before.machine[1]),
    )


# --------------------------------------------------------------------------- main


def prime(site: str, instance_path: str) -> None:
    """One launch alone first: the tool fetches the platform's JWKS from this same server
    (the dev platform lives in the tool), which must not happen while every worker is busy."""
    LaunchClient(site, instance_path).launch(launch_targets()[0])


def print_table(rows: list[LevelResult], spec: Spec) -> None:
    unit = spec.unit
    header = (
        f"{'database':<11}{'conc':>5}{unit:>12}{unit + '/s':>14}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}   | CPU ms per {spec.one}: {'tool':>6}{'client':>8}{'pg':>6}   machine busy"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in rows:
        pg = (
            f"{r.per_launch_ms(r.postgres_cpu_s):>6.1f}"
            if r.database == "postgresql"
            else f"{'-':>6}"
        )
        print(
            f"{r.database:<11}{r.concurrency:>5}{r.launches:>12}{r.rate:>14.1f}"
            f"{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{r.errors:>8}   | {'':>19}"
            f"{r.per_launch_ms(r.tool_cpu_s):>6.1f}{r.per_launch_ms(r.client_cpu_s):>8.1f}{pg}"
            f"   {100 * r.machine_busy:>5.0f} %"
        )
    print()
    for r in rows:
        for sample in r.samples:
            print(f"  {r.database} c={r.concurrency} error: {sample}")


def parse_levels(text: str) -> list[int]:
    levels = [int(part) for part in text.split(",") if part.strip()]
    if not levels or any(level < 1 for level in levels):
        raise argparse.ArgumentTypeError("concurrency levels are positive integers, e.g. 1,4")
    return levels


def main(argv: list[str] | None = None, spec: Spec = LAUNCHES, description: str = "") -> int:
    parser = argparse.ArgumentParser(description=description or __doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per level")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per level")
    parser.add_argument("--concurrency", type=parse_levels, default=list(spec.default_levels), help="e.g. 1,4")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--pool", type=int, default=0, help="attempts prepared per level (submits; 0: 600 a second)"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per worker (default: serve's own)"
    )
    parser.add_argument(
        "--redis-url",
        default=None,
        help="keep OIDC state in Redis (the tool's REDIS_URL), e.g. redis://127.0.0.1:6379/15",
    )
    parser.add_argument(
        "--wrap",
        default="",
        help="command to run the server under, e.g. 'py-spy record -o prof.svg --subprocesses --'",
    )
    args = parser.parse_args(argv)
    # The forked clients read it: enough for 600 submits a second over the whole level.
    globals()["SUBMIT_POOL"] = args.pool or int(600 * (args.warmup + args.seconds))

    # Ctrl-C or a TERM (e.g. a CI timeout) interrupts once; the clean-up itself is not
    # interrupted by a second one (it is bounded: the server gets 15 s, then SIGKILL).
    def interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    rows: list[LevelResult] = []
    tmp = Path(tempfile.mkdtemp(prefix="kotopaikka-bench-"))
    try:
        for kind in kinds:
            with fresh_database(kind, tmp) as url:
                port = free_port()
                site = f"http://{HOST}:{port}"
                print(f"{kind}: preparing {url.split('@')[-1]}", flush=True)
                instance_path = prepare(url, tmp / f"instance-{kind}", site, args.redis_url)
                log_path = tmp / f"server-{kind}.log"
                with running_server(
                    url,
                    Path(instance_path),
                    port,
                    args.workers,
                    log_path,
                    args.wrap.split(),
                    args.redis_url,
                    args.threads,
                ) as server:
                    threads = f" x {args.threads} threads" if args.threads else ""
                    print(
                        f"{kind}: serving at {site} with {args.workers} workers{threads}",
                        flush=True,
                    )
                    prime(site, instance_path)
                    for level in args.concurrency:
                        row = run_level(
                            kind, server, instance_path, level, args.warmup, args.seconds, spec.unit
                        )
                        rows.append(row)
                        print(
                            f"  c={level}: {row.launches} {spec.unit}, {row.rate:.1f}/s, "
                            f"p50 {row.p50_ms:.1f} ms, p99 {row.p99_ms:.1f} ms, {row.errors} errors, "
                            f"tool CPU {row.per_launch_ms(row.tool_cpu_s):.1f} ms each",
                            flush=True,
                        )
                        if row.errors:
                            print("  server log tail:\n" + server.log_tail(10), flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr, flush=True)
        print_table(rows, spec)
        return 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(rows, spec)
    for r in [r for r in rows if r.concurrency == spec.target_concurrency]:
        met = r.rate >= spec.target_rate and r.p99_ms < spec.target_p99_ms and not r.errors
        print(
            f"target at c={spec.target_concurrency} ({spec.target_rate:.0f} {spec.unit}/s, "
            f"p99 < {spec.target_p99_ms:.0f} ms) on {r.database}: " + ("met" if met else "MISSED")
        )
    return 1 if any(r.errors for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
