"""The group overview and the learner view through real launches: what a trainer sees,
bad filters refused with a message, and who may see whom (a matrix: learner, trainer of
another course, a learner of another course or platform, the coordinator)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from courses.database import db
from lti_tool.identity.models import LtiContext, LtiUser, Membership
from lti_tool.registry.services import PlatformSpec, add_platform
from tests.learning.helpers import toc_links
from tests.lti import (
    COORDINATOR,
    EMPLOYER_MENTOR,
    MENTOR_COURSE,
    PARTICIPANT,
    PARTICIPANT_RU,
    TRAINER,
    WORKING_LIFE,
    launch,
)
from tests.quizzes.pages import answers, attempt_id, open_quiz, send, start
from tests.quizzes.test_quiz_pages import _slot_of

ROW = re.compile(r'<tr class="kp-learner[^"]*" data-learner="(\d+)">(.*?)</tr>', re.DOTALL)
CELL = re.compile(r'<td class="kp-cell" ([^>]*)>')
REFLECTION = "Kysyn esihenkilöltä <b>työvuoroista</b>."


def _user_pk(site, sub: str) -> int:
    with site.app.app_context():
        return db.session.execute(select(LtiUser.id).where(LtiUser.sub == sub)).scalar_one()


def _group(site, user: str = TRAINER, activity: str = WORKING_LIFE):
    browser = site.browser()
    page = launch(browser, user, activity).page
    base = re.search(r"(/l/[^/]+/)", page.url).group(1)
    return browser, site.url + base + "group"


def _rows(html: str) -> dict[int, list[str]]:
    return {int(i): CELL.findall(body) for i, body in ROW.findall(html)}


def _fail_with_a_reflection(site) -> None:
    browser = site.browser()
    first = launch(browser, PARTICIPANT).page
    for link in toc_links(first)[1:]:
        browser.get(browser.url(link))
    page = start(browser, open_quiz(browser, first))
    attempt = attempt_id(page)
    fields = answers(site.app, attempt, right=False)
    fields[f"q{_slot_of(site.app, attempt, 'essay')}"] = REFLECTION
    assert send(browser, page, fields, "submit").status_code == 303


def test_the_overview_shows_status_pages_and_quiz_result_per_learner(quizzes):
    site = quizzes
    _fail_with_a_reflection(site)
    launch(site.browser(), PARTICIPANT_RU, "101:302")  # job-search, the first page
    browser, group = _group(site)
    page = browser.get(group)
    assert page.status_code == 200
    assert "<h1>Ryhmän yleiskuva</h1>" in page.text
    rows = _rows(page.text)
    assert set(rows) == {_user_pk(site, PARTICIPANT), _user_pk(site, PARTICIPANT_RU)}
    fwl, js = rows[_user_pk(site, PARTICIPANT)]
    assert 'data-status="in_progress"' in fwl and 'data-pages="5/5"' in fwl  # quiz not passed
    assert 'data-attempts="1"' in fwl and "data-grade=" in fwl
    assert 'data-status="not_started"' in js
    assert 'data-pages="1/' in rows[_user_pk(site, PARTICIPANT_RU)][1]
    failed = browser.get(group, params={"show": "failed"})
    assert set(_rows(failed.text)) == {_user_pk(site, PARTICIPANT)}
    assert set(_rows(browser.get(group, params={"show": "stuck"}).text)) == set()
    assert "(UTC" not in page.text and re.search(r"\d{1,2}\.\d{1,2}\.\d{4}", page.text)


@pytest.mark.parametrize(
    "query",
    [
        {"days": "abc"},
        {"days": "0"},
        {"days": "366"},
        {"show": "everyone-else"},
        {"sort": "shoe_size"},
        {"direction": "sideways"},
        {"page": "0"},
        {"page": "second"},
    ],
)
def test_bad_filters_are_refused_with_a_message(site, query):
    launch(site.browser(), PARTICIPANT)
    browser, group = _group(site)
    answer = browser.get(group, params=query)
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text and 'class="kp-error"' in answer.text
    assert 'aria-invalid="true"' in answer.text or "page" in query
    assert "kp-learner" not in answer.text  # no table from a half-understood request
    assert "Not a valid" not in answer.text  # the tool's own (Finnish) words


def test_the_learner_view_shows_pages_answers_feedback_and_reflections(quizzes):
    site = quizzes
    _fail_with_a_reflection(site)
    browser, group = _group(site)
    overview = browser.get(group, params={"show": "failed", "days": "3"})
    link = re.search(r'href="([^"]*/group/learner/\d+[^"]*)"', overview.text).group(1)
    assert "days=3" in link
    view = browser.get(browser.url(link.replace("&amp;", "&")))
    assert view.status_code == 200
    html = view.text
    assert "Demo Osallistuja" in html
    assert html.count('<li value="') == 5  # five pages read, with the time
    assert "vastauksesi" not in html and "oppijan vastaus" in html  # reviewed as the trainer
    assert 'class="kp-review kp-wrong"' in html  # right and wrong answers, with feedback
    assert "Kysyn esihenkilöltä &lt;b&gt;työvuoroista&lt;/b&gt;." in html  # escaped
    assert re.search(
        r'href="/l/[^"]+/group/learner/\d+/exceptions"', html
    )  # the trainer's next step
    assert re.search(r'href="/l/[^"]+/quiz/finnish-working-life/reflections"', html)
    assert "show=failed" in re.search(r'<a href="([^"]*/group\?[^"]*)"', html).group(1)


def _other_platforms_learner(site) -> int:
    with site.app.app_context():
        client, _ = add_platform(
            PlatformSpec(
                "https://moodle.other.example",
                "other",
                "1",
                "https://moodle.other.example/a",
                "https://moodle.other.example/t",
                "https://moodle.other.example/k",
            )
        )
        context = LtiContext(platform_id=client.platform_id, context_id="101")  # same id
        user = LtiUser(platform_id=client.platform_id, sub=PARTICIPANT, name="Toisen Moodlen")
        db.session.add_all([context, user])
        db.session.flush()
        db.session.add(Membership(user_pk=user.id, context_pk=context.id, is_learner=True))
        db.session.commit()
        return user.id


def test_who_may_see_whom(site):
    launch(site.browser(), PARTICIPANT)
    launch(site.browser(), EMPLOYER_MENTOR, MENTOR_COURSE)
    participant, mentor = _user_pk(site, PARTICIPANT), _user_pk(site, EMPLOYER_MENTOR)
    stranger = _other_platforms_learner(site)
    # The trainer of course 101: their learner yes; another course's, another platform's,
    # the trainer themselves and no one at all: 404, as if they did not exist.
    browser, group = _group(site)
    assert browser.get(f"{group}/learner/{participant}").status_code == 200
    for other in (mentor, stranger, _user_pk(site, TRAINER), 10**9):
        answer = browser.get(f"{group}/learner/{other}")
        assert answer.status_code == 404, other
        assert "<code>no_such_learner</code>" in answer.text
    # The same trainer in course 102 sees 102's mentor, and not 101's participant.
    browser_102, group_102 = _group(site, TRAINER, MENTOR_COURSE)
    assert set(_rows(browser_102.get(group_102).text)) == {mentor}
    assert browser_102.get(f"{group_102}/learner/{participant}").status_code == 404
    # Moodle's site administrator (the coordinator) launching in course 101.
    browser_c, group_c = _group(site, COORDINATOR)
    assert set(_rows(browser_c.get(group_c).text)) == {participant}
    assert browser_c.get(f"{group_c}/learner/{participant}").status_code == 200
    # A learner: neither page.
    learner, learner_group = _group(site, PARTICIPANT)
    for url in (learner_group, f"{learner_group}/learner/{participant}"):
        answer = learner.get(url)
        assert answer.status_code == 403 and "<code>trainers_only</code>" in answer.text
