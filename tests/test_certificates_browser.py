"""The programme page's progress and the certificate's verification page in Chromium:
axe WCAG 2.1 AA at 360 px and 1280 px, no sideways scrolling on a phone, the keyboard."""

from __future__ import annotations

import re
from pathlib import Path

from tests.certificates.helpers import complete_modules, pdf_text
from tests.lti import PARTICIPANT
from tests.test_real_browser import axe_violations, launch_in_iframe, page  # noqa: F401

LEARNER = "Demo Osallistuja – Participant (job seeker), Finnish"
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def _check_both_widths(tool, what: str) -> None:
    for width in (1280, 360):
        tool.set_viewport_size({"width": width, "height": 800})
        assert axe_violations(tool) == [], f"{what} at {width} px"
        scroll = tool.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{what} scrolls sideways at {width} px: {scroll} px"


def test_programme_progress_certificate_and_its_verification(page, site, tmp_path: Path):  # noqa: F811
    launch_in_iframe(page, LEARNER, "Suomalainen työelämä")
    landing = page.locator("#tool-frame").element_handle().content_frame().url
    base, rest = landing.split("/l/", 1)
    programme_url = f"{base}/l/{rest.split('/', 1)[0]}/programme"
    complete_modules(site.app, PARTICIPANT, only=["finnish-working-life"])
    tool = page.context.new_page()  # the same browser (cookies), at top level for axe
    tool.goto(programme_url)
    bar = tool.get_by_role("progressbar", name="Edistymisesi ohjelmassa")
    assert bar.get_attribute("value") == "1"
    total = int(bar.get_attribute("max"))
    assert (
        tool.locator("#programme-progress-text").inner_text() == f"1/{total} moduulista suoritettu"
    )
    _check_both_widths(tool, "the programme page")
    next_step = tool.locator("#next-step")
    assert "Työnhaku" in next_step.inner_text()
    next_step.focus()
    tool.keyboard.press("Enter")
    tool.locator("#page-title").wait_for()
    assert "/m/job-search/" in tool.url

    complete_modules(site.app, PARTICIPANT)
    tool.goto(programme_url)
    assert tool.get_by_role("progressbar").get_attribute("value") == str(total)
    with tool.expect_download() as download:
        tool.locator("#programme-certificate").click()
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    (code,) = set(CODE.findall(pdf_text(saved.read_bytes())))

    tool.goto(base + "/verify")
    _check_both_widths(tool, "the verification form")
    tool.get_by_label("Varmennuskoodi").fill(code.lower().replace("-", " "))
    tool.get_by_label("Varmennuskoodi").press("Enter")
    tool.locator("#verified-title").wait_for()
    assert tool.locator("#verified-title").inner_text() == "Todistus on voimassa"
    assert "Osallistuja" not in tool.locator("main").inner_text()
    _check_both_widths(tool, "a valid certificate's page")
    tool.get_by_label("Todistuksessa oleva nimi").fill("Demo Osallistuja")
    tool.get_by_role("button", name="Tarkista nimi").click()
    tool.get_by_text("Nimi vastaa todistusta.").wait_for()

    tool.goto(base + "/verify/ZZZZ-ZZZZ-ZZZZ-ZZZY")
    assert tool.locator("#not-found-title").inner_text() == "Tällä koodilla ei ole todistusta"
    _check_both_widths(tool, "the not-found page")
