"""The summary report at scale: 1,000,000 completion records, summarised by the database.

For each database (a fresh SQLite file in a temporary folder and/or a fresh PostgreSQL
database) the script migrates, loads the shipped content, and fills in ten platforms with
20,000 learners each in four courses (three of participants in the Keys to Working Life
programme, one of employer mentors in the mentor programme), every learner with a record
for five modules of their programme: 1,000,000 records, with statuses, start dates and
times to complete that vary. It then runs ``kotopaikka report summary`` as a separate
process, as the operator would, and prints the wall time and that process's peak memory
(ru_maxrss): once over every platform and once over one platform (a coordinator's view).

    .venv/bin/python bench/summary_bench.py [--db sqlite|postgresql|both] [--learners 20000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import fresh_database, migrated_app, server_env

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS, COURSES, MODULES = 10, 4, 5


def _records(user_ids: list[int], modules: list[int], audience: str, where: dict[str, int]):
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    for n, user_id in enumerate(user_ids):
        began = start + timedelta(days=n % 90, minutes=n % 600)
        for position, module_id in enumerate(modules):
            state = (n + position) % 7  # 0..3 completed, 4..5 in progress, 6 not started
            done = state < 4
            started = began + timedelta(days=position * 3)
            yield {
                "learner_id": user_id,
                "module_id": module_id,
                "audience": audience,
                "status": "completed" if done else "in_progress" if state < 6 else "not_started",
                "pages_seen": 5 if done else 2,
                "pages_total": 5,
                "percent": 100 if done else 40,
                "quiz_passed": done,
                "best_score": ((n * 7 + position * 13) % 101) / 100,
                "attempts_used": 1,
                "language": "fi",
                "started_at": started,
                "completed_at": started + timedelta(hours=(n * 11 + position * 17) % 400)
                if done
                else None,
                "updated_at": started,
                "course_key": where["context_id"],
                **where,
            }


def fill(database_url: str, instance: Path, learners_per_platform: int) -> int:
    """Migrate, load the content and insert the records in bulk; returns how many."""
    from sqlalchemy import insert, select, text

    from courses.database import db
    from courses.models import Module, Programme
    from courses.progress.models import ModuleProgress
    from lti_tool.identity.models import LtiContext, LtiUser, Membership, ResourceLink
    from lti_tool.registry.models import Platform

    app = migrated_app(database_url, instance)
    with app.app_context():

        def modules_of(slug: str) -> list[int]:
            return list(
                db.session.execute(
                    select(Module.id).join(Programme).where(Programme.slug == slug)
                    .order_by(Module.position).limit(MODULES)
                ).scalars()
            )  # fmt: skip

        programmes = {
            "participant": modules_of("keys-to-working-life"),
            "employer_mentor": modules_of("mentor-training"),
        }
        total = 0
        per_course = learners_per_platform // COURSES
        for p in range(PLATFORMS):
            platform = Platform(
                issuer=f"https://moodle{p}.example.invalid", name=f"Organisation {p}",
                auth_login_url="https://x.invalid/a", auth_token_url="https://x.invalid/t",
                key_set_url="https://x.invalid/k",
            )  # fmt: skip
            db.session.add(platform)
            db.session.flush()
            for c in range(COURSES):
                audience = "employer_mentor" if c == COURSES - 1 else "participant"
                context = LtiContext(
                    platform_id=platform.id, context_id=f"course-{c}", title=f"Course {c}"
                )
                db.session.add(context)
                db.session.flush()
                link = ResourceLink(
                    platform_id=platform.id, resource_link_id=f"link-{c}", context_pk=context.id
                )
                db.session.add(link)
                db.session.flush()
                db.session.execute(
                    insert(LtiUser),
                    [
                        {"platform_id": platform.id, "sub": f"u{p}-{c}-{n}"}
                        for n in range(per_course)
                    ],
                )
                ids = list(
                    db.session.execute(
                        select(LtiUser.id).where(
                            LtiUser.platform_id == platform.id, LtiUser.sub.like(f"u{p}-{c}-%")
                        )
                    ).scalars()
                )
                db.session.execute(
                    insert(Membership),
                    [
                        {"user_pk": i, "context_pk": context.id, "roles": ["Learner"],
                         "is_learner": True}
                        for i in ids
                    ],
                )  # fmt: skip
                where = {
                    "platform_id": platform.id,
                    "context_id": context.id,
                    "resource_link_id": link.id,
                }
                batch = []
                for row in _records(ids, programmes[audience], audience, where):
                    batch.append(row)
                    if len(batch) >= 20_000:
                        db.session.execute(insert(ModuleProgress), batch)
                        total += len(batch)
                        batch = []
                if batch:
                    db.session.execute(insert(ModuleProgress), batch)
                    total += len(batch)
            db.session.commit()
            print(f"  platform {p + 1}/{PLATFORMS}: {total} records", flush=True)
        with db.engine.connect() as connection:  # statistics, as a grown database has them
            connection.execute(text("ANALYZE"))
            connection.commit()
        db.engine.dispose()
    return total


def summarise(database_url: str, instance: Path, output: Path, *extra: str) -> None:
    env = server_env(database_url, instance)
    env.pop("KOTOPAIKKA_DEV_PLATFORM", None)  # the operator's report
    env["SECRET_KEY"] = "bench-" + "x" * 40
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    command = [
        sys.executable, "-c", "from lti_tool.cli import main; main()",
        "report", "summary", "--xlsx", str(output), *extra,
    ]  # fmt: skip
    began = time.monotonic()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this process's own peak memory
        seconds = time.monotonic() - began
        log.seek(0)
        printed = log.read().strip()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"summary failed: {printed}")
    scope = "one platform" if extra else "every platform"
    print(
        f"  {scope}: {printed.splitlines()[-1]} in {seconds:.1f} s, "
        f"peak memory {usage.ru_maxrss / 1024:.0f} MB",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument(
        "--learners", type=int, default=20_000, help="per platform (x10 x5 records)"
    )
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory(prefix="kotopaikka-summary-bench-") as tmp:
        tmp_dir = Path(tmp)
        for kind in kinds:
            with fresh_database(kind, tmp_dir) as url:
                instance = tmp_dir / f"instance-{kind}"
                print(f"{kind}: filling", flush=True)
                began = time.monotonic()
                total = fill(url, instance, args.learners)
                print(f"{kind}: {total} records in {time.monotonic() - began:.0f} s", flush=True)
                summarise(url, instance, tmp_dir / f"{kind}-all.xlsx")
                summarise(
                    url, instance, tmp_dir / f"{kind}-one.xlsx",
                    "--platform", "https://moodle0.example.invalid",
                )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
