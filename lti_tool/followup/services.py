"""What the follow-up pages read: the course's learner, their quizzes, the export's rows,
and the replies a learner is shown. Writes are the domain's (quizzes.exceptions,
quizzes.reflections), each in its own transaction."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from courses import catalog
from courses.database import db
from courses.models import Module
from lti_tool.exports.cells import csv_text
from lti_tool.identity.models import LtiUser, Membership
from lti_tool.learning.context import Visit
from lti_tool.learning.errors import Refused
from quizzes.model import Question
from quizzes.models import Attempt, Quiz
from quizzes.reflections import Answer, course_reflections, learner_reflections, mark_seen

HELSINKI = ZoneInfo("Europe/Helsinki")


def person_label(name: str | None, sub: str) -> str:
    return name or _("Learner %(id)s", id=sub[:8])


def names_of(user_ids: set[int]) -> dict[int, str]:
    """Display names of users by id (a learner without a shared name by their id)."""
    if not user_ids:
        return {}
    rows = select(LtiUser.id, LtiUser.name, LtiUser.sub).where(LtiUser.id.in_(user_ids))
    return {pk: person_label(name, sub) for pk, name, sub in db.session.execute(rows)}


def course_learner(visit: Visit, learner_id: int) -> tuple[int, str]:
    """A learner (or mentor) of the visit's course by their identity row id, with their
    name; Refused (404) for anyone else, another course's or another platform's."""
    context = visit.session.context
    if context is None:
        raise Refused("bad_form", "no course")
    row = db.session.execute(
        select(LtiUser.id, LtiUser.name, LtiUser.sub)
        .join(Membership, Membership.user_pk == LtiUser.id)
        .where(
            LtiUser.id == learner_id,
            LtiUser.platform_id == visit.session.platform_id,
            Membership.context_pk == context.id,
            Membership.is_learner | Membership.is_mentor,
        )
    ).first()
    if row is None:
        raise Refused("no_such_learner", str(learner_id))
    return row[0], person_label(row[1], row[2])


@dataclass(frozen=True)
class CourseQuiz:
    quiz: Quiz
    slug: str
    title: tuple[str, str]  # (text, language)


def course_quizzes(visit: Visit, learner_id: int | None = None) -> list[CourseQuiz]:
    """The quizzes of the course's programme, and any other the learner (or anyone in the
    course, without a learner) has attempts at in this course; in module order."""
    attempted = select(Attempt.quiz_id).where(Attempt.course_key == visit.course)
    if learner_id is not None:
        attempted = attempted.where(Attempt.learner_id == learner_id)
    wanted = Quiz.id.in_(attempted)
    if visit.bound is not None:
        wanted = wanted | (
            (Module.programme_id == visit.bound.programme_id) & Module.retired_at.is_(None)
        )
    rows = db.session.execute(
        select(Quiz, Module.slug, Module.title)
        .join(Module, Module.id == Quiz.module_id)
        .where(wanted)
        .order_by(Module.programme_id, Module.position, Module.id)
    ).all()
    language = visit.content_language(visit.bound) if visit.bound else "fi"
    return [CourseQuiz(quiz, slug, catalog.pick(title, language)) for quiz, slug, title in rows]


def question_label(question: Question) -> str:
    return question.title or Markup(question.text).striptags()


def local_time(moment: datetime | None) -> str:
    """A time as Finland reads it (Europe/Helsinki), for a spreadsheet."""
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_rows(visit: Visit) -> Iterator[list[str]]:
    """The course's reflections, every answer (latest and earlier) with its current reply:
    a header in the trainer's interface language, then one row per answer."""
    yield [
        _("Module"),
        _("Question"),
        _("Learner"),
        _("Attempt"),
        _("Sent"),
        _("Before the reset"),
        _("Reflection"),
        _("Reply"),
        _("Replied by"),
        _("Replied at"),
    ]
    for item in course_quizzes(visit):
        entries = course_reflections(item.quiz.id, visit.course)
        answers = [(e.learner_id, a) for e in entries for a in (e.latest, *e.earlier)]
        people = names_of(
            {learner for learner, _a in answers}
            | {a.reply.author_id for _l, a in answers if a.reply and a.reply.author_id}
        )
        for learner, answer in answers:
            reply = answer.reply
            yield [
                csv_text(item.title[0]),
                csv_text(question_label(answer.question)),
                csv_text(people.get(learner, "")),
                str(answer.number),
                local_time(answer.submitted_at),
                _("yes") if answer.before_reset else _("no"),
                csv_text(answer.text),
                csv_text(reply.text) if reply else "",
                csv_text(people.get(reply.author_id, "")) if reply and reply.author_id else "",
                local_time(reply.created_at) if reply else "",
            ]


def export_csv(visit: Visit) -> bytes:
    """The export as one CSV for Excel: UTF-8 with a byte order mark, ``;`` between cells."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(export_rows(visit))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def replies_shown(visit: Visit, quiz_id: int, attempt_id: int | None = None) -> list[Answer]:
    """The learner's reflections that have a reply (of one attempt, or all in the course),
    noted as seen now that the page shows them. Trainers' views are not noted."""
    answers = [
        a
        for a in learner_reflections(quiz_id, visit.learner_id, visit.course)
        if a.reply is not None and (attempt_id is None or a.attempt_id == attempt_id)
    ]
    if not visit.is_trainer:
        mark_seen(answers)
    return answers
