"""``kotopaikka content``: content packages in and out, the shipped ones or a site's own.

A site's own modules (trainers' authoring) travel as ordinary content packages with
their quizzes: ``content export PROGRAMME DIR --site ISSUER`` writes that site's
published modules, and ``content load DIR --site ISSUER`` reads them into that site's
library on another installation (published, with a draft to go on from).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


def _site_id(issuer: str | None) -> int | None:
    if issuer is None:
        return None
    from sqlalchemy import select

    from courses.database import db
    from lti_tool.registry.models import Platform

    found = db.session.execute(select(Platform.id).where(Platform.issuer == issuer)).scalar_one_or_none()
    if found is None:
        raise click.ClickException(f"no platform with the issuer {issuer!r} is registered")
    return int(found)


def load_packages(path: str | None, site: int | None = None) -> str:
    """The content packages, then their quizzes (quizzes need the modules to exist); a
    site's modules then get their drafts."""
    from courses.packages.loader import DEFAULT_CONTENT, load_content
    from courses.packages.reader import ContentError
    from quizzes.limits import QuizFileError
    from quizzes.services import QuizImportError, load_quiz_files

    root = Path(path) if path else DEFAULT_CONTENT
    try:
        summary = load_content(root, site).summary()
    except ContentError as exc:
        raise click.ClickException(
            f"nothing was imported; fix these and run it again:\n{exc}"
        ) from exc
    try:
        reports = load_quiz_files(root)
    except (QuizFileError, QuizImportError) as exc:
        raise click.ClickException(f"the pages were loaded but no quiz was: {exc}") from exc
    changed = sum(r.added + r.new_versions + r.retired for r in reports)
    images = 0
    if site is not None:
        from authoring.image_transfer import read_images
        from authoring.images import ImageRefused
        from courses.packages.loader import package_folders

        try:
            images = sum(read_images(site, folder) for folder in package_folders(root))
        except (ImageRefused, OSError) as exc:
            raise click.ClickException(f"the pages were loaded but an image was not: {exc}") from exc
    drafts = _adopt(site) if site is not None else 0
    result = f"{summary}\nquizzes: {len(reports)} files, {changed} questions added or changed"
    if site is not None:
        result += f"\nlibrary: {drafts} drafts made for the site's modules, {images} images added"
    return result


def _adopt(site: int) -> int:
    from sqlalchemy import select

    from authoring.library import adopt_published
    from courses.database import db
    from courses.models import Module

    ids = db.session.execute(select(Module.id).where(Module.site_id == site)).scalars().all()
    return sum(1 for module_id in ids if adopt_published(site, module_id) is not None)


def _write_quizzes(root: Path) -> int:
    """Each exported module's quiz, one ``quiz.<language>.gift`` per language it has."""
    from sqlalchemy import select

    from courses.database import db
    from courses.models import Module, Programme
    from quizzes.gift.writer import write_gift
    from quizzes.services import export_questions

    written = 0
    for module_yaml in sorted(root.glob("*/module.yaml")):
        slug = module_yaml.parent.name.split("-", 1)[1]
        languages = db.session.execute(
            select(Programme.languages).join(Module, Module.programme_id == Programme.id).where(Module.slug == slug)
        ).scalar_one()
        for language in languages:
            questions = export_questions(slug, language)
            if questions:
                (module_yaml.parent / f"quiz.{language}.gift").write_text(write_gift(questions), encoding="utf-8")
                written += 1
    return written


@click.group("content")
def content_group() -> None:
    """Programme content packages (folders of YAML and Markdown)."""


@content_group.command("load")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option("--site", "issuer", help="Load the packages as this platform's own modules (its issuer).")
@with_appcontext
def content_load(path: str | None, issuer: str | None) -> None:
    """Import packages from PATH (default: the shipped ones); safe to run again."""
    if issuer is not None and path is None:
        raise click.ClickException("--site needs the PATH of the site's exported packages")
    click.echo(load_packages(path, _site_id(issuer)))


@content_group.command("export")
@click.argument("programme")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--site", "issuer", help="Export this platform's own published modules (its issuer).")
@with_appcontext
def content_export(programme: str, directory: str, issuer: str | None) -> None:
    """Write PROGRAMME as a content package into DIRECTORY/<programme>."""
    from courses.packages.exporter import UnknownProgramme, export_programme

    site = _site_id(issuer)
    try:
        root = export_programme(programme, Path(directory), site)
    except UnknownProgramme as exc:
        raise click.ClickException(f"no programme {exc.args[0]!r} has been loaded") from exc
    if site is None:
        click.echo(f"Wrote {root}")
        return
    from authoring.image_transfer import write_images

    quizzes = _write_quizzes(root)
    images = write_images(site, root)
    missing = f"; not found here: {', '.join(images.missing)}" if images.missing else ""
    click.echo(f"Wrote {root} ({quizzes} quiz files, {images.written} images{missing})")
