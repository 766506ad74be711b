"""The score a module's progress is worth in the gradebook: a pure function."""

from __future__ import annotations

import pytest

from lti_tool.grades.delivery import RetryPolicy
from lti_tool.grades.delivery.sending import scores_url
from lti_tool.grades.outbox import module_score, outbox_key


@pytest.mark.parametrize(
    ("quiz_grade", "has_quiz", "expected"),
    [
        (0.875, True, 87.5),
        (0.333333, True, 33.33),  # the grading method's grade, rounded to hundredths
        (None, True, 0.0),  # completed by its pages under a "pages" rule, quiz not taken
        (None, False, 100.0),  # no quiz: completion is final, whatever pages come later
    ],
)
def test_a_completed_module_scores_fully_graded(quiz_grade, has_quiz, expected):
    score = module_score(quiz_grade, has_quiz)
    assert (score.score_given, score.activity_progress, score.grading_progress) == (
        expected,
        "Completed",
        "FullyGraded",
    )


def test_the_key_separates_learners_activities_and_platform_registrations():
    key = outbox_key(1, "301", "job-search", "2001")
    assert key == outbox_key(1, "301", "job-search", "2001")
    others = {
        outbox_key(2, "301", "job-search", "2001"),
        outbox_key(1, "302", "job-search", "2001"),
        outbox_key(1, "301", "finnish-working-life", "2001"),
        outbox_key(1, "301", "job-search", "2002"),
    }
    assert key not in others and len(others) == 4


def test_the_scores_url_keeps_moodles_query_string():
    line_item = "https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem?type_id=1"
    assert scores_url(line_item) == (
        "https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=1"
    )


def test_backoff_doubles_up_to_the_cap():
    policy = RetryPolicy(base_seconds=5, cap_seconds=600, limit=40)
    delays = [policy.delay(n).total_seconds() for n in (1, 2, 3, 10)]
    assert 4 <= delays[0] <= 6 and 8 <= delays[1] <= 12 and 16 <= delays[2] <= 24
    assert 480 <= delays[3] <= 720
