"""The course charts and the summary report in Chromium: axe WCAG 2.1 AA at 360 px and
1280 px, the charts fit a phone without sideways scrolling, the tables are reachable."""

from __future__ import annotations

from tests.summary.data import add_records
from tests.test_real_browser import axe_violations, launch_in_iframe, page  # noqa: F401

TRAINER = "Demo Kouluttaja – Trainer (teacher)"
COORDINATOR = "Demo Koordinaattori – Coordinator (site administrator)"


def _open(page, user: str, path: str):  # noqa: F811
    launch_in_iframe(page, user, "Suomalainen työelämä")
    landing = page.locator("#tool-frame").element_handle().content_frame().url
    root, rest = landing.split("/l/", 1)
    tool = page.context.new_page()  # the same browser (cookies), the page at top level for axe
    tool.goto(f"{root}/l/{rest.split('/', 1)[0]}/{path}")
    return tool


def _check_both_widths(tool, name: str) -> None:
    for width in (1280, 360):
        tool.set_viewport_size({"width": width, "height": 800})
        assert axe_violations(tool) == [], width
        scroll = tool.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} scrolls sideways at {width} px: {scroll} px"
        box = tool.locator("svg.kp-chart-svg").first.bounding_box()
        assert box and box["width"] <= width and box["height"] > 60
    tool.screenshot(path=f"/tmp/{name}-phone.png", full_page=True)


def test_the_course_charts_pass_axe_on_a_phone_and_a_desktop(page, quizzes):  # noqa: F811
    tool = _open(page, TRAINER, "group/charts")
    add_records(quizzes.app)
    tool.reload()
    assert tool.locator("svg[role=img]").count() == 3  # completion, progress, one quiz
    assert tool.get_by_role("img", name="Suoritukset moduuleittain").count() == 1
    assert tool.locator("table th[scope=row]", has_text="Työnhaku").count() == 1
    _check_both_widths(tool, "course-charts")


def test_the_summary_report_passes_axe_on_a_phone_and_a_desktop(page, quizzes):  # noqa: F811
    tool = _open(page, COORDINATOR, "reports/summary")
    add_records(quizzes.app)
    tool.reload()
    assert tool.get_by_role("img").count() >= 1
    # The wide tables scroll in their own boxes, which the keyboard reaches.
    for _ in range(40):
        tool.keyboard.press("Tab")
        if tool.evaluate("document.activeElement.classList.contains('kp-wide-table')"):
            break
    else:
        raise AssertionError("the summary's table boxes cannot be reached with Tab")
    _check_both_widths(tool, "summary")
