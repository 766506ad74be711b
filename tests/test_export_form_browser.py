"""The export form in Chromium: axe WCAG 2.1 AA at 1280 px and 360 px (also with its error
messages), and a coordinator who chooses the file, language and times with the keyboard."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.grades.helpers import complete_module
from tests.test_real_browser import axe_violations, launch_in_iframe, page  # noqa: F401

COORDINATOR = "Demo Koordinaattori – Coordinator (site administrator)"


def _reports_page(page):  # noqa: F811
    launch_in_iframe(page, COORDINATOR, "Suomalainen työelämä")
    landing = page.locator("#tool-frame").element_handle().content_frame().url
    base, rest = landing.split("/l/", 1)
    tool = page.context.new_page()  # the same browser (cookies), the page at top level for axe
    tool.goto(f"{base}/l/{rest.split('/', 1)[0]}/reports")
    return tool


def test_the_export_form_passes_axe_and_works_with_the_keyboard(page, quizzes):  # noqa: F811
    complete_module(quizzes)
    tool = _reports_page(page)
    assert tool.locator("html").get_attribute("lang") == "sv"  # the coordinator's Moodle language
    assert axe_violations(tool) == []
    tool.set_viewport_size({"width": 360, "height": 740})
    assert tool.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(tool) == []
    # The keyboard alone: CSV for Excel, English, UTC, then the download button.
    tool.locator("#file_format-1").focus()
    tool.keyboard.press("Space")
    tool.locator("#language").focus()
    tool.keyboard.press("End")  # the last language, then up to English
    tool.keyboard.press("ArrowUp")
    tool.keyboard.press("ArrowUp")
    assert tool.locator("#language").input_value() == "en"
    tool.locator("#time_zone-0").focus()
    tool.keyboard.press("ArrowDown")  # a radio group moves its choice with the arrows
    assert tool.locator("#time_zone-1").is_checked()
    tool.locator("button[type=submit]").focus()
    with tool.expect_download() as download:
        tool.keyboard.press("Enter")
    text = Path(download.value.path()).read_text("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text), delimiter=";")
    assert row["Status"] == "Completed" and row["Completed (UTC)"][:2] == "20"
    # A choice the form does not offer: the form again, its message on the field, still AA.
    tool.goto(
        tool.url.split("?", 1)[0].replace("/reports", "/reports/completions") + "?language=de"
    )
    assert tool.locator("#language-error").is_visible()
    assert tool.locator("#language").get_attribute("aria-invalid") == "true"
    assert axe_violations(tool) == []
    tool.set_viewport_size({"width": 1280, "height": 900})
    assert axe_violations(tool) == []
