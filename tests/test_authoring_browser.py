"""A trainer authors in Chromium, inside the development platform's iframe: adapts a
shipped module, edits a Finnish page and its English translation (behind the source,
then up to date), publishes; a learner then reads the new text. Two browsers saving the
same page. The authoring pages pass axe at 1280 and 360 px and do not scroll sideways."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.chromium import (
    answer_every_question,
    navigate,
    require_chromium,
    send_attempt,
)

require_chromium()

# Where the screenshots go: /tmp, or docs/guide to refresh the trainer's guide's pictures.
SCREENSHOTS = Path(os.environ.get("KOTOPAIKKA_SCREENSHOTS", "/tmp"))
TRAINER = "Demo Kouluttaja – Trainer (teacher)"
PARTICIPANT = "Demo Osallistuja – Participant (job seeker), Finnish"


def _launch(chromium, site, user: str, activity: str):
    context = chromium.new_context(locale="fi-FI")
    page = context.new_page()
    page.goto(site.url + "/devplatform/")
    page.get_by_label("User").select_option(label=user)
    page.get_by_label("Course and activity").select_option(label=activity)
    page.get_by_role("button", name="Launch").click()
    frame = page.frame_locator("#tool-frame")
    frame.locator("h1").wait_for(timeout=10_000)
    return context, page, frame


def _axe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    results = Axe().run(page, options=options)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]]


def _at_both_widths(page, name: str) -> None:
    """0 axe violations at 1280 px and at 360 px, and nothing wider than a phone."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        assert _axe(page) == [], (name, width)
        if width == 360:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= 360, f"{name} scrolls sideways on a phone: {scroll} px"
        else:  # the trainer's guide (docs/trainers-guide.md) shows these
            page.screenshot(path=str(SCREENSHOTS / f"authoring-{name}.png"))
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_trainer_adapts_translates_and_publishes_and_a_learner_reads_it(chromium, quizzes):
    site = quizzes
    context, _, frame = _launch(chromium, site, TRAINER, "Suomalainen työelämä")
    module_url = _adapt(frame)

    frame.get_by_role("link", name=re.compile(r"^Suomenkielinen lähdeteksti\s*: Työsopimus, suomi$")).click()
    frame.locator("form[data-draft-autosave]").wait_for()
    frame.get_by_label("Sivun otsikko", exact=True).fill("Työsopimus ja sinä")
    body = frame.get_by_label("Teksti (Markdown)", exact=True)
    body.fill(body.input_value() + "\n\nKysy aina kirjallinen työsopimus.")
    frame.get_by_role("button", name="Tallenna", exact=True).click()
    frame.locator("text=Tallennettu. Oppijat näkevät sen, kun moduuli julkaistaan.").wait_for()

    frame.get_by_role("link", name="English").click()
    frame.locator("body:has(a[aria-current=page][lang=en]) .kp-diff").wait_for()  # behind the source, with what changed
    assert "+Kysy aina kirjallinen työsopimus." in frame.locator(".kp-diff").inner_text()
    english = frame.get_by_label("Teksti (Markdown)", exact=True)
    english.fill(english.input_value() + "\n\nAlways ask for a written employment contract.")
    status = frame.locator("#draft-status")
    status.filter(has_text="Tallennettu.").wait_for(timeout=10_000)  # saved as it was typed
    navigate(frame, "() => window.location.reload()", "form[data-draft-autosave]")
    assert frame.locator(".kp-diff").count() == 0  # up to date now

    tool = context.new_page()  # the pages at top level, for axe and the phone width
    tool.goto(module_url)
    _at_both_widths(tool, "module")
    tool.goto(site.url + tool.evaluate("location.pathname").split("/library")[0] + "/library")
    _at_both_widths(tool, "library")
    editor = frame.locator("body").evaluate("b => b.ownerDocument.location.href")
    tool.goto(editor)
    _at_both_widths(tool, "page-text")
    tool.goto(module_url + "quiz/")  # the quiz editor's pages too
    _at_both_widths(tool, "quiz")
    tool.locator("a[href*='/quiz/'][href$='/fi']").first.click()
    tool.locator("form").first.wait_for()
    _at_both_widths(tool, "quiz-question")
    tool.goto(module_url + "quiz/new/single")
    _at_both_widths(tool, "quiz-new-question")
    tool.goto(module_url + "quiz/preview/fi")
    _at_both_widths(tool, "quiz-preview")

    frame.locator("body").evaluate(f"() => {{ window.location.href = {module_url!r}; }}")
    frame.get_by_label("Mikä muuttui (lyhyt huomautus historiaan)").fill("Oma aloitus ryhmälle")
    frame.get_by_role("button", name="Julkaise uusi versio").click()
    frame.locator("text=Versio 1 on julkaistu.").wait_for()
    context.close()
    _bind_the_unbound_activity(chromium, site)
    context, _, frame = _launch(chromium, site, PARTICIPANT, "Kotopaikka (not set up yet)")
    assert frame.locator("#page-title").inner_text() == "Työsopimus ja sinä"
    assert "Kysy aina kirjallinen työsopimus." in frame.locator(".kp-body").inner_text()
    context.close()


def _adapt(frame) -> str:
    """From the library, adapt Suomalainen työelämä; the copy's page's address."""
    frame.get_by_role("link", name="Moduulikirjasto").click()
    frame.get_by_role("button", name="Tee oma versio: Suomalainen työelämä").click()
    frame.get_by_role("heading", name="Suomalainen työelämä", level=1).wait_for()
    return frame.locator("body").evaluate("b => b.ownerDocument.location.href")


