"""What the authoring browser tests share: a trainer launched in Chromium, a shipped
module adapted, and a page checked as the quality bar asks (axe's WCAG 2.1 A and AA
rules at 1280 and 360 px, nothing wider than a phone)."""

from __future__ import annotations

import re
import time

from sqlalchemy import select

from authoring.models import DraftPage, LibraryModule
from courses.database import db
from tests.test_real_browser import axe_violations, launch_in_iframe

TRAINER = "Demo Kouluttaja – Trainer (teacher)"
PARTICIPANT = "Demo Osallistuja – Participant (job seeker), Finnish"


def trainer_page(chromium, site, locale: str = "fi-FI"):  # type: ignore[no-untyped-def]
    """A new context launched as the trainer in Suomalainen työelämä; its page (at the
    launcher) and the launch id, for the tool's pages opened on their own."""
    # Reduced motion: Bootstrap's buttons then change colour at once, not while axe reads them.
    context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(site.url + "/devplatform/")
    launch_in_iframe(page, TRAINER, "Suomalainen työelämä")
    tool = next(f for f in page.frames if "/l/" in f.url)
    return context, page, re.search(r"/l/([\w-]+)/", tool.url).group(1)


def adapt(page, site, launch_id: str) -> tuple[int, list[tuple[int, str]]]:
    """From the library, adapt Suomalainen työelämä: the copy's id and its pages (id, slug)."""
    from courses.models import Module

    with site.app.app_context():
        shipped = db.session.execute(select(Module.id).where(Module.slug == "finnish-working-life")).scalar_one()
    page.goto(site.url + f"/l/{launch_id}/library")
    page.locator(f"form[action$='/library/adapt']:has(input[value='{shipped}']) button").click()
    page.locator(".kp-pages-table").wait_for()
    with site.app.app_context():
        own = db.session.execute(select(LibraryModule).order_by(LibraryModule.id.desc())).scalars().first()
        pages = db.session.execute(
            select(DraftPage.id, DraftPage.slug).where(DraftPage.library_module_id == own.id)
            .order_by(DraftPage.position)
        ).all()
        return own.id, [tuple(p) for p in pages]


# The elements that reach past the page's right edge (for the message of a failure).
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 6).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _where(page) -> list[tuple[str, str]]:
    """The elements axe found fault with, for the message of a failure."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    violations = Axe().run(page, options=options).response["violations"]
    return [(v["id"], n["html"][:160]) for v in violations for n in v["nodes"]][:6]


def checked(page, name: str, widths: tuple[int, ...] = (1280, 360)) -> None:
    """0 axe violations at each width, and at 360 px nothing scrolls sideways."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        page.mouse.move(0, 0)  # no button hovered (and changing colour) while axe reads them
        found = axe_violations(page)
        assert found == [], (name, width, page.url, found, _where(page))
        wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, (f"{name} scrolls sideways at {width} px by {wide} px", page.evaluate(WIDEST))
    page.set_viewport_size({"width": 1280, "height": 800})


def poll(page, script: str, timeout: float = 10.0) -> None:
    """Wait until ``script`` (a function's source) is true in the page. The pages' CSP
    forbids eval, which wait_for_function's string form needs: evaluate is polled instead."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"not true within {timeout} s: {script}"
        time.sleep(0.05)
