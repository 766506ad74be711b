"""Score delivery: 10,000 queued scores, one worker, the development platform as Moodle.

For each database the script migrates, registers the development platform, starts
``kotopaikka serve`` (2 gunicorn workers; it serves the platform's AGS endpoints with
Moodle 4.5's rules), queues 10,000 scores in the outbox for the platform's gradable
learners on its activities' line items, and runs one ``kotopaikka worker --once`` process
until the outbox is empty. It prints scores delivered per second and how many access
tokens the worker asked the platform for (target: at least 300 scores/s, and one token
request per platform per token lifetime), and checks that the platform's gradebook holds
each learner's last score and that its grade history has no score written twice.

    .venv/bin/python bench/delivery_bench.py [--db sqlite|postgresql|both] [--scores 10000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    HOST,
    VENV_BIN,
    CpuSnapshot,
    free_port,
    fresh_database,
    prepare,
    running_server,
    server_env,
)

# The platform's gradable learners and the activities they may be graded on.
KEYS = (
    ("2001", "101", "301"),
    ("2002", "101", "301"),
    ("2001", "101", "302"),
    ("2002", "101", "302"),
    ("2003", "102", "311"),
)


def add_line_items(instance: Path, per_course: int) -> list[tuple[str, str, str]]:
    """Give each course ``per_course`` more grade items in the platform's gradebook, as a
    course with that many module activities has, and return the (learner, course, item)
    queues they make with the activities' own items."""
    from lti_tool.devplatform import storage
    from lti_tool.devplatform.storage import LineItemRow

    keys = [(user, course, link) for user, course, link in KEYS]
    learners = {"101": ("2001", "2002"), "102": ("2003",)}
    with storage.session(str(instance), write=True) as session:
        for course, users in learners.items():
            for n in range(per_course):
                item_id = 5000 + int(course) * 100 + n
                session.add(
                    LineItemRow(
                        id=item_id, course_id=course, label=f"Module {n}", score_maximum=100.0,
                        resource_id=f"module-{n}", resource_link_id=None,
                    )
                )
                keys.extend((user, course, str(item_id)) for user in users)
    return keys


def queue(
    database_url: str,
    instance: Path,
    site: str,
    count: int,
    keys: list[tuple[str, str, str]],
    history: int = 0,
) -> dict[tuple[int, str], float]:
    """Queue ``count`` scores round the keys; each key's last score is the final grade.
    Returns what the gradebook must hold at the end: (line item, learner) -> grade."""
    import logging

    from sqlalchemy import insert, select

    from courses.database import db
    from lti_tool import create_app
    from lti_tool.devplatform import CLIENT_ID, URL_PREFIX
    from lti_tool.grades.models import ScoreOutbox
    from lti_tool.grades.outbox import outbox_key
    from lti_tool.registry.models import PlatformClient

    app = create_app(env=server_env(database_url, instance))
    logging.getLogger().setLevel(logging.WARNING)
    with app.app_context():
        client_pk = db.session.execute(
            select(PlatformClient.id).where(PlatformClient.client_id == CLIENT_ID)
        ).scalar_one()
        # Delivered scores first, as an outbox that has been running for a while holds:
        # claiming what is due must not get slower as they pile up.
        for start in range(0, history, 20_000):
            db.session.execute(
                insert(ScoreOutbox),
                [
                    {
                        "key": outbox_key(client_pk, "301", f"history-{n % 5000}", "2001"),
                        "client_pk": client_pk,
                        "user_sub": "2001",
                        "line_item_url": f"{site}{URL_PREFIX}/api/101/lineitems/301/lineitem",
                        "resource_link_id": "301",
                        "resource_id": f"history-{n % 5000}",
                        "label": "Module",
                        "score_given": 50.0,
                        "score_maximum": 100.0,
                        "activity_progress": "Completed",
                        "grading_progress": "FullyGraded",
                        "comment": "",
                        "status": "delivered",
                    }
                    for n in range(start, min(start + 20_000, history))
                ],
            )
        rows = []
        final: dict[tuple[int, str], float] = {}
        for n in range(count):
            user, course, link = keys[n % len(keys)]
            last = n + len(keys) >= count  # the key's last score: the module is complete
            if last:
                final[(int(link), user)] = float(n % 101)
            rows.append(
                {
                    "key": outbox_key(client_pk, link, f"module-{link}", user),
                    "client_pk": client_pk,
                    "user_sub": user,
                    "line_item_url": (
                        f"{site}{URL_PREFIX}/api/{course}/lineitems/{link}/lineitem?type_id=1"
                    ),
                    "resource_link_id": link,
                    "resource_id": f"module-{link}",
                    "label": "Module",
                    "score_given": float(n % 101),
                    "score_maximum": 100.0,
                    "activity_progress": "Completed" if last else "InProgress",
                    "grading_progress": "FullyGraded" if last else "Pending",
                    "comment": "",
                }
            )
        db.session.execute(insert(ScoreOutbox), rows)
        db.session.commit()
        db.engine.dispose()
    return final


