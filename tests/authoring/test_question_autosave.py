"""Question forms save themselves as the trainer types. Without a browser: an unfinished
form is kept per trainer, never a revision and never published, and refused when it
cannot be stored. Through real launches: the autosave's answers (saved, kept, conflict),
a new question kept under its token and added once, two trainers losing nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from authoring import library, publishing, quiz_autosave, quiz_drafts
from authoring.library import NotInLibrary
from authoring.quiz_drafts import InvalidQuestion
from authoring.quiz_models import (
    DraftQuestion,
    DraftQuestionForm,
    DraftQuestionText,
    QuestionRevision,
)
from courses.database import db
from lti_tool.identity.models import LtiUser
from quizzes.models import QuestionVersion
from tests.authoring.conftest import person, shipped
from tests.authoring.test_authoring_pages import _adapted, _launch_id
from tests.browser import forms_in
from tests.lti import COORDINATOR, WORKING_LIFE, launch

JSON = {"Accept": "application/json"}


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _author() -> int:
    return person(f"trainer-{_count(LtiUser)}")


def test_an_unfinished_form_is_kept_per_trainer_and_never_published(sites):
    app, site, other_site = sites
    with app.app_context():
        me, colleague = _author(), _author()
        lm = library.adapt(site, shipped(), me)
        question = quiz_drafts.draft_questions(lm.id)[0]
        fields = {"text": "Puolivalmis", "choices-0-grade": "5", "base_revision": "1"}
        quiz_autosave.keep_form(
            site,
            lm.id,
            me,
            language="fi",
            kind="single",
            fields=fields,
            problem="grades_not_100",
            question_id=question.id,
        )
        quiz_autosave.keep_form(
            site,
            lm.id,
            me,
            language="fi",
            kind="single",
            fields={"text": "Uusi"},
            problem="too_few_choices",
            token="tokentoken1",
        )
        kept = quiz_autosave.kept_form(site, lm.id, me, question_id=question.id, language="fi")
        assert (
            kept.fields == fields
            and kept.problem == "grades_not_100"
            and kept.kind == question.kind
        )
        assert (
            quiz_autosave.kept_form(site, lm.id, colleague, question_id=question.id, language="fi")
            is None
        )
        assert quiz_autosave.unfinished_new(site, lm.id, me) == [("tokentoken1", "single", "Uusi")]
        assert quiz_autosave.unfinished_new(site, lm.id, colleague) == []
        with pytest.raises(NotInLibrary):  # another site's trainer reaches nothing
            quiz_autosave.kept_form(other_site, lm.id, me, question_id=question.id, language="fi")
        with pytest.raises(NotInLibrary):
            quiz_autosave.keep_form(
                other_site,
                lm.id,
                me,
                language="fi",
                kind="single",
                fields={},
                problem=None,
                question_id=question.id,
            )
        # Not a revision, not a question: publishing gives learners the saved question.
        revisions = _count(QuestionRevision)
        publishing.publish(site, lm.id, "", me)
        assert _count(QuestionRevision) == revisions
        published = {
            v.snapshot["text"] for v in db.session.execute(select(QuestionVersion)).scalars()
        }
        assert "Puolivalmis" not in published and "Uusi" not in published
        assert len(quiz_drafts.draft_questions(lm.id)) == 9
        quiz_autosave.forget_form(site, lm.id, me, question.id, "fi")
        assert (
            quiz_autosave.kept_form(site, lm.id, me, question_id=question.id, language="fi") is None
        )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"text": "nul \x00 here"}, "bad_characters"),
        ({"text": "x" * 70_000}, "too_long"),
        ({"<script>": "x"}, "bad_step"),
        ({"text": ["not", "text"]}, "bad_step"),
    ],
)
def test_a_form_that_cannot_be_stored_is_refused_with_nothing_written(sites, fields, code):
    app, site, _ = sites
    with app.app_context():
        me = _author()
        lm = library.adapt(site, shipped(), me)
        question = quiz_drafts.draft_questions(lm.id)[0]
        with pytest.raises(InvalidQuestion) as refused:
            quiz_autosave.keep_form(
                site,
                lm.id,
                me,
                language="fi",
                kind="single",
                fields=fields,
                problem=None,
                question_id=question.id,
            )
        assert refused.value.code == code
        with pytest.raises(InvalidQuestion):
            quiz_autosave.keep_form(
                site,
                lm.id,
                me,
                language="fi",
                kind="single",
                fields={},
                problem=None,
                token="short",
            )
        with pytest.raises(InvalidQuestion):
            quiz_autosave.keep_form(
                site,
                lm.id,
                me,
                language="xx",
                kind="single",
                fields={},
                problem=None,
                question_id=question.id,
            )
        assert _count(DraftQuestionForm) == 0


def _editor_form(browser, url: str) -> dict[str, str]:
    page = browser.get(url)
    assert page.status_code == 200, page.text
    (form,) = [f for f in forms_in(page.text) if "base_revision" in f.fields]
    return form.fields


def _first_single(module_id: int) -> tuple[int, int]:
    row = next(q for q in quiz_drafts.draft_questions(module_id) if q.kind == "single")
    text = db.session.execute(
        select(DraftQuestionText).where(
            DraftQuestionText.draft_question_id == row.id, DraftQuestionText.language == "fi"
        )
    ).scalar_one()
    return row.id, text.revision


def test_autosave_saves_a_question_keeps_an_unfinished_form_and_brings_it_back(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    with site.app.app_context():
        question_id, revision = _first_single(module_id)
    url = site.url + f"/l/{launch_id}/library/{module_id}/quiz/{question_id}/fi"
    fields = _editor_form(browser, url)
    saved = browser.post(
        url, data={**fields, "text": "Uusi kysymysteksti?", "action": "save"}, headers=JSON
    )
    assert saved.status_code == 200 and saved.json() == {"saved": True, "revision": revision + 1}
    # Half way through: the right answer's grade cleared. Kept, not a revision.
    unfinished = {
        **fields,
        "text": "Kesken oleva teksti",
        "base_revision": str(revision + 1),
        "choices-0-grade": "",
        "choices-1-grade": "",
        "choices-2-grade": "",
        "choices-3-grade": "",
        "action": "save",
    }
    kept = browser.post(url, data=unfinished, headers=JSON)
    assert kept.status_code == 200 and kept.json()["kept"] is True and not kept.json()["saved"]
    assert "100 %" in kept.json()["problem"]
    with site.app.app_context():
        assert _first_single(module_id)[1] == revision + 1
    half_typed = browser.post(url, data={**unfinished, "choices-0-grade": "1OO"}, headers=JSON)
    assert (
        half_typed.status_code == 200 and half_typed.json()["kept"] is True
    )  # a form error: kept too
    # Reopened (another launch would do the same): the unfinished text is in the form.
    page = browser.get(url)
    assert 'id="restored-title"' in page.text and "Kesken oleva teksti" in page.text
    (form,) = [f for f in forms_in(page.text) if "base_revision" in f.fields]
    assert form.fields["choices-0-grade"] == "1OO" and form.fields["base_revision"] == str(
        revision + 1
    )
    # Finished: saved as a question, and nothing is kept any more.
    done = browser.post(
        url, data={**form.fields, "choices-0-grade": "100", "action": "save"}, headers=JSON
    )
    assert done.json() == {"saved": True, "revision": revision + 2}
    with site.app.app_context():
        assert _count(DraftQuestionForm) == 0
    assert 'id="restored-title"' not in browser.get(url).text


def test_unfinished_changes_are_discarded_on_request(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    with site.app.app_context():
        question_id, _ = _first_single(module_id)
    url = site.url + f"/l/{launch_id}/library/{module_id}/quiz/{question_id}/fi"
    fields = _editor_form(browser, url)
    browser.post(url, data={**fields, "choices-0-grade": "", "action": "save"}, headers=JSON)
    page = browser.get(url)
    (discard,) = [f for f in forms_in(page.text) if set(f.fields) == {"csrf_token"}]
    gone = browser.post(url, data={**discard.fields, "action": "discard"}, allow_redirects=False)
    assert gone.status_code == 303
    assert 'id="restored-title"' not in browser.get(url).text


def test_a_new_question_is_kept_under_its_token_until_complete_then_added_once(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    base = site.url + f"/l/{launch_id}/library/{module_id}/quiz"
    fields = _editor_form(browser, base + "/new/single")
    token = fields["draft"]
    assert re.fullmatch(r"[\w-]{16}", token)
    with site.app.app_context():
        before = _count(DraftQuestion)
    typed = browser.post(
        base + "/new/single",
        data={**fields, "text": "Mikä on verokortti?", "action": "save"},
        headers=JSON,
    )
    answer = typed.json()
    assert (
        typed.status_code == 200
        and answer["kept"]
        and answer["address"].endswith(f"?draft={token}")
    )
    with site.app.app_context():
        assert _count(DraftQuestion) == before  # not a question yet
    assert "Mikä on verokortti?" in browser.get(base + "/").text  # listed among the unfinished ones
    reopened = _editor_form(browser, site.url + answer["address"])
    assert reopened["text"] == "Mikä on verokortti?" and reopened["draft"] == token
    complete = {
        **reopened,
        "choices-0-text": "Kortti",
        "choices-0-grade": "100",
        "choices-1-text": "Ei",
        "choices-1-grade": "0",
        "action": "save",
    }
    added = browser.post(base + "/new/single", data=complete, headers=JSON).json()
    assert (
        added["saved"] and added["revision"] == 1 and re.search(r"/quiz/\d+/fi$", added["address"])
    )
    again = browser.post(
        base + "/new/single", data={**complete, "text": "Mikä on vero­kortti?"}, headers=JSON
    )
    assert again.json() == {
        "saved": True,
        "revision": 2,
    }  # the same question saved, not a second one
    with site.app.app_context():
        assert _count(DraftQuestion) == before + 1
    old = browser.get(base + f"/new/single?draft={token}", allow_redirects=False)
    assert old.status_code == 303 and old.headers["Location"].endswith(added["address"])


def test_two_trainers_autosaving_one_question_lose_nothing(quizzes):
    site = quizzes
    first, first_launch, module_id, _ = _adapted(site)
    second = site.browser()  # another trainer of the site, in the same module
    second_launch = _launch_id(launch(second, COORDINATOR, WORKING_LIFE).page)
    with site.app.app_context():
        question_id, revision = _first_single(module_id)
    path = f"/library/{module_id}/quiz/{question_id}/fi"
    mine = _editor_form(first, site.url + f"/l/{first_launch}" + path)
    theirs = _editor_form(second, site.url + f"/l/{second_launch}" + path)
    saved = first.post(
        site.url + f"/l/{first_launch}" + path,
        data={**mine, "text": "Ensimmäisen kouluttajan kysymys", "action": "save"},
        headers=JSON,
    )
    assert saved.json()["saved"]
    late = second.post(
        site.url + f"/l/{second_launch}" + path,
        data={**theirs, "text": "Toisen kouluttajan kysymys", "action": "save"},
        headers=JSON,
    )
    assert late.status_code == 409 and late.json()["conflict"]
    # Reopened: the second trainer's question in the form, the first one's shown beside it.
    page = second.get(site.url + f"/l/{second_launch}" + path)
    assert 'id="conflict-title"' in page.text and "Ensimmäisen kouluttajan kysymys" in page.text
    (form,) = [f for f in forms_in(page.text) if "base_revision" in f.fields]
    assert form.fields["text"] == "Toisen kouluttajan kysymys" and form.fields[
        "base_revision"
    ] == str(revision + 1)
    chosen = second.post(
        site.url + f"/l/{second_launch}" + path,
        data={**form.fields, "action": "save"},
        allow_redirects=False,
    )
    assert chosen.status_code == 303
    with site.app.app_context():
        texts = {r.snapshot["text"] for r in db.session.execute(select(QuestionRevision)).scalars()}
        assert {
            "Ensimmäisen kouluttajan kysymys",
            "Toisen kouluttajan kysymys",
        } <= texts  # both kept
        assert _count(DraftQuestionForm) == 0
