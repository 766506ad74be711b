"""The score a module's progress is worth in the gradebook: a pure function."""

from __future__ import annotations

import pytest

from courses.progress.services import evaluate
from lti_tool.grades.delivery import RetryPolicy
from lti_tool.grades.delivery.sending import scores_url
from lti_tool.grades.outbox import module_score, outbox_key


@pytest.mark.parametrize(
    ("seen", "quiz_passed", "grade", "expected"),
    [
        (1, False, None, (0.0, "Started", "Pending")),
        (3, False, None, (0.0, "InProgress", "Pending")),
        (5, False, 0.4, (40.0, "InProgress", "Pending")),
        (5, True, 0.875, (87.5, "Completed", "FullyGraded")),
        (2, True, 0.9, (90.0, "InProgress", "Pending")),  # passed, pages not all seen
    ],
)
def test_a_module_with_a_quiz_scores_its_quiz_grade(seen, quiz_passed, grade, expected):
    progress = evaluate("pages_and_quiz", seen, 5, quiz_passed)
    score = module_score(progress, grade, has_quiz=True)
    assert (score.score_given, score.activity_progress, score.grading_progress) == expected


def test_a_module_without_a_quiz_scores_its_pages():
    assert module_score(evaluate("pages_seen", 2, 4, None), None, False).score_given == 50.0
    done = module_score(evaluate("pages_seen", 4, 4, None), None, False)
    assert (done.score_given, done.grading_progress) == (100.0, "FullyGraded")


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
