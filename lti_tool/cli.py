"""The ``kotopaikka`` command: demo, serve, platform and key administration."""

from __future__ import annotations

import os
import sys
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup

from lti_tool.cli_content import content_group, load_packages
from lti_tool.cli_exports import export_group
from lti_tool.cli_platform import platform_group
from lti_tool.summary.cli import report_group

DEMO_HOST = "127.0.0.1"
DEMO_PORT = 5000


def _create_app() -> Flask:
    from lti_tool import create_app
    from lti_tool.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """Kotopaikka LTI 1.3 tool."""


main.add_command(content_group)
main.add_command(platform_group)
main.add_command(report_group)
main.add_command(export_group)


def _upgrade_database() -> None:
    from flask_migrate import upgrade

    upgrade()


@main.command("migrate")
def migrate_command() -> None:
    """Upgrade the database to the newest schema."""
    _upgrade_database()
    click.echo("Database is up to date.")


@main.command("demo", with_appcontext=False)
@click.option("--port", default=DEMO_PORT, show_default=True)
def demo_command(port: int) -> None:
    """Migrate, create keys, register the development platform and serve the demo; once
    it listens, the tool registers itself through the platform's dynamic registration."""
    os.environ.setdefault("KOTOPAIKKA_ENV", "development")
    os.environ["KOTOPAIKKA_DEV_PLATFORM"] = "1"
    from lti_tool import create_app
    from lti_tool.config import ConfigError
    from lti_tool.devplatform import register_dev_platform
    from lti_tool.keys.service import ensure_current_key
    from lti_tool.registration.invitations import parse_lifetime

    site = f"http://{DEMO_HOST}:{port}"
    try:
        app = create_app({"DEV_PLATFORM_SITE_URL": site})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    with app.app_context():
        _upgrade_database()
        ensure_current_key()
        register_dev_platform(site)
        click.echo(load_packages(None))
        from lti_tool.registration.invitations import create_invitation

        _, itself = create_invitation("Demo: registered itself", parse_lifetime("10m"))
        _, secret = create_invitation("Demo: dynamic registration", parse_lifetime("1d"))
    click.echo(f"\nKotopaikka demo: open {site}/devplatform/ and launch as any user.")
    click.echo(
        f"Dynamic registration, as in Moodle: open {site}/devplatform/tools, paste\n"
        f"  {site}/lti/register/{secret}\n"
        "into Tool URL and press Add LTI Advantage (one use; "
        "'kotopaikka platform invite' makes more).\n"
    )
    from werkzeug.serving import run_simple

    from lti_tool.devplatform.self_registration import register_when_listening
    from lti_tool.grades.delivery import start_background_worker

    stop = start_background_worker(app)  # scores reach the platform's gradebook
    register_when_listening(app, site, f"{site}/lti/register/{itself}", click.echo)
    try:
        run_simple(DEMO_HOST, port, app, threaded=True, use_reloader=False)
    finally:
        stop.set()


@main.command("worker")
@click.option("--idle", default=1.0, show_default=True, help="Seconds to wait when nothing is due.")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def worker_command(idle: float, once: bool) -> None:
    """Deliver scores from the outbox to the platforms (run one or more)."""
    import signal
    import threading

    from flask import current_app

    from lti_tool.grades.delivery import deliver_due, run_worker

    if once:
        total = 0
        while (done := deliver_due()) > 0:
            total += done
        click.echo(f"{total} scores tried")
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    run_worker(current_app._get_current_object(), stop, idle)  # type: ignore[attr-defined]


@main.group("grades")
def grades_group() -> None:
    """The score outbox: what is owed to the platforms, and dead scores."""


@grades_group.command("status")
def grades_status() -> None:
    """How many scores are pending, delivered, rejected, dead or superseded."""
    from lti_tool.grades.delivery import outbox_counts

    counts = outbox_counts()
    for status in ("pending", "delivered", "rejected", "dead", "superseded"):
        click.echo(f"{status:<11}{counts.get(status, 0):>8}")


@grades_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
def grades_retry(ids: tuple[int, ...]) -> None:
    """Send dead scores again (all of them, or the given outbox ids)."""
    from lti_tool.grades.delivery import retry_dead

    count = retry_dead(list(ids) if ids else None)
    click.echo(f"{count} dead scores will be sent again")


