"""Import content packages into the database: idempotent, in one transaction.

Running it again updates texts, adds what is new and never duplicates. A module or page
removed from the files is retired while learners have history on it (and deleted when
no one has); learners' progress is never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import exists, select

from courses.database import db, utcnow
from courses.glossary import GLOSSARY_FILE, Entry, entries_from_json, read_glossary
from courses.models import Module, Page, PageText, Programme
from courses.packages.reader import (
    ContentError,
    ModuleSource,
    PageSource,
    Problem,
    ProgrammeSource,
    read_package,
)
from courses.packages.render import render_markdown
from courses.packages.terms import mark_terms
from courses.progress.models import ModuleProgress, PageView

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"


@dataclass
class LoadReport:
    """What one load changed, counted per kind of row."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    retired: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    programmes: list[str] = field(default_factory=list)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return any((self.created, self.updated, self.retired, self.deleted))

    def summary(self) -> str:
        def part(label: str, bucket: dict[str, int]) -> str:
            return f"{label} " + ", ".join(f"{n} {kind}" for kind, n in sorted(bucket.items()))

        parts = [
            part(label, bucket)
            for label, bucket in (
                ("created", self.created),
                ("updated", self.updated),
                ("retired", self.retired),
                ("deleted", self.deleted),
            )
            if bucket
        ]
        return f"{', '.join(self.programmes)}: " + ("; ".join(parts) if parts else "no changes")


def package_folders(path: Path) -> list[Path]:
    """``path`` itself when it is a package, else the packages directly inside it."""
    if (path / "programme.yaml").is_file():
        return [path]
    if not path.is_dir():
        raise ContentError([Problem(path, 1, "no such folder")])
    folders = sorted(p for p in path.iterdir() if (p / "programme.yaml").is_file())
    if not folders:
        raise ContentError(
            [Problem(path, 1, "no content package here (a folder with programme.yaml)")]
        )
    return folders


def load_content(path: Path = DEFAULT_CONTENT, site: int | None = None) -> LoadReport:
    """Read every package under ``path`` and import them all, or nothing on any error.
    With ``site``, the packages' modules are that site's own (a site's work exported
    from another installation, authoring): only that site's modules are touched."""
    known = frozenset() if site is None else _shipped_pages()
    sources = _read_all(package_folders(path), known)
    report = LoadReport()
    try:
        for source in sources:
            _load_programme(source, report, site)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _shipped_pages() -> frozenset[str]:
    rows = db.session.execute(
        select(Module.slug, Page.slug)
        .join(Page, Page.module_id == Module.id)
        .where(Module.site_id.is_(None), Module.retired_at.is_(None), Page.retired_at.is_(None))
    ).all()
    return frozenset(f"{module}/{page}" for module, page in rows)


def _read_all(folders: Iterable[Path], known: frozenset[str] = frozenset()) -> list[ProgrammeSource]:
    problems: list[Problem] = []
    sources: list[ProgrammeSource] = []
    for folder in folders:
        try:
            source = read_package(folder, known)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        sources.append(source)
        if (folder / GLOSSARY_FILE).is_file():
            source.glossary, found = read_glossary(folder / GLOSSARY_FILE, source.languages)
            problems.extend(found)
    owner: dict[str, str] = {}
    for source in sources:
        for module in source.modules:
            if module.slug in owner:
                problems.append(
                    Problem(
                        folder_of(source, module),
                        1,
                        f"module slug {module.slug!r} is also used in {owner[module.slug]}: a Moodle activity names its module by slug, so it must be unique",
                    )
                )
            owner[module.slug] = source.slug
    if problems:
        raise ContentError(problems)
    return sources


def folder_of(source: ProgrammeSource, module: ModuleSource) -> Path:
    return Path(source.slug) / f"{module.position:02d}-{module.slug}" / "module.yaml"


