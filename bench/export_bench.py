"""Completion exports at scale: 1,000,000 records to CSV, 100,000 to XLSX.

For each database (a fresh SQLite file and/or a fresh PostgreSQL database) the script
migrates, loads the shipped content, and fills in ten platforms with 20,000 learners
each, every learner with a completion record for each module of the mentor programme
(six since 2026-12-04: 1,200,000 records; a fifth of the learners have completed all). It then
runs ``kotopaikka export completions`` as a separate process, as an operator would, and
prints the wall time and that process's peak memory (ru_maxrss):

- CSV of every record (target: at most 20 s, peak memory under 200 MB): the localised
  CSV a coordinator gets by default (Finnish headers and words, Finnish time, ';' and
  decimal commas), the same with ``--technical`` (every column), and ``--machine`` (the
  form scripts read, with ';' as the benchmark always had it);
- XLSX of one platform's 100,000 records (target: at most 30 s): localised and machine.

It also prints each export's CPU seconds (user + system, the export process only): the
machine is shared, and CPU time moves less than wall time when others use the cores.
``--before DIR`` runs the same exports first with another checkout's code (e.g. the main
branch before a change: its CSV with ``--delimiter ';'`` and its XLSX), on the same
database, alternating with this checkout's; ``--rounds N`` repeats the set.

    .venv/bin/python bench/export_bench.py [--db sqlite|postgresql|both] [--learners 20000]
        [--before DIR] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import VENV_BIN, fresh_database, migrated_app, server_env  # noqa: E402

PLATFORMS = 10
ROOT = Path(__file__).resolve().parent.parent


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
        modules = db.session.execute(
            select(Module.id)
            .join(Programme)
            .where(Programme.slug == "mentor-training")
            .order_by(Module.position)
        ).scalars().all()
        start = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
        total = 0
        for p in range(PLATFORMS):
            platform = Platform(
                issuer=f"https://moodle{p}.example.invalid",
                name=f"Organisation {p}",
                auth_login_url="https://x.invalid/a",
                auth_token_url="https://x.invalid/t",
                key_set_url="https://x.invalid/k",
            )
            db.session.add(platform)
            db.session.flush()
            context = LtiContext(platform_id=platform.id, context_id="course-1", title="Course")
            db.session.add(context)
            db.session.flush()
            link = ResourceLink(
                platform_id=platform.id, resource_link_id="link-1", context_pk=context.id
            )
            db.session.add(link)
            db.session.flush()
            users = [
                {"platform_id": platform.id, "sub": f"u{p}-{n}", "name": f"Learner {p}-{n}"}
                for n in range(learners_per_platform)
            ]
            db.session.execute(insert(LtiUser), users)
            ids = db.session.execute(
                select(LtiUser.id).where(LtiUser.platform_id == platform.id)
            ).scalars().all()
            db.session.execute(
                insert(Membership),
                [
                    {"user_pk": i, "context_pk": context.id, "roles": ["Learner"], "is_learner": True}
                    for i in ids
                ],
            )
            rows = []
            for n, user_id in enumerate(ids):
                all_done = n % 5 == 0
                for position, module_id in enumerate(modules):
                    done = all_done or position < n % 5
                    rows.append(
                        {
                            "learner_id": user_id,
                            "module_id": module_id,
                            "audience": "employer_mentor",
                            "status": "completed" if done else "in_progress",
                            "pages_seen": 4 if done else 2,
                            "pages_total": 4,
                            "percent": 100 if done else 50,
                            "quiz_passed": done,
                            "best_score": 0.9 if done else 0.4,
                            "attempts_used": 1,
                            "language": "fi",
                            "started_at": start,
                            "completed_at": start + timedelta(days=position) if done else None,
                            "updated_at": start,
                            "platform_id": platform.id,
                            "context_id": context.id,
                            "resource_link_id": link.id,
                        }
                    )
                if len(rows) >= 20_000:
                    db.session.execute(insert(ModuleProgress), rows)
                    total += len(rows)
                    rows = []
            if rows:
                db.session.execute(insert(ModuleProgress), rows)
                total += len(rows)
            db.session.commit()
            print(f"  platform {p + 1}/{PLATFORMS}: {total} records", flush=True)
        # Statistics, as autovacuum (PostgreSQL) or a routine ANALYZE would have them on a
        # database that grew to this size: the planner needs them for a sane plan.
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        db.engine.dispose()
    return total


def export(
    database_url: str, instance: Path, label: str, fmt: str, output: Path, *extra: str,
    code: Path | None = None,
) -> None:
    env = server_env(database_url, instance)
    env.pop("KOTOPAIKKA_DEV_PLATFORM", None)  # an operator's export: no development platform
    env["SECRET_KEY"] = "bench-" + "x" * 40
    # The code to run: this checkout's, or --before's (the venv's console script would run
    # the checkout the venv was installed from).
    env["PYTHONPATH"] = str(code or ROOT)
    command = [
        str(VENV_BIN / "kotopaikka"), "export", "completions",
        "--format", fmt, "--output", str(output), *extra,
    ]
    began = time.monotonic()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this process's own peak memory
        seconds = time.monotonic() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        printed = log.read().strip()
    if process.returncode != 0:
        raise SystemExit(f"export failed: {printed}")
    size = output.stat().st_size / 1e6
    output.unlink()
    count = printed.splitlines()[-1].split(" records", 1)[0]
    print(
        f"  {label:<32} {count:>8} records in {seconds:5.1f} s "
        f"(CPU {usage.ru_utime + usage.ru_stime:5.1f} s), {size:4.0f} MB, "
        f"peak memory {usage.ru_maxrss / 1024:.0f} MB",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--learners", type=int, default=20_000, help="per platform (x10 x5 records)")
    parser.add_argument("--before", type=Path, default=None, help="a checkout to run first, for comparison")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    one_platform = ("--issuer", "https://moodle0.example.invalid")
    csvs = [("csv, localised", ()), ("csv, localised --technical", ("--technical",)),
            ("csv, --machine --delimiter ';'", ("--machine", "--delimiter", ";"))]
    xlsxs = [("xlsx, localised", one_platform), ("xlsx, --machine", ("--machine", *one_platform))]
    with tempfile.TemporaryDirectory(prefix="kotopaikka-export-bench-") as tmp:
        tmp_dir = Path(tmp)
        for kind in kinds:
            with fresh_database(kind, tmp_dir) as url:
                instance = tmp_dir / f"instance-{kind}"
                print(f"{kind}: filling", flush=True)
                began = time.monotonic()
                total = fill(url, instance, args.learners)
                print(f"{kind}: {total} records in {time.monotonic() - began:.0f} s", flush=True)
                out = tmp_dir / "export"
                for _ in range(args.rounds):
                    if args.before:
                        export(url, instance, "csv, before (--delimiter ';')", "csv", out,
                               "--delimiter", ";", code=args.before)
                    for label, extra in csvs:
                        export(url, instance, label, "csv", out, *extra)
                    if args.before:
                        export(url, instance, "xlsx, before", "xlsx", out, *one_platform,
                               code=args.before)
                    for label, extra in xlsxs:
                        export(url, instance, label, "xlsx", out, *extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
