"""``kotopaikka export``: completion records for coordinators, funders and scripts.

The default is the localised form a coordinator hands on (lti_tool.exports.localised);
``--machine`` is the form scripts read (lti_tool.exports.completions), unchanged.
"""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup


@click.group("export", cls=AppGroup)
def export_group() -> None:
    """Reports for coordinators and funders."""


@export_group.command("completions")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option("--output", type=click.Path(dir_okay=False), required=True, help="The file to write.")
@click.option("--programme", default=None, help="A programme's slug.")
@click.option("--audience", type=click.Choice(["participant", "employer_mentor"]), default=None)
@click.option("--issuer", "issuers", multiple=True, help="Only these platforms (repeatable).")
@click.option("--course", "courses", multiple=True, help="Only these course ids (with --issuer).")
@click.option("--organisation", default=None, help="A platform's registered name.")
@click.option(
    "--from",
    "completed_from",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Completed on or after (YYYY-MM-DD).",
)
@click.option(
    "--to",
    "completed_to",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Completed on or before.",
)
@click.option("--completed-only", is_flag=True, help="Only completed modules.")
@click.option(
    "--pseudonymise",
    is_flag=True,
    help="Replace learner ids, names and e-mails with a stable hash.",
)
@click.option(
    "--language",
    type=click.Choice(["fi", "sv", "en", "ru", "uk"]),
    default=None,
    help="Headers and values in this language (default fi).",
)
@click.option("--utc", is_flag=True, help="Times in UTC (default: Finnish time, Europe/Helsinki).")
@click.option(
    "--technical",
    is_flag=True,
    help="Add the technical columns: issuer URL, course and activity ids, slugs, learner ids.",
)
@click.option(
    "--machine",
    is_flag=True,
    help="The machine-readable form for scripts: every column, English column names, codes, UTC ISO 8601; CSV with --delimiter.",
)
@click.option(
    "--delimiter",
    type=click.Choice([",", ";"]),
    default=None,
    help="With --machine: the CSV's separator (default ',').",
)
def export_completions(
    fmt: str,
    output: str,
    programme: str | None,
    audience: str | None,
    issuers: tuple[str, ...],
    courses: tuple[str, ...],
    organisation: str | None,
    completed_from: Any,
    completed_to: Any,
    completed_only: bool,
    pseudonymise: bool,
    language: str | None,
    utc: bool,
    technical: bool,
    machine: bool,
    delimiter: str | None,
) -> None:
    """Write completion records (one per learner and module) as CSV or XLSX.

    By default for people and Finnish Excel: headers and values in Finnish (or
    --language), Finnish time (or --utc), CSV with ';' and decimal commas, no technical
    columns (or --technical). --machine writes the form scripts read, as it always was.
    """
    if machine and (language or utc or technical):
        raise click.ClickException(
            "--language, --utc and --technical are for the localised form, not --machine"
        )
    if not machine and delimiter == ",":
        raise click.ClickException(
            "--delimiter ',' is for --machine: the localised CSV has ';' and decimal commas"
        )
    from pathlib import Path

    from flask import current_app
    from sqlalchemy import select

    from courses.database import db
    from lti_tool.exports import localised
    from lti_tool.exports.completions import Filters, csv_chunks, records, write_xlsx
    from lti_tool.identity.models import LtiContext
    from lti_tool.registry.models import Platform

    platform_ids = None
    if issuers:
        platform_ids = tuple(
            db.session.execute(select(Platform.id).where(Platform.issuer.in_(issuers))).scalars()
        )
        if len(platform_ids) != len(set(issuers)):
            raise click.ClickException(
                "an --issuer is not a registered platform (see 'platform list')"
            )
    context_ids = None
    if courses:
        if not platform_ids:
            raise click.ClickException("--course needs --issuer: course ids are per platform")
        context_ids = tuple(
            db.session.execute(
                select(LtiContext.id).where(
                    LtiContext.platform_id.in_(platform_ids), LtiContext.context_id.in_(courses)
                )
            ).scalars()
        )
    filters = Filters(
        programme=programme,
        audience=audience,
        platform_ids=platform_ids,
        context_ids=context_ids,
        organisation=organisation,
        completed_from=completed_from.date() if completed_from else None,
        completed_to=completed_to.date() if completed_to else None,
        only_completed=completed_only,
    )
    rows = records(
        filters,
        pseudonymise=pseudonymise,
        secret=current_app.config["SECRET_KEY"],
        language=language or "fi",
    )
    sheet = None
    if not machine:
        sheet = localised.layout(
            localised.Options(language or "fi", utc, technical, pseudonymised=pseudonymise)
        )
    count = 0

    def counted(rows: Any) -> Any:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    path = Path(output)
    partial = path.with_name(path.name + ".part")
    try:
        if fmt == "xlsx" and sheet is None:
            write_xlsx(counted(rows), str(partial))
        elif fmt == "xlsx":
            localised.write_xlsx(counted(rows), sheet, str(partial))
        else:
            chunks = (
                csv_chunks(counted(rows), delimiter or ",")
                if sheet is None
                else localised.csv_chunks(counted(rows), sheet)
            )
            with open(partial, "wb") as out:
                out.writelines(chunks)
        partial.replace(path)  # a half-written export never takes the file's name
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"{count} records written to {path}")
