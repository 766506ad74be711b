"""A trainer places modules by deep linking, binds an activity and follows the group."""

from __future__ import annotations

import re

import jwt

from courses.packages.loader import DEFAULT_CONTENT
from tests.browser import forms_in
from tests.learning.helpers import progress_rows, toc_links
from tests.lti import (
    EMPLOYER_MENTOR,
    MENTOR_COURSE,
    PARTICIPANT,
    PARTICIPANT_RU,
    TRAINER,
    launch,
    pending_launch,
    sign_as_platform,
)

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
THREE = ["finnish-working-life", "job-search", "permit-cards"]


def _response_claims(site, answer) -> dict:
    token = forms_in(answer.text)[0].fields["JWT"]
    key = jwt.PyJWKClient(site.url + "/lti/jwks").get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=["RS256"], audience=site.url + "/devplatform")


def test_a_trainer_adds_three_modules_in_one_go(site):
    browser = site.browser()
    picker = launch(browser, TRAINER, "101:deeplink").page
    assert picker is not None and picker.status_code == 200
    shipped = len(list(DEFAULT_CONTENT.glob("*/*/module.yaml")))
    assert shipped >= 11
    assert (
        picker.text.count('type="checkbox" name="modules"') == shipped
    )  # every module of both programmes
    assert picker.text.count("<fieldset") == 2  # grouped by programme
    assert "5 sivua · noin 25 minuuttia" in picker.text  # finnish-working-life, in Finnish
    answer = browser.submit(picker, modules=THREE)
    assert answer.status_code == 200
    claims = _response_claims(site, answer)
    items = claims[DL + "content_items"]
    assert [i["custom"] for i in items] == [{"module": slug} for slug in THREE]
    assert [i["title"] for i in items] == ["Suomalainen työelämä", "Työnhaku", "Lupakortit"]
    for item, slug in zip(items, THREE):
        assert item["type"] == "ltiResourceLink"
        assert item["url"] == site.url + "/lti/launch"  # no query string: Moodle matches exactly
        assert item["text"]
        assert item["lineItem"] == {"scoreMaximum": 100, "label": item["title"], "resourceId": slug}
    returned = browser.submit(answer)
    assert "Added to course" in returned.text
    # Moodle made three activities; a learner opens one and lands in its module.
    launcher = browser.get(site.url + "/devplatform/")
    created = re.findall(r'<option value="(101:\d+)">Lupakortit</option>', launcher.text)
    assert len(created) == 1
    activity = created[0]
    page = launch(site.browser(), PARTICIPANT, activity).page
    assert page is not None and '<h1 lang="fi">Lupakortit</h1>' in page.text


def _deep_link_post(site, settings_changes: dict):
    browser = site.browser()
    pending = pending_launch(browser, TRAINER, "101:deeplink")
    claims = pending.claims()
    claims[DL + "deep_linking_settings"] = {
        **claims[DL + "deep_linking_settings"],
        **settings_changes,
    }
    return browser, pending.post(sign_as_platform(site.app, claims))


def _deep_link_with(site, settings_changes: dict):
    browser, posted = _deep_link_post(site, settings_changes)
    assert "Content-Location" in posted.headers, posted.text  # the launch was accepted
    return browser, posted


def test_one_module_only_when_the_platform_accepts_one_item(site):
    browser, picker = _deep_link_with(
        site, {"accept_multiple": False, "data": "csrf-from-platform-7"}
    )
    assert 'type="radio" name="modules"' in picker.text and 'type="checkbox"' not in picker.text
    refused = browser.submit(picker, modules=THREE[:2])
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    answer = browser.submit(picker, modules=THREE[:1])
    claims = _response_claims(site, answer)
    assert len(claims[DL + "content_items"]) == 1
    assert claims[DL + "data"] == "csrf-from-platform-7"  # echoed as the platform sent it


