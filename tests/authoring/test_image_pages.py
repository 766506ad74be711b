"""Images through real launches: a trainer uploads one into a page (with the editor's
script, and without), anyone's browser loads it by its address alone; bad files, a
missing alt text and another site's page are refused with a message and nothing written."""

from __future__ import annotations

import io
import re

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select, update

from authoring.media_models import MediaImage
from authoring.models import DraftText, LibraryModule
from courses.database import db
from tests.authoring import images as files
from tests.authoring.test_authoring_pages import _adapted, _editor_form
from tests.browser import Form, forms_in
from tests.lti import PARTICIPANT, WORKING_LIFE, launch

JSON = {"Accept": "application/json"}


def _upload_form(browser, site, launch_id, page_id, language="fi"):
    editor, _ = _editor_form(browser, site, launch_id, page_id, language)
    (form,) = [f for f in forms_in(editor.text) if f.action.endswith("/image")]
    return editor, form


def _send(browser, site, form, data: bytes, alt="Punainen laatikko", name="kuva.png",
          content_type="image/png", headers=None):
    fields = {**form.fields, "alt": alt} if alt is not None else dict(form.fields)
    fields.pop("file", None)
    return browser.post(
        site.url + form.action, data=fields, files={"file": (name, data, content_type)},
        headers=headers or {}, allow_redirects=False,
    )


def _written(site) -> tuple[int, int]:
    with site.app.app_context():
        return (
            db.session.execute(select(func.count()).select_from(MediaImage)).scalar_one(),
            db.session.execute(select(func.sum(DraftText.revision))).scalar_one(),
        )


def test_an_uploaded_image_goes_into_the_text_and_anyone_loads_it_by_its_address(quizzes):
    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    editor, form = _upload_form(browser, site, launch_id, pages[0][0])
    assert 'enctype="multipart/form-data"' in editor.text and "/static/images.js" in editor.text
    assert re.search(r'<input[^>]+name="alt"[^>]+required', editor.text)
    # The editor's script: the Markdown comes back, to go where the cursor is.
    answer = _send(browser, site, form, files.png(40, 30), headers=JSON)
    assert answer.status_code == 201, answer.text
    found = answer.json()
    key = found["src"].removeprefix("/media/")
    assert found["markdown"] == f"![Punainen laatikko](/media/{key})"
    assert (found["width"], found["height"]) == (40, 30)
    # A learner's browser in Moodle's iframe has no session of the tool: the address is enough.
    image = requests.get(site.url + found["src"], timeout=10)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert image.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "sandbox" in image.headers["Content-Security-Policy"] and "Set-Cookie" not in image.headers
    assert Image.open(io.BytesIO(image.content)).size == (40, 30)
    again = requests.get(site.url + found["src"], headers={"If-None-Match": image.headers["ETag"]}, timeout=10)
    assert again.status_code == 304 and not again.content
    for unknown in ("A" * 32, "short", "A" * 31 + "%2F"):
        assert requests.get(site.url + "/media/" + unknown, timeout=10).status_code == 404
    # Without the script: added at the end of the saved text, shown in the preview.
    before = _written(site)
    posted = _send(browser, site, form, files.png(64, 48, (1, 2, 3)), alt="Sininen")
    assert posted.status_code == 303 and posted.headers["Location"].endswith("?image=added")
    shown = browser.get(site.url + posted.headers["Location"])
    assert "Kuva lisättiin tekstin loppuun" in shown.text
    assert len(re.findall(r'<img src="/media/[\w-]{32}" alt="Sininen" width="64" height="48">', shown.text)) == 1
    assert _written(site) == (before[0] + 1, before[1] + 1)  # one image, one new revision
    assert "img-src 'self'" in shown.headers["Content-Security-Policy"]