def _bind_the_unbound_activity(chromium, site) -> None:
    """The trainer binds the activity that has no module yet to the site's module."""
    from sqlalchemy import select

    from authoring.models import LibraryModule
    from courses.database import db

    with site.app.app_context():
        module_slug = db.session.execute(select(LibraryModule.slug)).scalar_one()
    context, _, frame = _launch(chromium, site, TRAINER, "Kotopaikka (not set up yet)")
    frame.locator(f"input[value='{module_slug}']").check()
    frame.locator("form[action$='/bind'] button[type=submit]").click()
    frame.get_by_role("heading", name="Suomalainen työelämä", level=1).wait_for()
    context.close()


def _open_finnish_editor(frame) -> None:
    frame.get_by_role("link", name=re.compile(r"^Suomenkielinen lähdeteksti\s*: Työsopimus, suomi$")).click()
    frame.locator("form[data-draft-autosave]").wait_for()


def test_two_trainers_saving_the_same_page_lose_nothing(chromium, quizzes):
    """Two browsers, each with its own launch, open the same page of the site's module."""
    site = quizzes
    first, _, one = _launch(chromium, site, TRAINER, "Suomalainen työelämä")
    _adapt(one)
    _open_finnish_editor(one)
    second, second_page, other = _launch(chromium, site, TRAINER, "Työnhaku")
    other.get_by_role("link", name="Moduulikirjasto").click()
    other.locator("ul.kp-library a", has_text="Suomalainen työelämä").first.click()
    other.get_by_role("heading", name="Suomalainen työelämä", level=1).wait_for()
    _open_finnish_editor(other)
    one.get_by_label("Teksti (Markdown)", exact=True).fill("Ensimmäisen kouluttajan teksti.")
    one.get_by_role("button", name="Tallenna", exact=True).click()
    one.locator("text=Tallennettu.").first.wait_for()
    other.get_by_label("Teksti (Markdown)", exact=True).fill("Toisen kouluttajan teksti.")
    other.get_by_role("button", name="Tallenna", exact=True).click()
    other.locator("#conflict-title").wait_for()
    assert "Ensimmäisen kouluttajan teksti." in other.locator(".kp-theirs").inner_text()
    assert other.get_by_label("Teksti (Markdown)", exact=True).input_value() == "Toisen kouluttajan teksti."
    other.locator("#conflict-title").scroll_into_view_if_needed()
    second_page.screenshot(path=str(SCREENSHOTS / "authoring-conflict.png"))  # the guide's picture
    first.close()
    second.close()


def test_a_pasted_gift_question_reaches_the_learner_and_versions_are_compared_and_restored(chromium, quizzes):
    site = quizzes
    context, _, frame = _launch(chromium, site, TRAINER, "Suomalainen työelämä")
    module_url = _adapt(frame)

    # A question pasted as GIFT: previewed first, then saved into the draft.
    navigate(frame, f"() => {{ window.location.href = {module_url + 'quiz/'!r}; }}", "#import-text")
    frame.locator("#import-text").fill("::Oma kysymys::Kuka allekirjoittaa työsopimuksen? {=Työntekijä ja työnantaja ~Vain työntekijä}")
    frame.get_by_role("button", name="Näytä, mitä tuotaisiin").click()
    frame.get_by_role("button", name="Tallenna nämä kysymykset luonnokseen").click()
    frame.locator("text=1 kysymys tallennettiin luonnokseen.").wait_for()  # the quiz page again
    assert frame.locator("text=Kuka allekirjoittaa työsopimuksen?").count() >= 1

    navigate(frame, f"() => {{ window.location.href = {module_url!r}; }}", "#note")
    frame.locator("#note").fill("Oma kysymys")
    frame.get_by_role("button", name="Julkaise uusi versio").click()
    frame.locator("text=Versio 1 on julkaistu.").wait_for()

    # A second version with another first page title, compared with the first, then the
    # first restored as the draft.
    frame.get_by_role("link", name=re.compile(r"^Suomenkielinen lähdeteksti\s*: Työsopimus, suomi$")).click()
    frame.locator("form[data-draft-autosave]").wait_for()
    frame.get_by_label("Sivun otsikko", exact=True).fill("Työsopimus, versio 2")
    frame.get_by_role("button", name="Tallenna", exact=True).click()
    frame.locator("text=Tallennettu. Oppijat näkevät sen, kun moduuli julkaistaan.").wait_for()
    navigate(frame, f"() => {{ window.location.href = {module_url!r}; }}", "#note")
    frame.locator("#note").fill("Uusi otsikko")
    frame.get_by_role("button", name="Julkaise uusi versio").click()
    frame.locator("text=Versio 2 on julkaistu.").wait_for()
    frame.get_by_role("button", name="Vertaa").click()
    frame.locator(".kp-diff").first.wait_for()
    assert "+Työsopimus, versio 2" in frame.locator("main").inner_text()
    navigate(frame, f"() => {{ window.location.href = {module_url!r}; }}", "#note")
    frame.get_by_role("button", name="Palauta versio 1 luonnokseksi").click()
    frame.locator("text=Versio 1 on taas luonnos.").wait_for()
    assert frame.get_by_role("rowheader", name="Työsopimus", exact=True).count() == 1

    context.close()
    _bind_the_unbound_activity(chromium, site)

    # The learner takes the published quiz (version 2), with the pasted question in it.
    context, _, frame = _launch(chromium, site, PARTICIPANT, "Kotopaikka (not set up yet)")
    assert frame.locator("#page-title").inner_text() == "Työsopimus, versio 2"
    frame.locator(".kp-quiz-status a").click()
    frame.locator("form[action$='/start'] button").click()
    frame.locator("form[data-autosave]").wait_for()
    assert "Kuka allekirjoittaa työsopimuksen?" in frame.locator("form[data-autosave]").inner_text()
    answer_every_question(frame)
    send_attempt(frame)
    context.close()
