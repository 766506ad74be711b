"""The trainer's group pages: the overview of a course's learners and one learner's view.

Its routes are on the learning blueprint (the learning pages' navigation links to
``learning.group``), so they are added before that blueprint is registered.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lti_tool.group import views  # noqa: F401  (routes on the learning blueprint)