def test_choosing_nothing_is_refused_with_a_message(site):
    browser = site.browser()
    picker = launch(browser, TRAINER, "101:deeplink").page
    answer = browser.submit(picker)
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text and "JWT" not in answer.text


def test_a_platform_that_accepts_no_resource_links_gets_a_clear_refusal(site):
    _, posted = _deep_link_post(site, {"accept_types": ["file", "html"]})
    assert posted.status_code == 400  # refused at the launch already, nothing recorded
    assert "<code>missing_claim</code>" in posted.text
    assert progress_rows(site.app) == []


def test_an_unbound_activity_a_learner_waits_and_a_trainer_binds_it(site):
    learner_page = launch(site.browser(), PARTICIPANT, "101:303").page
    assert learner_page is not None and learner_page.status_code == 200
    assert 'class="alert alert-info"' in learner_page.text and "kp-body" not in learner_page.text
    assert progress_rows(site.app) == []

    browser = site.browser()
    picker = launch(browser, TRAINER, "101:303").page
    assert 'type="radio" name="module"' in picker.text
    bound = browser.submit(picker, module="your-competence")
    assert bound.status_code == 303
    page = browser.get(browser.url(bound.headers["Location"]))
    assert '<h1 lang="fi">Oma osaamisesi</h1>' in page.text

    learner_again = launch(site.browser(), PARTICIPANT, "101:303").page
    assert '<h1 lang="fi">Oma osaamisesi</h1>' in learner_again.text


def test_the_group_table_shows_each_learner_and_module(site):
    first = site.browser()
    page = launch(first, PARTICIPANT).page  # finnish-working-life, 1 of 5 pages
    for link in toc_links(page)[1:]:
        first.get(first.url(link))  # all 5: completed
    launch(site.browser(), PARTICIPANT_RU, "101:302")  # job-search, first page
    trainer = site.browser()
    trainer_page = launch(trainer, TRAINER).page
    assert "Ryhmän yleiskuva" in trainer_page.text  # the navigation's link
    landing = trainer.url(trainer_page.url.split(trainer.base_url, 1)[1])
    table = trainer.get(landing + "group")
    assert table.status_code == 200
    html = table.text
    assert html.count('<tr class="kp-learner') == 2  # two learners; the trainer is not listed
    row = lambda name: html.split(name, 1)[1].split("</tr>", 1)[0]  # noqa: E731
    assert 'data-status="completed" data-pages="5/5"' in row("Demo Osallistuja")
    assert 'data-status="in_progress" data-pages="1/' in row("Demo Participant")


def test_learners_cannot_see_the_group(site):
    browser = site.browser()
    page = launch(browser, PARTICIPANT).page
    answer = browser.get(page.url + "group")
    assert answer.status_code == 403
    assert "<code>trainers_only</code>" in answer.text


def test_a_trainer_overrides_the_audience_for_a_course(site):
    trainer = site.browser()
    page = launch(trainer, TRAINER).page
    table = trainer.get(page.url + "group")
    form = next(f for f in forms_in(table.text) if "audience" in f.fields)
    saved = trainer.post(
        trainer.url(form.action),
        data={**form.fields, "audience": "employer_mentor"},
        allow_redirects=False,
    )
    assert saved.status_code == 303
    launch(site.browser(), PARTICIPANT)
    rows = [r for r in progress_rows(site.app) if r.learner_id != _user_pk(site, TRAINER)]
    assert [r.audience for r in rows] == ["employer_mentor"]
    # the other course keeps its programme's audience
    launch(site.browser(), EMPLOYER_MENTOR, MENTOR_COURSE)
    assert progress_rows(site.app)[-1].audience == "employer_mentor"


def _user_pk(site, sub: str) -> int:
    from sqlalchemy import select

    from courses.database import db
    from lti_tool.identity.models import LtiUser

    with site.app.app_context():
        return db.session.execute(select(LtiUser.id).where(LtiUser.sub == sub)).scalar_one()
