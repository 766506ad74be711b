"""Quiz settings: checked on creation, bands of overall feedback, the review policy."""

from __future__ import annotations

import pytest

from quizzes.settings import Band, Settings


def test_the_band_is_the_highest_one_the_score_reaches():
    settings = Settings(bands=(Band(0, "again"), Band(60, "good"), Band(90, "excellent")))
    assert settings.band_for(0).text == "again"
    assert settings.band_for(59.9).text == "again"
    assert settings.band_for(60).text == "good"
    assert settings.band_for(100).text == "excellent"
    assert Settings(bands=(Band(50, "half"),)).band_for(20) is None


@pytest.mark.parametrize(
    ("policy", "failed", "passed"),
    [("after_each", True, True), ("after_passing", False, True), ("never", False, False)],
)
def test_the_review_policy(policy, failed, passed):
    settings = Settings(review_policy=policy)
    assert settings.shows_review(False) is failed
    assert settings.shows_review(True) is passed


@pytest.mark.parametrize(
    "bad",
    [
        {"pass_mark": 101},
        {"attempts_allowed": -1},
        {"grading_method": "average"},
        {"review_policy": "sometimes"},
        {"random_count": 0},
        {"bands": (Band(120, "x"),)},
    ],
)
def test_impossible_settings_are_refused(bad):
    with pytest.raises(ValueError):
        Settings(**bad)


def test_the_grade_that_counts_is_the_courses_own_else_the_packages(quizzes):
    from sqlalchemy import select

    from courses.database import db
    from lti_tool.identity.models import LtiContext
    from lti_tool.registry.models import Platform
    from quizzes.models import Quiz
    from quizzes.settings import grading_method, save_course_settings

    with quizzes.app.app_context():
        quiz = db.session.execute(select(Quiz)).scalars().first()
        platform_id = db.session.execute(select(Platform.id)).scalars().first()
        course = LtiContext(platform_id=platform_id, context_id="c-1")
        db.session.add(course)
        db.session.commit()
        assert grading_method(quiz.id, course.id) == "highest" == grading_method(quiz.id, None)
        save_course_settings(quiz, course.id, Settings(grading_method="last"), None)
        assert grading_method(quiz.id, course.id) == "last"
        assert grading_method(quiz.id, None) == "highest"