def test_the_real_content_decides_never_the_name_or_declared_type(quizzes):
    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    _, form = _upload_form(browser, site, launch_id, pages[0][0])
    renamed = _send(browser, site, form, files.png(), name="photo.jpg", content_type="image/jpeg", headers=JSON)
    assert renamed.status_code == 201  # a real PNG under a wrong name is stored as the PNG it is
    served = requests.get(site.url + renamed.json()["src"], timeout=10)
    assert served.headers["Content-Type"] == "image/png"
    before = _written(site)
    page = b"<html><script>alert(document.cookie)</script></html>"
    lying = _send(browser, site, form, page, name="kuva.png", content_type="image/png")
    assert lying.status_code == 415 and "PNG-, JPEG-, WebP- tai GIF-kuva" in lying.text
    assert _written(site) == before


@pytest.mark.parametrize(
    ("data", "alt", "status", "message"),
    [
        (files.png(), None, 400, "Kirjoita vaihtoehtoinen teksti"),
        (files.png(), "   ", 400, "Kirjoita vaihtoehtoinen teksti"),
        (files.png(), "x" * 251, 400, "teksti voi olla enintään 250 merkkiä"),
        (files.png(), "kaksi\nriviä", 400, "on oltava yksi rivi"),
        (b"", "Kuva", 400, "Valitse ladattava kuvatiedosto"),
        (b"\x89PNG" + b"x" * (2 * 1024 * 1024), "Kuva", 413, "Kuva on suurempi kuin 2 Mt"),
        (b"\x89PNG" + b"x" * (3 * 1024 * 1024), "Kuva", 413, "Kuva on suurempi kuin 2 Mt"),  # over the request's limit too
        (files.many_pixels(5001, 5000), "Kuva", 400, "liikaa pikseleitä"),
        (files.lying_png_header(100_000, 100_000), "Kuva", 400, "liikaa pikseleitä"),
        (files.png()[:50], "Kuva", 415, "GIF-kuva"),
    ],
    ids=["no_alt", "blank_alt", "long_alt", "two_line_alt", "empty", "too_large", "far_too_large",
         "bomb", "lying_header", "truncated"],
)
def test_bad_uploads_get_a_message_in_the_trainers_language_and_nothing_is_written(
    quizzes, data, alt, status, message
):
    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    _, form = _upload_form(browser, site, launch_id, pages[0][0])
    before = _written(site)
    answer = _send(browser, site, form, data, alt=alt)
    assert answer.status_code == status and message in answer.text, answer.text[-2000:]
    as_json = _send(browser, site, form, data, alt=alt, headers=JSON)
    assert as_json.status_code == status and message in as_json.json()["problem"]
    assert _written(site) == before


def test_another_sites_page_a_learner_and_a_forged_form_get_nothing(quizzes):
    from lti_tool.registry.services import PlatformSpec, add_platform

    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    _, form = _upload_form(browser, site, launch_id, pages[0][0])
    learner = site.browser()
    learner_launch = re.search(r"/l/([\w-]+)/", launch(learner, PARTICIPANT, WORKING_LIFE).page.url).group(1)
    before = _written(site)
    forged = _send(browser, site, Form(form.action, "post", {}), files.png())  # no CSRF token
    assert forged.status_code == 400 and "<code>bad_form</code>" in forged.text
    as_learner = learner.post(
        site.url + f"/l/{learner_launch}/library/page/{pages[0][0]}/fi/image",
        data={"alt": "x"}, files={"file": ("a.png", files.png(), "image/png")},
    )
    assert as_learner.status_code == 403 and "<code>trainers_only</code>" in as_learner.text
    with site.app.app_context():
        client, _ = add_platform(
            PlatformSpec("https://moodle.other.example", "other", "1", "https://moodle.other.example/a",
                         "https://moodle.other.example/t", "https://moodle.other.example/k")
        )
        db.session.execute(update(LibraryModule).values(site_id=client.platform_id))
        db.session.commit()
    for data in (files.png(), b"x" * (3 * 1024 * 1024)):  # also when the upload is too large
        elsewhere = _send(browser, site, form, data)
        assert elsewhere.status_code == 404 and "<code>not_in_library</code>" in elsewhere.text
    unknown = browser.post(
        site.url + f"/l/{launch_id}/library/page/99999999/fi/image",
        data=form.fields, files={"file": ("a.png", files.png(), "image/png")},
    )
    assert unknown.status_code == 404
    assert _written(site) == before