def _assign(row: object, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _load_programme(source: ProgrammeSource, report: LoadReport, site: int | None = None) -> None:
    report.programmes.append(source.slug)
    values = dict(
        audience=source.audience,
        languages=source.languages,
        title=source.title,
        summary=source.summary,
        glossary=[entry.as_json() for entry in source.glossary] or None,
    )
    programme = db.session.execute(
        select(Programme).filter_by(slug=source.slug)
    ).scalar_one_or_none()
    glossary_before = None if programme is None else programme.glossary
    if programme is None:
        programme = Programme(slug=source.slug, **values)
        db.session.add(programme)
        report.count(report.created, "programmes")
    elif site is None and _assign(programme, values):  # a site's package leaves the programme be
        report.count(report.updated, "programmes")
    db.session.flush()
    # Pages are marked with the programme's glossary: a changed glossary re-marks them all.
    marking = _Marking(entries_from_json(programme.glossary), tuple(programme.languages))
    marking.again = programme.glossary != glossary_before
    existing = {
        m.slug: m
        for m in db.session.execute(
            # A site's own modules (authoring) are not the package's to retire.
            select(Module).filter_by(programme_id=programme.id, site_id=site)
        ).scalars()
    }
    for module_source in source.modules:
        _load_module(
            programme, existing.pop(module_source.slug, None), module_source, report, marking, site
        )
    for gone in existing.values():
        _retire_or_delete(gone, report, "modules")


@dataclass
class _Marking:
    """How a programme's pages are rendered: Markdown, then the glossary's terms marked."""

    entries: tuple[Entry, ...]
    languages: tuple[str, ...]
    again: bool = False  # the glossary changed: render every text, not only changed ones

    def render(self, markdown: str, language: str) -> str:
        return mark_terms(render_markdown(markdown), self.entries, language, self.languages)


def _load_module(
    programme: Programme, module: Module | None, source: ModuleSource, report: LoadReport,
    marking: _Marking, site: int | None = None,
) -> None:
    values = dict(
        position=source.position,
        title=source.title,
        summary=source.summary,
        estimated_minutes=source.estimated_minutes,
        completion_rule=source.completion_rule,
        retired_at=None,
    )
    if module is None:  # may exist under another programme: a module can move
        module = db.session.execute(select(Module).filter_by(slug=source.slug)).scalar_one_or_none()
        if module is not None and module.site_id != site:  # never another site's, or a shipped one
            raise ContentError([Problem(Path(source.slug), 1, f"the module {source.slug!r} belongs elsewhere")])
    if module is None:
        module = Module(programme_id=programme.id, slug=source.slug, site_id=site, **values)
        db.session.add(module)
        db.session.flush()
        report.count(report.created, "modules")
    elif _assign(module, {**values, "programme_id": programme.id}):
        report.count(report.updated, "modules")
    existing = {
        p.slug: p for p in db.session.execute(select(Page).filter_by(module_id=module.id)).scalars()
    }
    for page_source in source.pages:
        _load_page(module, existing.pop(page_source.slug, None), page_source, report, marking)
    for gone in existing.values():
        _retire_or_delete(gone, report, "pages")


def _load_page(
    module: Module, page: Page | None, source: PageSource, report: LoadReport, marking: _Marking
) -> None:
    if page is None:
        page = Page(module_id=module.id, slug=source.slug, position=source.position)
        db.session.add(page)
        db.session.flush()
        report.count(report.created, "pages")
    elif _assign(page, dict(position=source.position, retired_at=None)):
        report.count(report.updated, "pages")
    texts = {t.language: t for t in page.texts}
    for language, text_source in source.texts.items():
        values = dict(title=text_source.title, body_markdown=text_source.markdown)
        text = texts.pop(language, None)
        if text is None:
            page.texts.append(
                PageText(
                    language=language,
                    body_html=marking.render(text_source.markdown, language),
                    **values,
                )
            )
            report.count(report.created, "page texts")
        elif _assign(text, values) or not text.body_html:
            text.body_html = marking.render(text_source.markdown, language)
            report.count(report.updated, "page texts")
        elif marking.again and _assign(
            text, {"body_html": marking.render(text_source.markdown, language)}
        ):
            report.count(report.updated, "page texts")
    for gone in texts.values():  # a translation withdrawn: the page falls back to Finnish
        page.texts.remove(gone)
        report.count(report.deleted, "page texts")


def _retire_or_delete(row: Module | Page, report: LoadReport, kind: str) -> None:
    if isinstance(row, Module):
        history = exists().where(ModuleProgress.module_id == row.id) | exists().where(
            PageView.page_id == Page.id, Page.module_id == row.id
        )
    else:
        history = exists().where(PageView.page_id == row.id)
    if db.session.execute(select(history)).scalar():
        if row.retired_at is None:
            row.retired_at = utcnow()
            report.count(report.retired, kind)
    else:
        db.session.delete(row)
        report.count(report.deleted, kind)
