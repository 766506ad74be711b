"""A script in what a trainer writes, through real launches: the page editor (its Save
button and its autosave), the question form, a translation file. Each answers 400 with
what was found and on which line, in the trainer's language (Finnish here), keeps the
trainer's text in the form, and writes nothing."""

from __future__ import annotations

import html
import io
import re

from babel.messages.pofile import read_po, write_po
from sqlalchemy import func, select

from authoring.models import DraftText, TextRevision
from authoring.quiz_models import DraftQuestion, DraftQuestionForm, QuestionRevision
from courses.database import db
from tests.authoring.test_authoring_pages import _adapted, _editor_form
from tests.authoring.test_quiz_pages import SINGLE, _csrf

SCRIPT = "Hyvä alku.\n\nHuono <script>alert(1)</script> loppu."
SAID = "Rivillä 3 on &lt;script&gt;-tagi."


def _written(site) -> tuple[int, ...]:
    with site.app.app_context():
        return tuple(
            db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (TextRevision, DraftQuestion, DraftQuestionForm, QuestionRevision)
        ) + (db.session.execute(select(func.sum(DraftText.revision))).scalar_one(),)


def test_the_page_editor_refuses_a_script_and_keeps_the_text(quizzes):
    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    editor, form = _editor_form(browser, site, launch_id, pages[0][0], "fi")
    before = _written(site)
    refused = browser.post(editor.url, data={**form.fields, "title": "Otsikko", "body": SCRIPT, "action": "save"})
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    assert SAID in refused.text and "takahipsujen" in refused.text  # what, where, and how to show it as code
    textarea = re.search(r'<textarea[^>]*id="body"[^>]*>(.*?)</textarea>', refused.text, re.DOTALL).group(1)
    assert html.unescape(textarea).strip() == SCRIPT  # nothing the trainer typed is lost
    autosave = browser.post(editor.url, data={**form.fields, "title": "Otsikko", "body": SCRIPT},
                            headers={"Accept": "application/json"})
    assert autosave.status_code == 400 and autosave.json()["saved"] is False
    assert html.unescape(SAID) in autosave.json()["problem"]
    attribute = browser.post(editor.url, data={**form.fields, "title": "O", "body": "a\n<img src=x onerror=alert(1)>"},
                             headers={"Accept": "application/json"})
    assert "Rivillä 2 on määrite onerror=" in attribute.json()["problem"]
    link = browser.post(editor.url, data={**form.fields, "title": "O", "body": "[x](javascript:alert(1))"},
                        headers={"Accept": "application/json"})
    assert "Rivillä 1 on osoite, joka alkaa javascript:" in link.json()["problem"]
    assert _written(site) == before
    # The same markup as code is text: saved.
    code = "Näin ei saa kirjoittaa: `<script>alert(1)</script>`\n\n```\n<iframe src=x>\n```"
    saved = browser.post(editor.url, data={**form.fields, "title": "Otsikko", "body": code, "action": "save"},
                         allow_redirects=False)
    assert saved.status_code == 303


def test_the_question_form_refuses_a_script_and_keeps_nothing(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    base = site.url + f"/l/{launch_id}/library/{module_id}/quiz"
    new = browser.get(base + "/new/single")
    csrf = _csrf(new)
    data = {**SINGLE, "csrf_token": csrf, "draft": "unsafe-form-1", "choices-1-feedback": "<script>alert(1)</script>"}
    before = _written(site)
    refused = browser.post(base + "/new/single", data={**data, "action": "save"})
    assert refused.status_code == 400
    assert "Palaute vastauksesta 2: Rivillä 1 on &lt;script&gt;-tagi." in refused.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in refused.text  # still in the form
    autosave = browser.post(base + "/new/single", data={**data, "action": "save"},
                            headers={"Accept": "application/json"})
    assert autosave.status_code == 400 and "Palaute vastauksesta 2" in autosave.json()["problem"]
    assert not autosave.json().get("kept")
    assert _written(site) == before  # no question, no revision, not even the unfinished form
    # An existing question edited with a script in its text: refused, left as it was.
    saved = browser.post(base + "/new/single", data={**SINGLE, "csrf_token": csrf, "action": "save"},
                         allow_redirects=False)
    question = saved.headers["Location"].split("?")[0]
    before = _written(site)
    edited = browser.post(site.url + question, data={
        **SINGLE, "csrf_token": csrf, "action": "save", "base_revision": "1",
        "text": "Missä?\n<iframe src=https://example.com>", "text_format": "html",
    }, headers={"Accept": "application/json"})
    assert edited.status_code == 400 and "Kysymyksen teksti: Rivillä 2 on <iframe>-tagi." in edited.json()["problem"]
    assert _written(site) == before


def test_a_translation_file_with_a_script_names_the_entry(quizzes):
    site = quizzes
    browser, launch_id, module_id, pages = _adapted(site)
    exported = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/translation/uk.po")
    catalog = read_po(io.BytesIO(exported.content))
    slug = pages[0][1]
    for message in catalog:
        if message.context == f"page/{slug}/body":
            message.string = "Текст.\n\n<script>alert(1)</script>"
            message.flags.discard("fuzzy")
    out = io.BytesIO()
    write_po(out, catalog)
    module = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    before = _written(site)
    answer = browser.post(
        site.url + f"/l/{launch_id}/library/{module_id}/translation/uk",
        data={"csrf_token": _csrf(module)}, files={"file": ("m.uk.po", out.getvalue())},
    )
    assert answer.status_code == 200
    row = re.search(rf"<code>page/{slug}/body</code></td><td>(.*?)</td>", answer.text, re.DOTALL).group(1)
    assert SAID in row
    assert _written(site) == before
