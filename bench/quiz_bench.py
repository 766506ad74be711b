"""Quiz pages whatever other quizzes hold: the quiz home page and the attempt start, with
an empty database and with 100,000 question versions in other quizzes.

For each database kind the script prepares two databases as launch_bench.py does
(migrated, the tool key, the development platform, the shipped content and quizzes):
"empty" has only that; "large" also has a programme of other modules whose quizzes hold
``--versions`` question versions (default 100,000: 100 quizzes of 250 questions, each in
Finnish and English, in two versions), the tables then analysed. Each is served by its own
``kotopaikka serve``. One client, one request at a time, alternates between the two
servers, so that the machine's drift falls on both alike:

- the quiz home page (GET /l/<launch>/quiz/<module>/) of a learner launched into
  "Suomalainen työelämä", ``--requests`` times on each server;
- the attempt start (POST .../start, 303 to the attempt), once for each of ``--starts``
  learners launched beforehand (untimed), each starting their first attempt.

It prints the median and p95 of each, and large/empty. Target: within 10 %.

    .venv/bin/python bench/quiz_bench.py [--db sqlite|postgresql|both] [--versions 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    HOST,
    REPO,
    free_port,
    fresh_database,
    prepare,
    running_server,
    server_env,
)
from launch_bench import percentile, prime  # noqa: E402
from lti_client import CSRF, LaunchClient, LaunchError, launch_targets  # noqa: E402

MODULE = "finnish-working-life"
QUIZZES, LANGUAGES, VERSIONS = 100, ("fi", "en"), 2


def fill_other_quizzes(database_url: str, instance: Path, versions: int) -> int:
    """A programme of other modules with quizzes holding ``versions`` question versions."""
    import logging

    from sqlalchemy import insert, select, text

    from courses.database import db
    from courses.models import Module, Programme
    from lti_tool import create_app
    from quizzes.models import QuestionVersion, Quiz, QuizQuestion

    app = create_app(env=server_env(database_url, instance))
    logging.getLogger().setLevel(logging.WARNING)
    per_quiz = max(1, versions // (QUIZZES * len(LANGUAGES) * VERSIONS))
    with app.app_context():
        snapshot = db.session.execute(select(QuestionVersion.snapshot).limit(1)).scalar_one()
        programme = Programme(
            slug="bench-other-quizzes", audience="participant", languages=list(LANGUAGES),
            title={"fi": "Muut testit"}, summary={"fi": ""},
        )  # fmt: skip
        db.session.add(programme)
        db.session.flush()
        written = 0
        for q in range(QUIZZES):
            module = Module(
                programme_id=programme.id, slug=f"bench-other-{q}", position=q,
                title={"fi": f"Muu {q}"}, summary={"fi": ""}, estimated_minutes=10,
                completion_rule="all_pages",
            )  # fmt: skip
            db.session.add(module)
            db.session.flush()
            quiz = Quiz(module_id=module.id)
            db.session.add(quiz)
            db.session.flush()
            db.session.execute(
                insert(QuizQuestion),
                [
                    {"quiz_id": quiz.id, "idnumber": f"o{q}-{n}", "position": n, "kind": "single"}
                    for n in range(per_quiz)
                ],
            )
            ids = db.session.execute(
                select(QuizQuestion.id).where(QuizQuestion.quiz_id == quiz.id)
            ).scalars().all()
            rows = [
                {"question_id": i, "language": lang, "version": v, "snapshot": snapshot}
                for i in ids
                for lang in LANGUAGES
                for v in range(1, VERSIONS + 1)
            ]
            db.session.execute(insert(QuestionVersion), rows)
            written += len(rows)
        db.session.commit()
        with db.engine.connect() as connection:  # as autovacuum or a routine ANALYZE would
            connection.execute(text("ANALYZE"))
            connection.commit()
        db.engine.dispose()
    return written


@dataclasses.dataclass
class Learner:
    quiz_url: str
    start_body: str
    headers: dict[str, str]


def learner(client: LaunchClient, n: int, tag: str) -> Learner:
    """A new learner of course 101 launched into the module (untimed)."""
    target = next(t for t in launch_targets() if t.link.custom.get("module") == MODULE
                  and "Learner" in str(t.user.roles_in(t.course.id)))  # fmt: skip
    user = dataclasses.replace(target.user, id=f"quiz-bench-{tag}-{n}")
    landing, cookie, page = client.launch(dataclasses.replace(target, user=user))
    csrf = CSRF.search(page)
    if csrf is None:
        raise LaunchError("no form token on the landing page")
    headers = {**LaunchClient.FORM, "Cookie": f"kp-session={cookie}"}
    body = urlencode({"csrf_token": csrf.group(1).decode()})
    return Learner(f"{landing}quiz/{MODULE}/", body, headers)




def home(client: LaunchClient, who: Learner) -> float:
    began = time.perf_counter()
    response, page = client._request("GET", who.quiz_url, None, who.headers)
    took = time.perf_counter() - began
    if response.status != 200 or b"/start" not in page:
        raise LaunchError(f"quiz home {response.status}")
    return took


def start(client: LaunchClient, who: Learner) -> float:
    began = time.perf_counter()
    response, _ = client._request("POST", who.quiz_url + "start", who.start_body, who.headers)
    took = time.perf_counter() - began
    if response.status != 303 or "/attempt/" not in response.getheader("Location", ""):
        raise LaunchError(f"start {response.status} {response.getheader('Location')}")
    return took


def measure(
    clients: dict[str, LaunchClient], requests: int, starts: int
) -> dict[tuple[str, str], list[float]]:
    times: dict[tuple[str, str], list[float]] = {}
    readers = {name: learner(c, 0, "home") for name, c in clients.items()}
    starters = {name: [learner(c, n, "start") for n in range(starts + 5)] for name, c in clients.items()}
    for name, client in clients.items():  # warm each worker: templates, caches, plans
        for _ in range(20):
            home(client, readers[name])
        for who in starters[name][:5]:
            start(client, who)
    for i in range(max(requests, starts)):
        for name, client in (clients.items() if i % 2 else reversed(clients.items())):
            if i < requests:
                times.setdefault((name, "quiz home page"), []).append(home(client, readers[name]))
            if i < starts:
                who = starters[name][5 + i]
                times.setdefault((name, "attempt start"), []).append(start(client, who))
    return times


def report(kind: str, times: dict[tuple[str, str], list[float]]) -> list[str]:
    lines = []
    for unit in ("quiz home page", "attempt start"):
        row = {}
        for name in ("empty", "large"):
            values = sorted(times[(name, unit)])
            row[name] = (percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000)
        ratio = row["large"][0] / row["empty"][0]
        ratio95 = row["large"][1] / row["empty"][1]
        verdict = "within 10 %" if ratio <= 1.10 else "NOT within 10 %"
        lines.append(
            f"{kind:<11}{unit:<16}{row['empty'][0]:>9.1f}{row['empty'][1]:>9.1f}"
            f"{row['large'][0]:>9.1f}{row['large'][1]:>9.1f}{ratio:>9.2f}{ratio95:>9.2f}  {verdict}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--versions", type=int, default=100_000, help="in the other quizzes")
    parser.add_argument("--requests", type=int, default=300, help="quiz home pages per server")
    parser.add_argument("--starts", type=int, default=150, help="attempt starts per server")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    args = parser.parse_args()
    # This checkout's code, here and in the servers (the venv's console script would run
    # the checkout the venv was installed from).
    sys.path.insert(0, str(REPO))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))

    def interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    lines: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="kotopaikka-quiz-bench-"))
    try:
        for kind in kinds:
            with contextlib.ExitStack() as stack:
                clients: dict[str, LaunchClient] = {}
                for name in ("empty", "large"):
                    folder = tmp / f"{kind}-{name}"
                    folder.mkdir()
                    url = stack.enter_context(fresh_database(kind, folder))
                    port = free_port()
                    site = f"http://{HOST}:{port}"
                    print(f"{kind} {name}: preparing", flush=True)
                    instance = Path(prepare(url, folder / "instance", site, None))
                    if name == "large":
                        began = time.monotonic()
                        written = fill_other_quizzes(url, instance, args.versions)
                        print(f"  {written:,} question versions in other quizzes "
                              f"in {time.monotonic() - began:.0f} s", flush=True)  # fmt: skip
                    stack.enter_context(
                        running_server(url, instance, port, args.workers, folder / "server.log", [])
                    )
                    prime(site, str(instance))
                    clients[name] = LaunchClient(site, str(instance))
                print(f"{kind}: measuring", flush=True)
                lines += report(kind, measure(clients, args.requests, args.starts))
                print("\n".join(lines[-2:]), flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr, flush=True)
        return 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    header = (
        f"{'database':<11}{'':<16}{'empty ms':>18}{'large ms':>18}{'large/empty':>18}\n"
        f"{'':<27}{'p50':>9}{'p95':>9}{'p50':>9}{'p95':>9}{'p50':>9}{'p95':>9}"
    )
    print("\n" + header + "\n" + "-" * 90 + "\n" + "\n".join(lines))
    return 0 if all("NOT" not in line for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
