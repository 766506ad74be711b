"""Take a quiz through its pages as a person does: forms read from the HTML, answers typed."""

from __future__ import annotations

import re
from typing import Any

import requests
from sqlalchemy import select

from courses.database import db
from quizzes.attempts import questions_of
from quizzes.model import Question
from quizzes.models import Attempt
from tests.browser import Browser, forms_in

QUIZ_LINK = re.compile(r'<a href="([^"]+/quiz/[^"]+/)">')


def form_posting_to(page: requests.Response, suffix: str) -> Any:
    found = [f for f in forms_in(page.text) if f.action.endswith(suffix)]
    assert found, f"no form posting to …{suffix}"
    return found[0]


def open_quiz(browser: Browser, module_page: requests.Response) -> requests.Response:
    match = QUIZ_LINK.search(module_page.text)
    assert match, "the module page links to no quiz"
    home = browser.get(browser.url(match.group(1)))
    assert home.status_code == 200, home.text
    return home


def start(browser: Browser, home: requests.Response) -> requests.Response:
    """Press the start (or try again, or continue) button; the attempt page."""
    form = form_posting_to(home, "/start")
    answer = browser.post(browser.url(form.action), data=form.fields, allow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = browser.get(browser.url(answer.headers["Location"]))
    assert page.status_code == 200, page.text
    return page


def attempt_id(page: requests.Response) -> int:
    return int(re.search(r"/attempt/(\d+)", page.url).group(1))  # type: ignore[union-attr]


def questions(app: Any, attempt: int) -> tuple[list[dict[str, Any]], list[Question]]:
    with app.app_context():
        row = db.session.execute(select(Attempt).where(Attempt.id == attempt)).scalar_one()
        return row.layout, questions_of(row)


def _right(question: Question, order: list[int], name: str) -> dict[str, Any]:
    kind = question.kind
    if kind == "single":
        best = max(range(len(question.choices)), key=lambda i: question.choices[i].fraction)
        return {name: str(order.index(best))}
    if kind == "multiple":
        return {
            name: [str(order.index(i)) for i, c in enumerate(question.choices) if c.fraction > 0]
        }
    if kind == "truefalse":
        return {name: "true" if question.truth else "false"}
    if kind == "short":
        return {name: max(question.choices, key=lambda c: c.fraction).text}
    if kind == "numerical":
        answer = max(question.numeric, key=lambda a: a.fraction)
        value = answer.value if answer.value is not None else answer.low
        return {name: f"{value:g}".replace(".", ",")}
    if kind == "matching":
        rights = [question.pairs[i].right for i in order]
        return {f"{name}-{i}": str(rights.index(p.right)) for i, p in enumerate(question.pairs)}
    if kind == "essay":
        return {name: "I will ask my supervisor about the work shifts in my first week."}
    return {}


def _wrong(question: Question, order: list[int], name: str) -> dict[str, Any]:
    kind = question.kind
    if kind == "single":
        worst = min(range(len(question.choices)), key=lambda i: question.choices[i].fraction)
        return {name: str(order.index(worst))}
    if kind == "multiple":
        return {
            name: [str(order.index(i)) for i, c in enumerate(question.choices) if c.fraction <= 0][
                :1
            ]
        }
    if kind == "truefalse":
        return {name: "false" if question.truth else "true"}
    if kind == "short":
        return {name: "no idea"}
    if kind == "numerical":
        return {name: "-12345"}
    if kind == "matching":
        return {f"{name}-{i}": "" for i in range(len(question.pairs))}
    return {}


def answers(app: Any, attempt: int, right: bool = True) -> dict[str, Any]:
    """Form fields answering every question of the attempt right (or wrong)."""
    layout, qs = questions(app, attempt)
    fields: dict[str, Any] = {}
    for slot, (entry, question) in enumerate(zip(layout, qs, strict=True)):
        pick = _right if right else _wrong
        fields.update(pick(question, entry["order"], f"q{slot}"))
    return fields


def send(
    browser: Browser, page: requests.Response, fields: dict[str, Any], action: str
) -> requests.Response:
    form = forms_in(page.text)[-1]
    data = {"csrf_token": form.fields["csrf_token"], **fields, "action": action}
    return browser.post(page.url, data=data, allow_redirects=False)
