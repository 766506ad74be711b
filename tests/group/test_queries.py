"""The group overview's queries on a crafted course: each filter, the stuck rule with a
fixed "now", sorting, the quiz result by the course's grading method, and nothing from
another course."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lti_tool.group.learner import learner_record
from lti_tool.group.queries import Filters, group_overview
from tests.group.crafted import MODULES, NOW, crafted_course, more_learners
from tests.learning.helpers import counted_statements


def _names(app, crafted, now=NOW, **filters) -> list[str]:
    with app.app_context():
        overview = group_overview(crafted.context_id, crafted.context_id, Filters(**filters), now)
        return [row.name.split()[0] for row in overview.rows]


@pytest.fixture
def crafted(quizzes):
    return crafted_course(quizzes.app)


def test_each_filter_lists_its_learners_and_no_one_of_another_course(quizzes, crafted):
    app = quizzes.app
    assert _names(app, crafted) == ["Aino", "Bashir", "Carla", "Dmitri", "Eeva", "Farid"]
    assert _names(app, crafted, show="not_started") == ["Aino"]
    assert _names(app, crafted, show="in_progress") == ["Bashir", "Carla", "Dmitri", "Farid"]
    assert _names(app, crafted, show="stuck") == ["Carla", "Farid"]
    assert _names(app, crafted, show="failed") == ["Dmitri"]  # Farid failed, then passed
    assert _names(app, crafted, show="completed") == ["Eeva"]
    with app.app_context():
        counts = group_overview(crafted.context_id, crafted.context_id, Filters(), NOW).counts
    assert counts == {
        "all": 6,
        "not_started": 1,
        "in_progress": 4,
        "stuck": 2,
        "failed": 1,
        "completed": 1,
    }


def test_stuck_is_no_activity_for_the_chosen_days_before_now(quizzes, crafted):
    app = quizzes.app
    assert _names(app, crafted, show="stuck", stuck_days=1) == ["Bashir", "Carla", "Farid"]
    assert _names(app, crafted, show="stuck", stuck_days=9) == ["Carla"]  # Farid: 8 days
    assert _names(app, crafted, show="stuck", stuck_days=11) == []
    # The same data a week later: Dmitri and Bashir have gone quiet too.
    later = NOW + timedelta(days=7)
    assert _names(app, crafted, later, show="stuck") == ["Bashir", "Carla", "Dmitri", "Farid"]
    # Never stuck: who has not started (Aino) or has completed everything (Eeva).
    assert "Aino" not in _names(app, crafted, later, show="stuck", stuck_days=1)


def test_a_stuck_learner_is_stuck_on_the_modules_in_progress(quizzes, crafted):
    with quizzes.app.app_context():
        overview = group_overview(
            crafted.context_id, crafted.context_id, Filters(show="stuck"), NOW
        )
        carla = overview.rows[0]
        assert [(c.module.slug, c.status, c.stuck) for c in carla.cells] == [
            (MODULES[0], "in_progress", True),
            (MODULES[1], "completed", False),
        ]
        assert carla.last_activity == NOW - timedelta(days=10)


def test_sorting_by_last_activity_and_progress_both_ways(quizzes, crafted):
    app = quizzes.app
    oldest_first = ["Aino", "Eeva", "Carla", "Farid", "Bashir", "Dmitri"]
    assert _names(app, crafted, sort="last_activity") == oldest_first
    assert _names(app, crafted, sort="last_activity", direction="desc") == oldest_first[::-1]
    assert _names(app, crafted, sort="progress") == [
        "Aino",
        "Bashir",
        "Dmitri",
        "Farid",
        "Carla",
        "Eeva",
    ]
    assert _names(app, crafted, sort="name", direction="desc")[0] == "Farid"


def test_the_quiz_result_follows_the_courses_grading_method_and_limit(quizzes, crafted):
    with quizzes.app.app_context():
        rows = group_overview(crafted.context_id, crafted.context_id, Filters(), NOW).rows
        dmitri = next(r for r in rows if r.name.startswith("Dmitri"))
        cell = dmitri.cells[0]  # course A: the last attempt counts, three allowed
        assert (cell.grade, cell.best, cell.attempts_used, cell.attempts_left) == (0.4, 0.5, 2, 1)
        assert cell.failed and not cell.passed
        assert cell.last_activity == NOW - timedelta(days=1)
        farid = next(r for r in rows if r.name.startswith("Farid"))
        assert farid.is_mentor
        js = farid.cells[1]  # the package's settings: the highest counts, no limit
        assert (js.grade, js.attempts_used, js.attempts_left, js.passed) == (0.8, 2, None, True)
        aino = next(r for r in rows if r.name.startswith("Aino"))
        assert [(c.status, c.pages_seen, c.pages_total > 0) for c in aino.cells] == [
            ("not_started", 0, True),
            ("not_started", 0, True),
        ]


def test_the_same_statements_for_more_learners_and_pages_of_fifty(quizzes, crafted):
    app = quizzes.app
    with counted_statements(app) as few, app.app_context():
        group_overview(crafted.context_id, crafted.context_id, Filters(), NOW)
    more_learners(app, crafted.context_id, 60)
    with counted_statements(app) as many, app.app_context():
        first = group_overview(crafted.context_id, crafted.context_id, Filters(), NOW)
    assert len(many) == len(few) <= 6  # no statement per learner
    assert (len(first.rows), first.shown, first.page, first.pages) == (50, 66, 1, 2)
    with app.app_context():
        second = group_overview(crafted.context_id, crafted.context_id, Filters(page=2), NOW)
        past = group_overview(crafted.context_id, crafted.context_id, Filters(page=99), NOW)
    assert len(second.rows) == 16 and {r.id for r in first.rows}.isdisjoint(
        r.id for r in second.rows
    )
    assert past.page == 2 and past.rows == second.rows  # past the end: the last page


def test_a_learner_record_only_for_a_learner_of_the_course(quizzes, crafted):
    with quizzes.app.app_context():
        a = crafted.context_id
        assert learner_record(a, a, crafted.learners["Gabriel"], NOW) is None  # course B only
        assert learner_record(a, a, crafted.learners["Kaisa"], NOW) is None  # the trainer
        assert learner_record(a, a, 10**9, NOW) is None
        record = learner_record(a, a, crafted.learners["Dmitri"], NOW)
        assert record is not None and record.row.name == "Dmitri Hylätty"
        first = record.modules[0]
        assert [(x.number, x.score, x.submitted) for x in first.attempts] == [
            (1, 0.5, True),
            (2, 0.4, True),
        ]
        # Course B's record of the same learner is B's alone.
        b = crafted.other_context_id
        bashir_b = learner_record(b, b, crafted.learners["Bashir"], NOW)
        assert bashir_b is not None and bashir_b.row.cells[0].status == "completed"


def test_times_are_finnish_time_with_daylight_saving(app):
    from datetime import UTC, datetime

    from flask import g

    from lti_tool.group.views import local_time, time_since

    with app.test_request_context():
        g.ui_locale = "fi"
        # Finland moves its clocks forward at 01:00 UTC on the last Sunday of March.
        assert "2.30" in local_time(datetime(2026, 3, 29, 0, 30, tzinfo=UTC))  # UTC+2
        assert "4.30" in local_time(datetime(2026, 3, 29, 1, 30, tzinfo=UTC))  # UTC+3
        assert "29.3.2026" in local_time(datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
        since = time_since(datetime(2026, 3, 27, 9, 0, tzinfo=UTC), NOW)
        assert since == "3 päivää sitten"
    with app.test_request_context():
        g.ui_locale = "sv"
        assert "3 dagar" in time_since(datetime(2026, 3, 27, 9, 0, tzinfo=UTC), NOW)


def test_extra_attempts_and_a_reset_count_as_on_the_quiz_page(quizzes, crafted):
    from quizzes.exceptions import grant_extra_attempts, reset_quiz
    from quizzes.standing import standing

    app, a = quizzes.app, crafted.context_id
    dmitri, quiz = crafted.learners["Dmitri"], crafted.quizzes[MODULES[0]]
    aino = crafted.learners["Aino"]

    def cell(learner):
        rows = group_overview(a, a, Filters(), NOW).rows
        return next(r for r in rows if r.id == learner).cells[0]

    with app.app_context():
        grant_extra_attempts(quiz, dmitri, a, 2, by=None, context_id=a)
        grant_extra_attempts(quiz, aino, a, 1, by=None, context_id=a)  # before any attempt
        assert (cell(dmitri).attempts_used, cell(dmitri).attempts_left) == (2, 3)  # 3 + 2 - 2
        assert cell(aino).attempts_left == 4
        reset_quiz(quiz, dmitri, a, by=None, context_id=a)
        after = cell(dmitri)
        one = standing(quiz, dmitri, "last", a)  # what the learner's own quiz page reads
        assert (after.attempts_used, after.attempts_left, after.grade) == (0, 3, None)
        assert (one.used, one.attempts_left(3), one.grade) == (0, 3, None)
        assert not after.failed  # the failed attempts are before the reset
