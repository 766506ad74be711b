"""The development platform's participants for the interface languages it lacked (issue 18:
"users for every interface language ... so that en and uk learners can be tried without
editing anything"): Demo Learner (2006, en) and Demo Uchasnyk (2007, uk), both learners in
the autumn course 103, launch into an English and a Ukrainian interface."""

from __future__ import annotations

import re

import pytest

from lti_tool.devplatform import directory
from tests.lti import WORKING_LIFE_AUTUMN, launch


@pytest.mark.parametrize(
    ("user", "name", "lang", "words"),
    [
        (
            "2006",
            "Demo Learner",
            "en",
            ("All modules", "Language of the pages", "Language of the menus", "To do"),
        ),
        ("2007", "Demo Uchasnyk", "uk", ("Усі модулі", "Мова сторінок", "Мова меню", "Зробити")),
    ],
)
def test_each_demo_participant_gets_their_interface_language_in_course_103(
    site, user, name, lang, words
):
    person = directory.user(user)
    assert person is not None and person.locale == lang
    assert person.course_roles == {"103": ("Learner",)}  # the spring course's roster stays
    page = launch(site.browser(), user, WORKING_LIFE_AUTUMN).page
    assert page is not None and page.status_code == 200
    assert re.search(r'<html lang="([^"]+)"', page.text).group(1) == lang
    assert re.search(r'<div class="kp-body" lang="([^"]+)"', page.text).group(1) == lang
    assert f'<span id="user-name">{name}</span>' in page.text
    assert '<span id="course">Avaimet työelämään, syksy 2026</span>' in page.text
    for text in words:
        assert text in page.text, text
