"""The authoring path by keyboard alone (issue 16: "usable by keyboard alone"): from the
tool's first page a trainer opens the library, adapts a shipped module, opens a page,
types, saves and publishes with Tab, Shift+Tab, Enter, Space and typing only, no click.
Every stop is reached in the page's order, and its focus is visible."""

from __future__ import annotations

import re

from sqlalchemy import select

from authoring.models import ModuleVersion
from courses.database import db
from courses.models import Module, Page, PageText
from tests.authoring.chromium_pages import trainer_page
from tests.chromium import require_chromium

require_chromium()


# The focused element: its accessible name as a person hears it (an aria-label, else the
# label of a field, else its text), and whether its focus can be seen.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const label = e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].innerText)
    || e.innerText || e.value || '';
  const style = getComputedStyle(e);
  const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
  return {name: label.replace(/\\s+/g, ' ').trim(), tag: e.tagName, visible: visible};
}"""


def tab_to(page, name: str, key: str = "Tab", limit: int = 120) -> dict:
    """Press ``key`` (Tab or Shift+Tab) until the element named ``name`` (a regular
    expression) has the focus; its focus must show."""
    passed = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused and re.search(name, focused["name"]):
            assert focused["visible"], f"the focus on {focused['name']!r} does not show"
            return focused
        passed.append(focused and focused["name"])
    raise AssertionError(f"{name!r} not reached with {key}; passed {passed[-12:]}")


def _document_changes(page, keys: str, ready: str) -> None:
    """Press ``keys`` on the focused link or button; wait for the next page's ``ready``."""
    page.locator("body").evaluate("b => { b.dataset.old = '1'; }")
    page.keyboard.press(keys)
    page.locator(f"body:not([data-old]) {ready}").first.wait_for()


def test_a_trainer_adapts_edits_saves_and_publishes_by_keyboard_alone(chromium, quizzes):
    """(About 5 s: a real browser, some hundred key presses. The launch itself is the
    development platform's page, Moodle's part, not the tool's.)"""
    site = quizzes
    context, page, launch_id = trainer_page(chromium, site)
    page.goto(site.url + f"/l/{launch_id}/")  # the tool's first page, on its own
    page.locator("h1").wait_for()

    tab_to(page, r"^Moduulikirjasto$")
    _document_changes(page, "Enter", "form[action$='/library/adapt']")
    tab_to(page, r"^Tee oma versio: Suomalainen työelämä$")
    _document_changes(page, "Space", ".kp-pages-table")  # a button: Space presses it
    tab_to(page, r"^Suomenkielinen lähdeteksti\s*: Työsopimus, suomi$")
    _document_changes(page, "Enter", "form[data-draft-autosave]")

    tab_to(page, r"^Teksti \(Markdown\)$")
    page.keyboard.type("Kysy aina kirjallinen työsopimus. ")  # where the cursor is: the start
    tab_to(page, r"^Sivun otsikko$", key="Shift+Tab")  # back up, the title in its place
    tab_to(page, r"^Tallenna$")
    _document_changes(page, "Enter", "p.alert-success[role=status]")
    assert page.locator("#body").input_value().startswith("Kysy aina kirjallinen työsopimus. ")

    tab_to(page, r"^Takaisin moduuliin$")
    _document_changes(page, "Enter", "#note")
    tab_to(page, r"^Mikä muuttui")
    page.keyboard.type("Näppäimistöllä")
    tab_to(page, r"^Julkaise uusi versio$")
    _document_changes(page, "Enter", "p.alert-success[role=status]")
    assert "Versio 1 on julkaistu." in page.locator("p.alert-success").inner_text()
    context.close()

    with site.app.app_context():
        (version,) = db.session.execute(select(ModuleVersion)).scalars().all()
        assert version.note == "Näppäimistöllä"
        published = db.session.execute(
            select(PageText.body_markdown).join(Page).join(Module)
            .where(Module.site_id.is_not(None), Page.position == 1, PageText.language == "fi")
        ).scalar_one()
    assert published.startswith("Kysy aina kirjallinen työsopimus. ")
