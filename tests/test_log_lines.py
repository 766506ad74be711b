"""Log lines made from request data cannot be forged: a control character from a URL, a
form or a claim is written escaped, on the one line of its record."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from lti_tool.logs import LINE_FORMAT, escape_controls
from tests.learning.test_bad_requests import launch_with_custom

FORGED = "INFO lti_tool.launch.views lti_launch_ok platform=1 user=1 message=forged"
FORGED_IN_URL = FORGED.replace(" ", "%20")


@contextmanager
def log_output() -> Iterator[io.StringIO]:
    """What a real handler with the tool's format writes meanwhile."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LINE_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _lines_with(output: io.StringIO, text: str) -> list[str]:
    return [line for line in output.getvalue().splitlines() if text in line]


def _own_lines(output: io.StringIO) -> list[str]:
    """The tool's lines: its logger's name follows the date, time and level (the
    server's request lines are Werkzeug's, which escapes them itself)."""
    return [
        line for line in output.getvalue().splitlines()
        if len(fields := line.split(" ")) > 3 and fields[3].startswith("lti_tool")
    ]


@pytest.mark.parametrize(
    "encoded,shown",
    [("%0a", "\\n"), ("%0d%0a", "\\r\\n"), ("%1b[2K", "\\x1b[2K"), ("%c2%85", "\\x85"),
     ("%e2%80%a8", "\\u2028"), ("%5cn", "\\\\n")],
    ids=["LF", "CRLF", "ESC", "NEL", "LINE SEPARATOR", "a backslash itself"],
)
def test_a_control_character_in_a_url_stays_on_its_line(site, encoded, shown):
    browser = site.browser()
    with log_output() as output:
        answer = browser.get(browser.url(f"/l/no-such-launch{encoded}{FORGED_IN_URL}/"))
    assert answer.status_code == 404
    (line,) = _lines_with(output, "lti_session_rejected")
    assert f"detail=no-such-launch{shown}{FORGED}" in line
    assert len(_own_lines(output)) == 1, output.getvalue()


def test_a_refused_page_logs_the_slug_on_one_line(site):
    browser, landing = launch_with_custom(site, {"module": "finnish-working-life"})
    with log_output() as output:
        page = browser.get(browser.url(landing + "m/finnish-working-life/x%0a" + FORGED_IN_URL))
    assert page.status_code == 404
    (line,) = _lines_with(output, "learning_refused")
    assert "\\n" + FORGED in line
    assert len(_own_lines(output)) == 1, output.getvalue()


def test_a_login_parameter_with_a_newline_is_logged_on_one_line(site, caplog):
    """The detail of a refused login quotes the target it was given; caplog's records hold
    the escaped message too."""
    from lti_tool.devplatform import CLIENT_ID

    data = {
        "iss": site.url + "/devplatform",
        "login_hint": "2001",
        "client_id": CLIENT_ID,
        "target_link_uri": "https://elsewhere.example/\n" + FORGED,
    }
    with log_output() as output, caplog.at_level(logging.INFO):
        answer = site.browser().post(site.url + "/lti/login", data=data, allow_redirects=False)
    assert answer.status_code == 400 and "<code>target_outside_tool</code>" in answer.text
    (line,) = _lines_with(output, "lti_login_rejected")
    assert "elsewhere.example/\\n" + FORGED in line
    assert len(_own_lines(output)) == 1, output.getvalue()
    assert all("\n" not in r.getMessage() for r in caplog.records if r.name.startswith("lti_tool"))


def test_escape_controls():
    escaped = escape_controls("a\x00b\x7fc\x9fd\u2029e\ud800f\\g")
    assert escaped == "a\\x00b\\x7fc\\x9fd\\u2029e\\ud800f\\\\g"
    assert escape_controls("Hyvää päivää – Привіт 😀") == "Hyvää päivää – Привіт 😀"


def test_other_libraries_lines_are_left_alone(app):
    with log_output() as output:
        logging.getLogger("werkzeug").info("two\nlines")
    assert "two\nlines" in output.getvalue()
