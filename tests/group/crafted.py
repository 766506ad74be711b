"""A crafted course for the group overview's queries: one learner per case, written
straight into the database, with a fixed "now"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from courses.database import db
from courses.models import Module
from courses.progress.models import COMPLETED, IN_PROGRESS, ModuleProgress
from lti_tool.identity.models import LtiContext, LtiUser, Membership, ResourceLink
from lti_tool.registry.models import Platform
from quizzes.models import ATTEMPT_SUBMITTED, Attempt, CourseQuizSettings, Quiz

NOW = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
MODULES = ("finnish-working-life", "job-search")  # both with a quiz


@dataclass
class Crafted:
    context_id: int
    other_context_id: int
    learners: dict[str, int]  # name -> lti_user.id
    modules: dict[str, int]  # slug -> module id
    quizzes: dict[str, int]  # slug -> quiz id


def _record(
    learner: int, module: int, course: int, status: str, seen: int, days_ago: float
) -> None:
    db.session.add(
        ModuleProgress(
            learner_id=learner,
            module_id=module,
            course_key=course,
            context_id=course,
            audience="participant",
            status=status,
            pages_seen=seen,
            pages_total=5,
            percent=100 if status == COMPLETED else seen * 20,
            updated_at=NOW - timedelta(days=days_ago),
        )
    )


def _attempt(
    learner: int, quiz: int, course: int, number: int, score: float, days_ago: float
) -> None:
    at = NOW - timedelta(days=days_ago)
    db.session.add(
        Attempt(
            quiz_id=quiz,
            learner_id=learner,
            number=number,
            language="fi",
            course_key=course,
            context_id=course,
            layout=[],
            status=ATTEMPT_SUBMITTED,
            started_at=at - timedelta(minutes=10),
            submitted_at=at,
            score=score,
            passed=score >= 0.6,
        )
    )


def crafted_course(app: Any) -> Crafted:
    """Course A with seven members (a trainer among them) and course B of the same Moodle."""
    with app.app_context():
        platform = db.session.execute(select(Platform.id)).scalars().first()
        a = LtiContext(platform_id=platform, context_id="crafted-a", title="Crafted A")
        b = LtiContext(platform_id=platform, context_id="crafted-b", title="Crafted B")
        db.session.add_all([a, b])
        db.session.flush()
        modules = dict(
            db.session.execute(select(Module.slug, Module.id).where(Module.slug.in_(MODULES))).all()
        )
        quizzes = {
            slug: db.session.execute(select(Quiz.id).where(Quiz.module_id == mid)).scalar_one()
            for slug, mid in modules.items()
        }
        for n, slug in enumerate(MODULES):
            db.session.add(
                ResourceLink(
                    platform_id=platform,
                    resource_link_id=f"crafted-{n}",
                    context_pk=a.id,
                    module_id=modules[slug],
                )
            )
        db.session.add(
            ResourceLink(
                platform_id=platform,
                resource_link_id="crafted-b",
                context_pk=b.id,
                module_id=modules[MODULES[0]],
            )
        )
        # Course A's quiz of the first module: three attempts, the last one counts.
        quiz = db.session.get(Quiz, quizzes[MODULES[0]])
        db.session.add(
            CourseQuizSettings(
                quiz_id=quiz.id,
                context_id=a.id,
                pass_mark=60,
                attempts_allowed=3,
                grading_method="last",
                shuffle_questions=False,
                shuffle_answers=False,
                random_count=None,
                review_policy="after_each",
                bands=[],
            )
        )
        people = {}
        for name, roles in [
            ("Aino Aloittamaton", "learner"),
            ("Bashir Bussilla", "learner"),
            ("Carla Jumissa", "learner"),
            ("Dmitri Hylätty", "learner"),
            ("Eeva Valmis", "learner"),
            ("Farid Mentori", "mentor"),
            ("Kaisa Kouluttaja", "trainer"),
            ("Gabriel Muualla", None),  # only in course B
        ]:
            user = LtiUser(platform_id=platform, sub=name.split()[0].lower(), name=name)
            db.session.add(user)
            db.session.flush()
            people[name.split()[0]] = user.id
            if roles:
                db.session.add(
                    Membership(
                        user_pk=user.id,
                        context_pk=a.id,
                        is_learner=roles == "learner",
                        is_mentor=roles == "mentor",
                        is_trainer=roles == "trainer",
                    )
                )
        for who in ("Bashir", "Gabriel"):
            db.session.add(Membership(user_pk=people[who], context_pk=b.id, is_learner=True))
        fwl, js = modules[MODULES[0]], modules[MODULES[1]]
        q1, q2 = quizzes[MODULES[0]], quizzes[MODULES[1]]
        _record(people["Bashir"], fwl, a.id, IN_PROGRESS, 2, days_ago=2)
        _record(people["Bashir"], fwl, b.id, COMPLETED, 5, days_ago=40)  # course B stays there
        _record(people["Carla"], fwl, a.id, IN_PROGRESS, 3, days_ago=10)
        _record(people["Carla"], js, a.id, COMPLETED, 5, days_ago=12)
        _record(people["Dmitri"], fwl, a.id, IN_PROGRESS, 5, days_ago=3)
        _attempt(people["Dmitri"], q1, a.id, 1, 0.5, days_ago=2)
        _attempt(people["Dmitri"], q1, a.id, 2, 0.4, days_ago=1)  # the last counts: 40 %
        _record(people["Eeva"], fwl, a.id, COMPLETED, 5, days_ago=20)
        _record(people["Eeva"], js, a.id, COMPLETED, 5, days_ago=15)
        _attempt(people["Eeva"], q1, a.id, 1, 0.9, days_ago=20)
        _attempt(people["Eeva"], q2, a.id, 1, 1.0, days_ago=15)
        _record(people["Farid"], js, a.id, IN_PROGRESS, 5, days_ago=30)
        _attempt(people["Farid"], q2, a.id, 1, 0.2, days_ago=30)
        _attempt(people["Farid"], q2, a.id, 2, 0.8, days_ago=8)  # passed: not "failed"
        _record(people["Gabriel"], fwl, b.id, IN_PROGRESS, 1, days_ago=50)
        _attempt(people["Gabriel"], q1, b.id, 1, 0.1, days_ago=50)
        db.session.commit()
        return Crafted(a.id, b.id, people, modules, quizzes)


def more_learners(app: Any, context_id: int, count: int) -> None:
    """``count`` more learners in the course, each with a record and a failed attempt."""
    with app.app_context():
        context = db.session.get(LtiContext, context_id)
        module, quiz = db.session.execute(
            select(Module.id, Quiz.id)
            .join(Quiz, Quiz.module_id == Module.id)
            .where(Module.slug == MODULES[0])
        ).one()
        for n in range(count):
            user = LtiUser(platform_id=context.platform_id, sub=f"more-{n}", name=f"Lisä {n:03d}")
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user_pk=user.id, context_pk=context_id, is_learner=True))
            _record(user.id, module, context_id, IN_PROGRESS, n % 5, days_ago=n % 15)
            _attempt(user.id, quiz, context_id, 1, 0.3, days_ago=n % 15)
        db.session.commit()
