"""``kotopaikka report summary``: the summary workbook for the tool's operator, over every
platform or the ones named."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lti_tool.i18n import UI_LOCALES


@click.group("report")
def report_group() -> None:
    """Reports for coordinators and the operator."""


@report_group.command("summary")
@click.option(
    "--xlsx", "path", type=click.Path(dir_okay=False), required=True, help="The workbook to write."
)
@click.option(
    "--platform",
    "issuers",
    multiple=True,
    help="Only this platform's issuer (repeatable); default: every platform.",
)
@click.option(
    "--language",
    type=click.Choice(UI_LOCALES),
    default="fi",
    show_default=True,
    help="Headers, titles and names in this language.",
)
@with_appcontext
def report_summary(path: str, issuers: tuple[str, ...], language: str) -> None:
    """Per programme and module: started, completed, completion rate, median days to
    complete; one sheet by module, by audience and by course."""
    from pathlib import Path

    from flask_babel import force_locale
    from sqlalchemy import select

    from courses.database import db
    from lti_tool.registry.models import Platform
    from lti_tool.summary.queries import Scope
    from lti_tool.summary.report import build_report, write_workbook

    platform_ids = None
    if issuers:
        platform_ids = tuple(
            db.session.execute(select(Platform.id).where(Platform.issuer.in_(issuers))).scalars()
        )
        if len(platform_ids) != len(set(issuers)):
            raise click.ClickException(
                "a --platform is not a registered issuer (see 'platform list')"
            )
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    with force_locale(language):
        report = build_report(Scope(platform_ids), language, language)
        try:
            write_workbook(report, str(partial))
            partial.replace(target)  # a half-written workbook never takes the file's name
        finally:
            partial.unlink(missing_ok=True)
    rows = len(report.views[0].rows)
    click.echo(f"{rows} modules summarised in {target}")
