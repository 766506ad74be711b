"""Read the learning pages the way a person does: links, progress, the language form."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator

import requests
from sqlalchemy import event, func, select

from courses.database import db
from courses.progress.models import ModuleProgress, PageView
from tests.browser import Browser, forms_in

NEXT = re.compile(r'<a class="btn btn-primary" rel="next" href="([^"]+)"')
TOC = re.compile(r'<nav class="kp-toc".*?</nav>', re.S)
TOC_LINK = re.compile(r'<a href="([^"]+)" lang="([^"]+)"')
PROGRESS = re.compile(r'<progress id="module-progress" max="(\d+)" value="(\d+)"')


def next_link(page: requests.Response) -> str | None:
    match = NEXT.search(page.text)
    return match.group(1).replace("&amp;", "&") if match else None


def toc_links(page: requests.Response) -> list[str]:
    toc = TOC.search(page.text)
    assert toc, "no table of contents"
    return [m.group(1) for m in TOC_LINK.finditer(toc.group(0))]


def progress_of(page: requests.Response) -> tuple[int, int]:
    """(pages seen, pages in the module) from the progress bar."""
    match = PROGRESS.search(page.text)
    assert match, "no progress bar"
    return int(match.group(2)), int(match.group(1))


def content_lang(page: requests.Response) -> str:
    match = re.search(r'<div class="kp-body" lang="([^"]+)">', page.text)
    assert match, "no page body"
    return match.group(1)


def walk_module(browser: Browser, first: requests.Response) -> list[requests.Response]:
    """Follow "Next" from ``first`` to the module's last page."""
    pages = [first]
    while (link := next_link(pages[-1])) is not None:
        page = browser.get(browser.url(link), allow_redirects=False)
        assert page.status_code == 200, page.text
        pages.append(page)
        assert len(pages) < 20
    return pages


def choose_language(browser: Browser, page: requests.Response, language: str) -> requests.Response:
    (form,) = [f for f in forms_in(page.text) if f.action.endswith("/language")]
    answer = browser.post(
        browser.url(form.action), data={**form.fields, "language": language}, allow_redirects=False
    )
    return answer


def progress_rows(app: Any) -> list[ModuleProgress]:
    with app.app_context():
        rows = (
            db.session.execute(select(ModuleProgress).order_by(ModuleProgress.id)).scalars().all()
        )
        db.session.expunge_all()
        return list(rows)


def page_views(app: Any) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(PageView)).scalar_one()


@contextmanager
def counted_statements(app: Any) -> Iterator[list[str]]:
    """Every SQL statement the app runs meanwhile (in this process: the live server's)."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
