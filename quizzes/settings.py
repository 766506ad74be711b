"""A quiz's settings as one course sees them: the trainer's choice, else the package's.

The package (content files) gives each quiz its defaults; a trainer may adapt them for
their own Moodle course without touching any other course that uses the same module.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select

from courses.database import db, utcnow
from quizzes.models import (
    GRADING_METHODS,
    REVIEW_POLICIES,
    SETTING_NAMES,
    CourseQuizSettings,
    Quiz,
)


@dataclass(frozen=True)
class Band:
    """Overall feedback for a score from ``low`` percent up (to the next band)."""

    low: int
    text: str


@dataclass(frozen=True)
class Settings:
    pass_mark: int = 60
    attempts_allowed: int = 0  # 0: unlimited
    grading_method: str = "highest"
    shuffle_questions: bool = False
    shuffle_answers: bool = True
    random_count: int | None = None
    review_policy: str = "after_each"
    bands: tuple[Band, ...] = field(default_factory=tuple)
    from_course: bool = False  # the course's own settings, not the package's

    def __post_init__(self) -> None:
        problems = []
        if not 0 <= self.pass_mark <= 100:
            problems.append("pass_mark must be 0..100")
        if self.attempts_allowed < 0:
            problems.append("attempts_allowed must be 0 (unlimited) or more")
        if self.grading_method not in GRADING_METHODS:
            problems.append(f"grading_method must be one of {GRADING_METHODS}")
        if self.review_policy not in REVIEW_POLICIES:
            problems.append(f"review_policy must be one of {REVIEW_POLICIES}")
        if self.random_count is not None and self.random_count < 1:
            problems.append("random_count must be 1 or more")
        if any(not 0 <= b.low <= 100 for b in self.bands):
            problems.append("a band starts at 0..100 percent")
        if problems:
            raise ValueError("; ".join(problems))

    def band_for(self, percent: float) -> Band | None:
        """The band a score falls in: the highest band starting at or below it."""
        fitting = [b for b in self.bands if percent + 1e-9 >= b.low]
        return max(fitting, key=lambda b: b.low) if fitting else None

    def shows_review(self, passed: bool) -> bool:
        """Whether the learner may see the right answers and feedback of an attempt."""
        if self.review_policy == "after_each":
            return True
        if self.review_policy == "after_passing":
            return passed
        return False


def _of(row: Quiz | CourseQuizSettings) -> dict[str, Any]:
    return {name: getattr(row, name) for name in SETTING_NAMES}


def settings_for(quiz: Quiz, context_id: int | None) -> Settings:
    if context_id is not None:
        own = db.session.execute(
            select(CourseQuizSettings).where(
                CourseQuizSettings.quiz_id == quiz.id, CourseQuizSettings.context_id == context_id
            )
        ).scalar_one_or_none()
        if own is not None:
            bands = tuple(Band(int(b["from"]), str(b["text"])) for b in own.bands or ())
            return Settings(**_of(own), bands=bands, from_course=True)
    return Settings(**_of(quiz))


def settings_of_quizzes(quiz_ids: list[int], context_id: int | None) -> dict[int, Settings]:
    """quiz -> its settings in the course, for many quizzes in one query."""
    if not quiz_ids:
        return {}
    rows = db.session.execute(
        select(Quiz, CourseQuizSettings)
        .outerjoin(
            CourseQuizSettings,
            (CourseQuizSettings.quiz_id == Quiz.id) & (CourseQuizSettings.context_id == context_id),
        )
        .where(Quiz.id.in_(quiz_ids))
    ).all()
    found = {}
    for quiz, own in rows:
        if own is None:
            found[quiz.id] = Settings(**_of(quiz))
        else:
            bands = tuple(Band(int(b["from"]), str(b["text"])) for b in own.bands or ())
            found[quiz.id] = Settings(**_of(own), bands=bands, from_course=True)
    return found


@functools.cache
def _grading_method_statement() -> Any:
    quiz, own = Quiz.__table__, CourseQuizSettings.__table__
    joined = quiz.outerjoin(
        own,
        (own.c.quiz_id == quiz.c.id) & (own.c.context_id == bindparam("context")),
    )
    return (
        select(func.coalesce(own.c.grading_method, quiz.c.grading_method))
        .select_from(joined)
        .where(quiz.c.id == bindparam("quiz"))
    )


def grading_method(quiz_id: int, context_id: int | None) -> str:
    """The grade that counts for a course: its own setting, else the package's (one read)."""
    method = db.session.execute(
        _grading_method_statement(), {"quiz": quiz_id, "context": context_id}
    ).scalar_one()
    return str(method)


def save_course_settings(
    quiz: Quiz, context_id: int, settings: Settings, trainer_id: int | None
) -> None:
    """Keep a course's settings for the quiz (replacing its earlier ones); commits."""
    values = {name: value for name, value in asdict(settings).items() if name in SETTING_NAMES}
    bands = [{"from": b.low, "text": b.text} for b in sorted(settings.bands, key=lambda b: -b.low)]
    own = db.session.execute(
        select(CourseQuizSettings).where(
            CourseQuizSettings.quiz_id == quiz.id, CourseQuizSettings.context_id == context_id
        )
    ).scalar_one_or_none()
    if own is None:
        own = CourseQuizSettings(quiz_id=quiz.id, context_id=context_id)
        db.session.add(own)
    for name, value in values.items():
        setattr(own, name, value)
    own.bands, own.updated_by, own.updated_at = bands, trainer_id, utcnow()
    db.session.commit()


def reset_course_settings(quiz: Quiz, context_id: int) -> None:
    """Go back to the package's settings for this course; commits."""
    own = db.session.execute(
        select(CourseQuizSettings).where(
            CourseQuizSettings.quiz_id == quiz.id, CourseQuizSettings.context_id == context_id
        )
    ).scalar_one_or_none()
    if own is not None:
        db.session.delete(own)
        db.session.commit()
