"""What a learner already did stays theirs when a trainer publishes a changed module: a
learner in Moodle (the development platform) reads a site module's pages and completes it;
the trainer renames one page, removes another and publishes; the learner's progress still
counts the renamed page, the completion stays, the gradebook gets no lower score, and
their next page view shows the new text."""

from __future__ import annotations

from sqlalchemy import func, select

from authoring.models import LibraryModule
from courses.database import db
from courses.models import Module, Page, PageText
from courses.progress.models import COMPLETED, ModuleProgress, PageView
from lti_tool.identity.models import LtiUser
from tests.authoring.test_authoring_pages import _adapted, _editor_form
from tests.browser import forms_in
from tests.grades.helpers import cell, complete_module, drain, outbox
from tests.learning.helpers import next_link, progress_of, toc_links
from tests.lti import PARTICIPANT, PARTICIPANT_RU, TRAINER, launch

ACTIVITY = "101:303"  # an activity of the course the trainer binds to the site's module
RENAMED = "Työsopimus – ennen kuin allekirjoitat"


def _publish(browser, site, launch_id, module_id, note):
    page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    (form,) = [f for f in forms_in(page.text) if f.action.endswith("/publish")]
    done = browser.post(site.url + form.action, data={**form.fields, "note": note}, allow_redirects=False)
    assert done.status_code == 303, done.text


def _bind(site, slug):
    trainer = site.browser()
    unbound = launch(trainer, TRAINER, ACTIVITY).page
    (bind,) = [f for f in forms_in(unbound.text) if f.action.endswith("/bind")]
    assert trainer.post(site.url + bind.action, data={**bind.fields, "module": slug},
                        allow_redirects=False).status_code == 303


def _record(app, sub):
    with app.app_context():
        record = db.session.execute(
            select(ModuleProgress).join(LtiUser, LtiUser.id == ModuleProgress.learner_id).where(LtiUser.sub == sub)
        ).scalar_one()
        db.session.expunge(record)
        return record


def test_a_renamed_and_a_removed_page_leave_the_learners_progress_and_completion(quizzes):
    site = quizzes
    browser, launch_id, module_id, pages = _adapted(site)
    _publish(browser, site, launch_id, module_id, "Ensimmäinen versio")
    with site.app.app_context():
        slug = db.session.get(LibraryModule, module_id).slug
        published = db.session.execute(select(Module.id).where(Module.slug == slug)).scalar_one()
    _bind(site, slug)

    # One learner reads every page and passes the quiz; another reads the first three pages.
    complete_module(site, PARTICIPANT, ACTIVITY)
    drain(site.app)
    assert (cell(site.app, "101", "303", PARTICIPANT).grade, len(outbox(site.app))) == (100.0, 1)
    done = _record(site.app, PARTICIPANT)
    assert (done.status, done.pages_seen, done.pages_total) == (COMPLETED, 5, 5)
    reader = site.browser()
    read = launch(reader, PARTICIPANT_RU, ACTIVITY).page
    for _ in range(2):  # "Next" twice: the first three pages
        read = reader.get(reader.url(next_link(read)))
    assert progress_of(read) == (3, 5)

    # The trainer renames the second page and removes the third, then publishes.
    (renamed_id, renamed_slug), (removed_id, removed_slug) = pages[1], pages[2]
    editor, form = _editor_form(browser, site, launch_id, renamed_id, "fi")
    saved = browser.post(editor.url, data={**form.fields, "title": RENAMED, "action": "save"}, allow_redirects=False)
    assert saved.status_code == 303
    module_page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    (arrange,) = [f for f in forms_in(module_page.text) if f.action.endswith(f"/page/{removed_id}/arrange")]
    assert browser.post(site.url + arrange.action, data={**arrange.fields, "action": "remove"},
                        allow_redirects=False).status_code == 303
    _publish(browser, site, launch_id, module_id, "Uusi otsikko, yksi sivu pois")
    with site.app.app_context():
        gone = db.session.execute(select(Page).where(Page.module_id == published, Page.slug == removed_slug)).scalar_one()
        assert gone.retired_at is not None  # retired, not deleted: its views stay
        views = db.session.execute(
            select(func.count()).select_from(PageView).join(Page).where(Page.module_id == published)
        ).scalar_one()
        assert views == 5 + 3  # both learners' views, the removed page's among them

    # The completed learner's next page view: the new title, every live page still seen.
    again = site.browser()
    landing = launch(again, PARTICIPANT, ACTIVITY).page
    toc = toc_links(landing)
    assert len(toc) == 4 and not any(removed_slug in link for link in toc)
    renamed = again.get(again.url(next(link for link in toc if renamed_slug in link)))
    assert renamed.status_code == 200 and RENAMED in renamed.text
    assert progress_of(renamed) == (4, 4)
    record = _record(site.app, PARTICIPANT)
    assert (record.status, record.completed_at, record.quiz_passed) == (COMPLETED, done.completed_at, True)
    assert record.percent == 100  # the record keeps what it said; nothing re-counts it lower
    drain(site.app)
    final = cell(site.app, "101", "303", PARTICIPANT)
    assert (final.grade, final.activity_progress, final.grading_progress) == (100.0, "Completed", "FullyGraded")
    assert [r.score_given for r in outbox(site.app) if r.user_sub == PARTICIPANT] == [100.0]  # nothing re-sent

    # The other learner left off on the removed page: they come back to the first page
    # they have not read, the renamed page still counted as read, the removed one no
    # longer in the module (nor against them), and no completion is invented.
    other = site.browser()
    back = launch(other, PARTICIPANT_RU, ACTIVITY).page
    with site.app.app_context():
        fourth = db.session.execute(
            select(PageText.title).join(Page).where(Page.module_id == published, Page.slug == pages[3][1],
                                                    PageText.language == "ru")
        ).scalar_one()
    assert f'<h2 id="page-title" lang="ru">{fourth}</h2>' in back.text and progress_of(back) == (3, 4)
    partial = _record(site.app, PARTICIPANT_RU)
    assert (partial.status, partial.pages_seen, partial.pages_total) == ("in_progress", 3, 4)
    assert partial.completed_at is None
