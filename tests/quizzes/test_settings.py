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
