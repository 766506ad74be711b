"""A library module's draft read as the learner's pages read a published module: the same
plain data (courses.catalog's ModuleInfo, OutlineEntry, PageContent; quizzes' Question),
so that "Preview as a learner" renders it with the learner's own templates and quiz
code. Only reads: a preview records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from authoring.learner_html import page_renderer
from authoring.library import draft_pages, own_module
from authoring.models import LibraryModule
from authoring.quiz_publishing import quiz_snapshot
from courses.catalog import ModuleInfo, OutlineEntry, PageContent
from courses.database import db
from courses.languages import SOURCE_LANGUAGE
from courses.models import Programme
from quizzes.model import Question
from quizzes.snapshot import from_snapshot
from quizzes.types import kind_of


@dataclass(frozen=True)
class DraftModule:
    library_module: LibraryModule
    module: ModuleInfo  # the draft as a module of the learner's pages


def draft_module(site_id: int, library_module_id: int) -> DraftModule:
    """This site's library module as the learner's pages see a module (NotInLibrary for
    any other): its draft title and summary, its programme's languages."""
    own = own_module(site_id, library_module_id)
    programme = db.session.get(Programme, own.programme_id)
    assert programme is not None
    info = ModuleInfo(
        id=own.id,
        slug=own.slug,
        position=0,
        title=own.title,
        summary=own.summary,
        estimated_minutes=own.estimated_minutes,
        completion_rule=own.completion_rule,
        retired=False,
        programme_id=programme.id,
        programme_slug=programme.slug,
        programme_title=programme.title,
        audience=programme.audience,
        languages=tuple(programme.languages),
    )
    return DraftModule(own, info)


@dataclass(frozen=True)
class DraftOutline:
    entries: list[OutlineEntry]
    entry: OutlineEntry
    content: PageContent


def outline(library_module_id: int, language: str, page_slug: str | None) -> DraftOutline | None:
    """The draft's live pages as a learner's outline (titles in ``language`` or Finnish,
    as publishing would give them), and the page ``page_slug`` (the first one when None)
    rendered as publishing renders it. The pages up to the one shown count as seen: a
    learner reading the module in order. None when there is no such page."""
    live = []
    for page in draft_pages(library_module_id):
        texts = {t.language: t for t in page.texts}
        if SOURCE_LANGUAGE in texts:  # a page without its Finnish source is not published
            live.append((page, texts.get(language) or texts[SOURCE_LANGUAGE]))
    slugs = [page.slug for page, _ in live]
    if not live or (page_slug is not None and page_slug not in slugs):
        return None
    index = 0 if page_slug is None else slugs.index(page_slug)
    entries = [
        OutlineEntry(page.id, page.slug, page.position, text.title, text.language, i <= index)
        for i, (page, text) in enumerate(live)
    ]
    text = live[index][1]
    own = db.session.get(LibraryModule, library_module_id)
    programme = db.session.get(Programme, own.programme_id) if own is not None else None
    assert programme is not None
    html = page_renderer(programme)(text.body_markdown, text.language)  # as publishing writes it
    content = PageContent(text.title, html, text.language)
    return DraftOutline(entries, entries[index], content)


def quiz_questions(library_module: LibraryModule, language: str) -> list[tuple[str, Question, str]]:
    """The draft quiz as publishing would give it to a learner in ``language``: each
    question (keyed by its id number) in that language, or in Finnish where it is not
    translated, with the language it is shown in."""
    found = []
    for item in quiz_snapshot(library_module):
        shown_in = language if language in item["texts"] else SOURCE_LANGUAGE
        found.append((item["idnumber"], from_snapshot(item["texts"][shown_in]), shown_in))
    return found


def has_quiz(library_module: LibraryModule) -> bool:
    """Whether the published module would have a quiz a learner can take (a question to
    answer, not only descriptions)."""
    return any(
        kind_of(from_snapshot(item["texts"][SOURCE_LANGUAGE])).answerable
        for item in quiz_snapshot(library_module)
    )