def gradebook_mismatches(instance: Path, final: dict[tuple[int, str], float]) -> int:
    """How many learners' grades in the platform's gradebook differ from their last score
    (a score lost, delivered out of order or refused would show here)."""
    from sqlalchemy import select

    from lti_tool.devplatform import storage

    with storage.session(str(instance)) as session:
        held = {
            (item, user): (given, progress)
            for item, user, given, progress in session.execute(
                select(
                    storage.ScoreRow.line_item_id,
                    storage.ScoreRow.user_id,
                    storage.ScoreRow.score_given,
                    storage.ScoreRow.activity_progress,
                )
            )
        }
    return sum(1 for key, grade in final.items() if held.get(key) != (grade, "Completed"))


def history_writes(instance: Path) -> int:
    """How many score writes the platform accepted (its grade history): one per score,
    or some were written twice."""
    from sqlalchemy import func, select

    from lti_tool.devplatform import storage

    with storage.session(str(instance)) as session:
        return int(
            session.execute(select(func.count()).select_from(storage.GradeHistoryRow)).scalar_one()
        )


def counts(database_url: str, instance: Path) -> dict[str, int]:
    from courses.database import db
    from lti_tool import create_app
    from lti_tool.grades.delivery import outbox_counts

    app = create_app(env=server_env(database_url, instance))
    with app.app_context():
        result = outbox_counts()
        db.engine.dispose()
    return result


def token_requests(instance: Path) -> int:
    from lti_tool.devplatform import storage

    with storage.session(str(instance)) as session:
        from sqlalchemy import select

        row = session.execute(
            select(storage.CounterRow.value).where(storage.CounterRow.name == "token_requests")
        ).scalar()
    return int(row or 0)


def main() -> int:
    import subprocess

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scores", type=int, default=10_000)
    parser.add_argument(
        "--wrap", default="", help="run the worker under this, e.g. 'py-spy record -o w.svg --'"
    )
    parser.add_argument(
        "--history", type=int, default=0, help="delivered scores already in the outbox"
    )
    parser.add_argument(
        "--items",
        type=int,
        default=0,
        help="more grade items per course (more learner-and-item queues; default: the "
        "activities' own five queues)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="server threads per worker (default: serve's own)"
    )
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory(prefix="kotopaikka-delivery-bench-") as tmp:
        tmp_dir = Path(tmp)
        for kind in kinds:
            with fresh_database(kind, tmp_dir) as url:
                port = free_port()
                site = f"http://{HOST}:{port}"
                instance = Path(prepare(url, tmp_dir / f"instance-{kind}", site, None))
                keys = add_line_items(instance, args.items) if args.items else list(KEYS)
                final = queue(url, instance, site, args.scores, keys, args.history)
                with running_server(
                    url, instance, port, 2, tmp_dir / f"server-{kind}.log", [], threads=args.threads
                ) as server:
                    before = token_requests(instance)
                    cpu_before = CpuSnapshot.take(server.process.pid)
                    worker_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    began = time.monotonic()
                    result = subprocess.run(
                        [*args.wrap.split(), str(VENV_BIN / "kotopaikka"), "worker", "--once"],
                        env=server_env(url, instance),
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    seconds = time.monotonic() - began
                    cpu_after = CpuSnapshot.take(server.process.pid)
                    worker_after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    tokens = token_requests(instance) - before
                if result.returncode != 0:
                    raise SystemExit(f"worker failed: {result.stdout}{result.stderr}")
                states = counts(url, instance)
                wrong = gradebook_mismatches(instance, final)
                writes = history_writes(instance)
                delivered = states.get("delivered", 0) - args.history
                if delivered < args.scores:
                    print("worker output (tail):\n" + (result.stdout + result.stderr)[-3000:])
                print(
                    f"{kind}: {delivered} of {args.scores} scores delivered in {seconds:.1f} s "
                    f"= {delivered / seconds:.0f} scores/s by one worker; "
                    f"{tokens} token request(s); outbox {states}",
                    flush=True,
                )
                print(
                    f"  gradebook: {len(final) - wrong} of {len(final)} learners' grades are "
                    "their last score, completed",
                    flush=True,
                )
                print(f"  grade history: {writes} accepted writes for {delivered} scores", flush=True)
                if wrong:
                    raise SystemExit(f"{wrong} grades in the platform's gradebook are not the last score")
                if writes > delivered:
                    raise SystemExit(f"{writes - delivered} scores were written twice")
                # Where the time went, in CPU milliseconds per score: the worker, the
                # server playing the platform, PostgreSQL, and how busy the machine was.
                per = 1000 / max(delivered, 1)
                worker_cpu = (worker_after.ru_utime + worker_after.ru_stime) - (
                    worker_before.ru_utime + worker_before.ru_stime
                )
                busy = cpu_after.machine[0] - cpu_before.machine[0]
                total = cpu_after.machine[1] - cpu_before.machine[1]
                print(
                    f"  CPU ms per score: worker {worker_cpu * per:.2f}, platform (server) "
                    f"{(cpu_after.tool - cpu_before.tool) * per:.2f}, PostgreSQL "
                    f"{(cpu_after.postgres - cpu_before.postgres) * per:.2f}; machine busy "
                    f"{100 * busy / total if total else 0:.0f} %",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