@main.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    help="Threads per worker. With the development platform on, use 2 or more: its "
    "token endpoint fetches the tool's keyset from the same server.",
)
def serve_command(bind: str, workers: int, threads: int) -> None:
    """Serve the tool with gunicorn (production)."""
    from gunicorn.app.base import BaseApplication

    from courses.database import db
    from lti_tool.keys.service import ensure_current_key

    app = _create_app()
    with app.app_context():
        ensure_current_key()
        # Forked workers must not inherit (and share) the master's pooled connection:
        # two workers on one PostgreSQL socket corrupt each other's results.
        db.engine.dispose()

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", None)

        def load(self) -> Any:
            return app

    _Server().run()




@main.group("keys")
def keys_group() -> None:
    """The tool's signing keys (published at /lti/jwks)."""


@keys_group.command("list")
def keys_list() -> None:
    from lti_tool.keys.service import list_keys

    keys = list_keys()
    if not keys:
        click.echo("No keys yet: run 'kotopaikka keys rotate' to create one.")
    for key in keys:
        click.echo(f"{key.kid}  {key.status.value:8}  created {key.created_at:%Y-%m-%d %H:%M} UTC")


@keys_group.command("rotate")
def keys_rotate() -> None:
    """Create a new current key; the old one stays published until retired."""
    from lti_tool.keys.service import rotate_keys

    key = rotate_keys()
    click.echo(f"New current key {key.kid}. Retire the previous one after platforms refetch.")


@keys_group.command("retire")
@click.argument("kid")
def keys_retire(kid: str) -> None:
    """Stop publishing a previous key."""
    from lti_tool.keys.service import retire_key

    try:
        retire_key(kid)
    except (LookupError, ValueError) as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    click.echo(f"Retired {kid}.")


@main.group("quiz")
def quiz_group() -> None:
    """A module's quiz: import and export GIFT and Moodle XML."""


@quiz_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--module", "module_slug", required=True, help="The module's slug.")
@click.option("--language", default="fi", show_default=True, help="Language of the file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["gift", "moodlexml"]),
    default=None,
    help="Default: moodlexml for a .xml file, else gift.",
)
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
def quiz_import(file: str, module_slug: str, language: str, fmt: str | None, dry_run: bool) -> None:
    """Import the questions of a GIFT or Moodle XML FILE into a module's quiz."""
    from pathlib import Path

    from quizzes.gift.parser import parse_gift
    from quizzes.limits import QuizFileError, read_quiz_file
    from quizzes.moodlexml import read_moodle_xml
    from quizzes.services import QuizImportError, import_questions

    path = Path(file)
    fmt = fmt or ("moodlexml" if path.suffix.lower() == ".xml" else "gift")
    read = read_moodle_xml if fmt == "moodlexml" else parse_gift
    try:
        questions = read(read_quiz_file(path), file)  # at most MAX_FILE_BYTES are read
        report = import_questions(module_slug, language, questions, dry_run=dry_run)
    except (QuizFileError, QuizImportError) as exc:
        raise click.ClickException(f"nothing was imported: {exc}") from exc
    click.echo(report.summary())


@quiz_group.command("export")
@click.option("--module", "module_slug", required=True, help="The module's slug.")
@click.option("--language", default="fi", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["gift", "moodlexml"]), default="gift", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Default: standard output.")
def quiz_export(module_slug: str, language: str, fmt: str, output: str | None) -> None:
    """Write a module's quiz as GIFT or Moodle XML (for Moodle's question bank)."""
    from pathlib import Path

    from quizzes.gift.writer import write_gift
    from quizzes.moodlexml import write_moodle_xml
    from quizzes.services import QuizImportError, export_questions

    try:
        questions = export_questions(module_slug, language)
    except QuizImportError as exc:
        raise click.ClickException(str(exc)) from exc
    if not questions:
        raise click.ClickException(f"module {module_slug!r} has no quiz yet")
    text = write_gift(questions) if fmt == "gift" else write_moodle_xml(questions)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(questions)} questions to {output}")
    else:
        click.echo(text, nl=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
