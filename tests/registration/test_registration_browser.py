"""The registration in Chromium, as in Moodle's dialog: the tool's pages inside the
platform's iframe, axe WCAG 2.1 AA at 360 px and 1280 px, the close message, and a second
"Add LTI Advantage" answered with the platform's "Update"."""

from __future__ import annotations

from tests.registration.helpers import invite
from tests.test_real_browser import axe_violations, page  # noqa: F401


def test_register_in_the_platforms_dialog_and_activate(page, site):  # noqa: F811
    page.goto(site.url + "/devplatform/tools")
    page.get_by_label("Tool URL").fill(invite(site, "Esimerkkiopisto"))
    page.get_by_role("button", name="Add LTI Advantage").click()
    dialog = page.frame_locator("#registration-dialog")
    dialog.locator("h1", has_text="Rekisteröi Kotopaikka").wait_for()
    frame = page.locator("#registration-dialog").element_handle().content_frame()
    # The confirmation page at top level too, for axe on a phone and a desktop.
    confirm = page.context.new_page()
    confirm.goto(frame.url)
    for width, height in ((1280, 900), (360, 740)):
        confirm.set_viewport_size({"width": width, "height": height})
        assert axe_violations(confirm) == [], width
        assert confirm.evaluate("document.documentElement.scrollWidth") <= width
    confirm.close()

    dialog.get_by_role("button", name="Rekisteröi").click()
    dialog.locator("h1", has_text="Kotopaikka on rekisteröity").wait_for()
    assert "Activate" in dialog.locator("main").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert axe_violations(frame) == []
    # The close button posts {subject: "org.imsglobal.lti.close"}; the platform closes the
    # dialog and shows the new tool, pending.
    with page.expect_navigation():
        dialog.get_by_role("button", name="Sulje ja palaa alustalle").click()
    assert page.locator("#registration-dialog").is_hidden()
    row = page.locator("tbody tr").last
    assert "pending" in row.inner_text()
    row.get_by_role("button", name="Activate").click()
    page.locator("tbody tr").last.filter(has_text="configured").wait_for()

    # "Add LTI Advantage" again: the platform asks in its dialog; "Update" updates the
    # tool, which stays active, and the tool's page says so in Finnish.
    page.get_by_label("Tool URL").fill(invite(site, "Esimerkkiopisto, päivitys"))
    page.get_by_role("button", name="Add LTI Advantage").click()
    dialog.get_by_role("button", name="Register as a new external tool").wait_for()
    choice = page.locator("#registration-dialog").element_handle().content_frame()
    assert axe_violations(choice) == []
    dialog.get_by_role("button", name="Update").click()
    dialog.get_by_role("button", name="Rekisteröi").click()
    dialog.locator("h1", has_text="Kotopaikan rekisteröinti on päivitetty").wait_for()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Sulje ja palaa alustalle").click()
    assert page.locator("tbody tr").count() == 1
    assert "configured" in page.locator("tbody tr").last.inner_text()
