"""A trainer's item analysis through real launches: only their course's attempts count."""

from __future__ import annotations

import re

import pytest

from tests.lti import (
    PARTICIPANT,
    PARTICIPANT_RU,
    TRAINER,
    WORKING_LIFE,
    WORKING_LIFE_AUTUMN,
    launch,
)
from tests.quizzes.pages import answers, attempt_id, open_quiz, send, start

ROW = re.compile(r'<tr>\s*<th scope="row">(.*?)</th>(.*?)</tr>', re.DOTALL)


def _take(site, user, activity, right):
    browser = site.browser()
    page = start(browser, open_quiz(browser, launch(browser, user, activity).page))
    sent = send(browser, page, answers(site.app, attempt_id(page), right=right), "submit")
    assert sent.status_code == 303


def _items(site, activity, user=TRAINER):
    browser = site.browser()
    home = open_quiz(browser, launch(browser, user, activity).page)
    return home, browser.get(home.url + "items")


def _cells(page):
    rows = ROW.findall(page.text)
    assert rows, "no question rows"
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.DOTALL)
        ]
        for _, body in rows
    ]


@pytest.mark.parametrize(
    ("activity", "right_share", "answered"),
    [(WORKING_LIFE, "100,0 %", "2/2"), (WORKING_LIFE_AUTUMN, "0,0 %", None)],
)
def test_each_course_sees_only_its_own_attempts(quizzes, activity, right_share, answered):
    site = quizzes
    # Course 101: two learners answer everything right; course 103 (the same module): one
    # learner answers everything wrong.
    _take(site, PARTICIPANT, WORKING_LIFE, right=True)
    _take(site, PARTICIPANT_RU, WORKING_LIFE, right=True)
    _take(site, PARTICIPANT, WORKING_LIFE_AUTUMN, right=False)
    home, page = _items(site, activity)
    assert re.search(r'href="/l/[^"]+/quiz/finnish-working-life/items"', home.text)
    assert page.status_code == 200
    assert "<caption" in page.text and 'scope="col"' in page.text
    scored = [c for c in _cells(page) if len(c) == 5]
    assert scored and all(c[1] == right_share for c in scored), scored
    # "2 / 2" in the trainer's Finnish: answered of those shown.
    counts = [re.sub(r"\D+", "/", c[0]) for c in scored]
    if activity == WORKING_LIFE:
        assert all(n == answered for n in counts), scored
    else:
        # Everyone wrong: each wrong answer listed (a matching left empty is unanswered);
        # with one attempt nothing varies, so no discrimination.
        assert counts.count("0/1") == 1 and counts.count("1/1") == len(scored) - 1, scored
        assert all(c[4].endswith("(1 kerran)") for c in scored if c[0] == "1 / 1"), scored
        assert all(c[3] == "–" for c in scored)
    assert "Ei pisteytetä" in page.text  # the reflection: answered counts only


def test_a_course_without_attempts_says_so_and_learners_are_refused(quizzes):
    site = quizzes
    _take(site, PARTICIPANT, WORKING_LIFE_AUTUMN, right=True)
    _, page = _items(site, WORKING_LIFE)
    assert page.status_code == 200 and "<table" not in page.text
    _, refused = _items(site, WORKING_LIFE, user=PARTICIPANT)
    assert refused.status_code == 403
