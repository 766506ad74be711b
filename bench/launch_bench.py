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
import multiprocessing as mp
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lti_client  # noqa: E402
from harness import (  # noqa: E402
    HOST,
    CpuSnapshot,
    Server,
    free_port,
    fresh_database,
    prepare,
    running_server,
)
from lti_client import UNITS, LaunchClient, PoolExhausted, launch_targets  # noqa: E402


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


@dataclass
class ClientResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    first_start: float = 0.0
    last_end: float = 0.0
    cpu_seconds: float = 0.0


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
    # The forked clients read it (SubmitWork): enough for 600 submits a second over the level.
    lti_client.SUBMIT_POOL = args.pool or int(600 * (args.warmup + args.seconds))

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
