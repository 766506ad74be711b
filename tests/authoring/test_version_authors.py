"""Who published each version: stored with the version (authoring.publishing) and shown
in the module's history and on the compare page, through real launches whose id_token
carries the name claim (the development platform's trainer and coordinator)."""

from __future__ import annotations

import re

from sqlalchemy import select

from authoring import library, publishing
from authoring.models import LibraryModule, ModuleVersion
from courses.database import db
from tests.authoring.conftest import person, shipped
from tests.authoring.test_authoring_pages import _adapted
from tests.browser import forms_in
from tests.lti import COORDINATOR, WORKING_LIFE, launch


def test_publishing_stores_its_author(sites):
    app, site, _ = sites
    with app.app_context():
        trainer = person("trainer-who-publishes")
        lm = library.adapt(site, shipped(), trainer)
        publishing.publish(site, lm.id, "Ensimmäinen", trainer)
        publishing.publish(site, lm.id, "Toinen", None)
        stored = db.session.execute(
            select(ModuleVersion.number, ModuleVersion.author_id)
            .where(ModuleVersion.library_module_id == lm.id).order_by(ModuleVersion.number)
        ).all()
        assert [tuple(row) for row in stored] == [(1, trainer), (2, None)]
        assert [v.author_id for v in publishing.versions(site, lm.id)] == [None, trainer]


def _publish(browser, site, launch_id: str, module_id: int, note: str) -> None:
    page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    (form,) = [f for f in forms_in(page.text) if f.action.endswith("/publish")]
    done = browser.post(site.url + form.action, data={**form.fields, "note": note}, allow_redirects=False)
    assert done.status_code == 303, done.text


def _history(text: str) -> list[str]:
    """The history's lines, as text."""
    items = re.findall(r"<li>(Versio \d+.*?)\s*<form", text, re.DOTALL)
    return [re.sub(r"\s+", " ", item).strip() for item in items]


def test_the_history_and_the_compare_page_say_who_published_each_version(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)  # Demo Kouluttaja, in Finnish
    _publish(browser, site, launch_id, module_id, "Kouluttajan versio")
    coordinator = site.browser()
    other_launch = re.search(r"/l/([\w-]+)/", launch(coordinator, COORDINATOR, WORKING_LIFE).page.url).group(1)
    _publish(coordinator, site, other_launch, module_id, "Koordinaattorin versio")
    with site.app.app_context():  # a version whose author Moodle did not name
        publishing.publish(db.session.get(LibraryModule, module_id).site_id, module_id, "", None)

    page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    lines = _history(page.text)
    assert len(lines) == 3
    assert lines[0].startswith("Versio 3,") and lines[0].endswith("julkaisija: tuntematon")
    assert lines[1].startswith("Versio 2,") and "julkaisija: Demo Koordinaattori: Koordinaattorin versio" in lines[1]
    assert lines[2].startswith("Versio 1,") and "julkaisija: Demo Kouluttaja: Kouluttajan versio" in lines[2]

    compared = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/compare?older=2&newer=1")
    assert compared.status_code == 200
    shown = re.sub(r"\s+", " ", compared.text)
    first, second = shown.index("julkaisija: Demo Kouluttaja"), shown.index("julkaisija: Demo Koordinaattori")
    assert first < second  # the older version first
    # The coordinator's own pages are in Swedish: the words are translated.
    theirs = coordinator.get(site.url + f"/l/{other_launch}/library/{module_id}/")
    assert "publicerad av Demo Kouluttaja" in theirs.text and "publicerad av okänd" in theirs.text
