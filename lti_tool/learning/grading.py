"""From a learner's stored record to the score the platform's gradebook is owed.

Called inside the transaction that wrote the record (a page seen for the first time, a
graded attempt), with the record as stored: the score goes to the outbox with it, and
the grade worker delivers it. Trainers' own views are not scored (Moodle would refuse
them anyway).

Moodle stores any score that is not FullyGraded as an empty grade, wiping the one the
learner had (../shared/moodle.md). So a score is owed only once the module is completed
in the course, always FullyGraded, and only when it would change what the gradebook
holds (lti_tool.grades.outbox.enqueue leaves out a repeat).
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _

from courses import catalog
from courses.catalog import ModuleInfo
from courses.progress.services import COMPLETED, Progress
from lti_tool.grades.outbox import enqueue, grade_service, module_score
from lti_tool.learning.context import Visit
from quizzes.standing import Standing, standing
from quizzes.settings import grading_method


def _comment(progress: Progress, quiz_grade: float | None, has_quiz: bool) -> str:
    pages = _(
        "Pages seen: %(seen)d of %(total)d.", seen=progress.pages_seen, total=progress.pages_total
    )
    if not has_quiz:
        quiz = ""
    elif quiz_grade is None:
        quiz = _("Quiz not taken yet.")
    else:
        quiz = _("Quiz: %(percent)d %%.", percent=round(quiz_grade * 100))
    done = _("Module completed.") if progress.status == COMPLETED else ""
    return " ".join(part for part in (pages, quiz, done) if part)


def course_standing(visit: Visit, quiz_id: int) -> Standing:
    """The learner's attempts at a quiz in this course, graded as its settings say."""
    context_id = visit.session.context.id if visit.session.context else None
    return standing(quiz_id, visit.learner_id, grading_method(quiz_id, context_id), visit.course)


def publish_progress(
    visit: Visit,
    module: ModuleInfo,
    progress: Progress,
    quiz_id: int | None,
    record: Standing | None = None,
) -> None:
    """Put the module's score in the outbox when the stored record ``progress`` owes one
    (the caller commits); ``record`` is the learner's quiz standing in the course when the
    caller has already read it."""
    if visit.is_trainer or grade_service(visit.session) is None:
        return
    if progress.status != COMPLETED:
        return  # Moodle would store an empty grade: nothing to tell it yet
    has_quiz = quiz_id is not None
    quiz_grade = None
    if quiz_id is not None:
        quiz_grade = (record or course_standing(visit, quiz_id)).grade
    score = replace(
        module_score(quiz_grade, has_quiz), comment=_comment(progress, quiz_grade, has_quiz)
    )
    title = catalog.pick(module.title, visit.content_language(module))[0]
    enqueue(visit.session, resource_id=module.slug, label=title, score=score)
