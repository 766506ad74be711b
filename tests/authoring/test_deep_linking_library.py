"""Deep linking with a site's own modules (issue 16): the picker of a real deep linking
launch lists the site's published module beside the shipped ones and never another
site's; the content item picked launches the published version."""

from __future__ import annotations

import re

import jwt
from sqlalchemy import select

from authoring.models import DraftPage, LibraryModule
from courses.database import db
from courses.models import Module
from lti_tool.devplatform import storage
from tests.authoring.second_site import launch_on_second_site, register_second_site
from tests.browser import forms_in
from tests.lti import PARTICIPANT, TRAINER, WORKING_LIFE, launch

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def _adapt_and_publish(site, browser, launch_id: str, title: str) -> str:
    """Adapt Suomalainen työelämä, give its first page ``title``, publish; the slug."""
    base = site.url + f"/l/{launch_id}"
    library = browser.get(base + "/library")
    with site.app.app_context():
        shipped = db.session.execute(select(Module.id).where(Module.slug == "finnish-working-life")).scalar_one()
    (adapt,) = [f for f in forms_in(library.text) if f.action.endswith("/adapt") and f.fields["module_id"] == str(shipped)]
    adapted = browser.post(site.url + adapt.action, data=adapt.fields, allow_redirects=False)
    module_id = int(re.search(r"/library/(\d+)/", adapted.headers["Location"]).group(1))
    with site.app.app_context():
        page_id = db.session.execute(
            select(DraftPage.id).where(DraftPage.library_module_id == module_id).order_by(DraftPage.position)
        ).scalars().first()
        slug = db.session.get(LibraryModule, module_id).slug
    editor = browser.get(base + f"/library/page/{page_id}/fi")
    (form,) = [f for f in forms_in(editor.text) if "base_revision" in f.fields]
    saved = browser.post(editor.url, data={**form.fields, "title": title, "action": "save"}, allow_redirects=False)
    assert saved.status_code == 303
    module_page = browser.get(base + f"/library/{module_id}/")
    (publish,) = [f for f in forms_in(module_page.text) if f.action.endswith("/publish")]
    done = browser.post(site.url + publish.action, data={**publish.fields, "note": "1"}, allow_redirects=False)
    assert done.status_code == 303
    return slug


def _offered(page) -> set[str]:
    """The modules the picker offers, by slug."""
    return set(re.findall(r'name="modules" id="m-[^"]+" value="([^"]+)"', page.text))


def test_the_picker_lists_the_sites_own_module_and_picking_it_launches_the_published_version(quizzes):
    site = quizzes
    trainer = site.browser()
    launch_id = re.search(r"/l/([\w-]+)/", launch(trainer, TRAINER, WORKING_LIFE).page.url).group(1)
    own = _adapt_and_publish(site, trainer, launch_id, "Oma työsopimussivu")
    register_second_site(site)
    b_browser, b_launch, _ = launch_on_second_site(site, TRAINER, WORKING_LIFE)
    elsewhere = _adapt_and_publish(site, b_browser, b_launch, "Toisen sivuston sivu")

    picker = launch(trainer, TRAINER, "101:deeplink").page
    assert picker is not None and picker.status_code == 200
    offered = _offered(picker)
    assert {"finnish-working-life", "job-search", own} <= offered  # beside the shipped ones
    assert elsewhere not in offered and elsewhere not in picker.text
    _, _, b_picker = launch_on_second_site(site, TRAINER, "101:deeplink")
    assert elsewhere in _offered(b_picker) and own not in b_picker.text  # and the other way round

    forged = trainer.submit(picker, modules=elsewhere)  # another site's, typed into the form
    assert forged.status_code == 400 and "JWT" not in forged.text
    answer = trainer.submit(picker, modules=own)
    assert answer.status_code == 200
    token = forms_in(answer.text)[0].fields["JWT"]
    (item,) = jwt.decode(token, options={"verify_signature": False})[DL + "content_items"]
    assert item["custom"] == {"module": own} and item["url"] == site.url + "/lti/launch"
    created = trainer.submit(answer)  # the platform adds the activity (as Moodle does on save)
    assert created.status_code == 200, created.text
    with site.app.app_context():
        (link,) = storage.stored_links("101")
    learner = launch(site.browser(), PARTICIPANT, f"101:{link.id}").page
    assert learner is not None and learner.status_code == 200
    assert re.search(r'id="page-title"[^>]*>Oma työsopimussivu<', learner.text)  # the published version
