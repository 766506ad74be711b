"""A trainer writes quiz questions in Chromium, inside the development platform's
iframe, and reloads: what was typed is there. A new question's unfinished form comes
back from its address, then becomes a question once complete; an existing question's
translation saves itself. The restored form passes axe at 1280 and 360 px."""

from __future__ import annotations

from tests.chromium import navigate, require_chromium
from tests.test_authoring_browser import (
    TRAINER,
    _adapt,
    _at_both_widths,
    _launch,
     # noqa: F401  (the Chromium fixture, shared)
)

require_chromium()


def _wait_for(frame, key: str) -> None:
    status = frame.locator("#draft-status")
    status.filter(has_text=status.get_attribute(f"data-{key}")).wait_for(timeout=10_000)


def _reload(frame) -> None:
    navigate(frame, "() => window.location.reload()", "form[data-draft-autosave]")


def test_typed_questions_are_there_after_a_reload(chromium, quizzes):  # noqa: F811
    site = quizzes
    context, _, frame = _launch(chromium, site, TRAINER, "Suomalainen työelämä")
    module_url = _adapt(frame)

    # A new question, not complete yet: kept as the trainer left it.
    navigate(
        frame,
        f"() => {{ window.location.href = {module_url + 'quiz/new/single'!r}; }}",
        "form[data-draft-autosave]",
    )
    frame.locator("#text").fill("Kuka maksaa perehdytyksen?")
    _wait_for(frame, "kept")
    _reload(frame)
    assert frame.locator("#text").input_value() == "Kuka maksaa perehdytyksen?"
    assert frame.locator("#restored-title").count() == 1
    tool = context.new_page()  # the restored form at top level, for axe and the phone width
    tool.goto(frame.locator("body").evaluate("b => b.ownerDocument.location.href"))
    _at_both_widths(tool, "quiz-restored")
    tool.close()

    # Complete: it becomes a question of the draft, and the address is its editor's.
    frame.locator("#choices-0-text").fill("Työnantaja")
    frame.locator("#choices-0-grade").fill("100")
    frame.locator("#choices-1-text").fill("Työntekijä")
    frame.locator("#choices-1-grade").fill("0")
    _wait_for(frame, "saved")
    assert frame.locator("body").evaluate("b => b.ownerDocument.location.pathname").endswith("/fi")
    _reload(frame)
    assert frame.locator("#text").input_value() == "Kuka maksaa perehdytyksen?"
    assert frame.locator("#choices-1-text").input_value() == "Työntekijä"
    assert frame.locator("#restored-title").count() == 0  # saved, nothing left unfinished

    # Its English translation, typed and saved as it is typed.
    english = (
        frame.locator("body").evaluate("b => b.ownerDocument.location.href").removesuffix("/fi")
        + "/en"
    )
    navigate(frame, f"() => {{ window.location.href = {english!r}; }}", "form[data-draft-autosave]")
    frame.locator("#text").fill("Who pays for the induction?")
    _wait_for(frame, "saved")
    _reload(frame)
    assert frame.locator("#text").input_value() == "Who pays for the induction?"
    context.close()
