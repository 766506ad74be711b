"""A learner sends a reflection, a trainer opens the follow-up pages: through real launches."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from courses.database import db
from courses.models import Module
from lti_tool.identity.models import LtiContext, LtiUser
from quizzes.models import Quiz
from quizzes.settings import Settings, save_course_settings
from tests.lti import PARTICIPANT, TRAINER, launch
from tests.quizzes.pages import answers, attempt_id, open_quiz, questions, send, start

REFLECTION = "Kysyn esihenkilöltä työvuoroista."


def user_pk(app: Any, sub: str) -> int:
    with app.app_context():
        return db.session.execute(select(LtiUser.id).where(LtiUser.sub == sub)).scalar_one()


def essay_slot(app: Any, attempt: int) -> int:
    _layout, qs = questions(app, attempt)
    return next(slot for slot, q in enumerate(qs) if q.kind == "essay")


def send_reflection(site: Any, user: str = PARTICIPANT, text: str = REFLECTION) -> tuple[Any, int]:
    """The learner takes the quiz once with a reflection: their browser and the attempt."""
    browser = site.browser()
    page = start(browser, open_quiz(browser, launch(browser, user).page))
    attempt = attempt_id(page)
    fields = answers(site.app, attempt)
    fields[f"q{essay_slot(site.app, attempt)}"] = text
    assert send(browser, page, fields, "submit").status_code == 303
    return browser, attempt


def trainer_quiz_home(site: Any, user: str = TRAINER) -> tuple[Any, Any]:
    trainer = site.browser()
    return trainer, open_quiz(trainer, launch(trainer, user).page)


def launch_base(page: Any) -> str:
    return re.search(r"(/l/[^/]+/)", page.url).group(1)  # type: ignore[union-attr]


def limit_attempts(app: Any, allowed: int, context: str = "101") -> None:
    with app.app_context():
        quiz = db.session.execute(
            select(Quiz)
            .join(Module, Module.id == Quiz.module_id)
            .where(Module.slug == "finnish-working-life")
        ).scalar_one()
        context_pk = db.session.execute(
            select(LtiContext.id).where(LtiContext.context_id == context)
        ).scalar_one()
        save_course_settings(quiz, context_pk, Settings(attempts_allowed=allowed), None)
