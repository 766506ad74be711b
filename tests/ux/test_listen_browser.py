"""Listen to a page sentence by sentence, and print it (issue 18), in Debian's Chromium.

The browser's speech is replaced by a stand-in that "speaks" each sentence at once and
records it: what is tested is the tool's part (which sentences, in which language, in
order, highlighted, pause and stop, the note where no voice exists), not the voices
a machine happens to have."""

from __future__ import annotations

import pytest

from tests.test_real_browser import axe_violations  # noqa: F401  (the fixture)
from tests.ux.test_layout_browser import learner  # noqa: F401  (the fixture)

SPEECH = """
(voices) => {
  window.__spoken = []; window.__marked = [];
  const synth = {
    paused: false,
    getVoices: () => voices.map(lang => ({lang, name: 'stand-in ' + lang, default: true})),
    speak(u) {
      window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.lang});
      setTimeout(() => { u.onstart && u.onstart();
        const h = CSS.highlights.get('kp-reading');
        window.__marked.push(h ? [...h].map(r => r.toString()).join('') : null);
        setTimeout(() => { if (!synth.paused) { u.onend && u.onend(); } else { synth._held = u; } }, 30); }, 10);
    },
    cancel() {}, pause() { synth.paused = true; },
    resume() { synth.paused = false; const u = synth._held; synth._held = null; if (u) { u.onend && u.onend(); } },
    addEventListener() {},
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
}
"""


def _until(page, script: str, seconds: float = 5.0) -> None:
    """Wait until ``script`` (a function) is true in the page (the pages' CSP forbids the
    string evaluation Playwright's wait_for_function uses)."""
    for _ in range(int(seconds / 0.05)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {script}")


@pytest.fixture
def speaking(learner):  # noqa: F811
    learner.context.add_init_script(script=f"({SPEECH})(['fi-FI'])")
    learner.reload()
    learner.locator(".kp-tools [data-listen=play]:not([hidden])").wait_for()
    return learner


def test_the_page_is_read_sentence_by_sentence_with_each_highlighted(speaking):
    tool = speaking
    play = tool.locator("[data-listen=play]")
    assert play.is_enabled() and play.inner_text().strip().endswith("Kuuntele")
    play.focus()
    tool.keyboard.press("Enter")  # by keyboard
    _until(tool, "() => window.__marked.length >= 1")
    first = tool.evaluate("window.__spoken[0]")
    assert first["lang"] == "fi" and first["voice"] == "fi-FI"
    _until(tool, "() => document.querySelector('.kp-listen-status').textContent.length > 0")
    assert "Sivu on luettu" in tool.locator(".kp-listen-status").inner_text()
    spoken = tool.evaluate("window.__spoken.map(s => s.text)")
    body = tool.locator(".kp-body").inner_text()
    assert len(spoken) > 5 and all(s in body for s in spoken)
    assert tool.evaluate("window.__marked") == spoken  # each sentence marked while it is read
    assert not tool.evaluate("CSS.highlights.has('kp-reading')")  # cleared at the end


def test_pause_and_stop(speaking):
    tool = speaking
    play = tool.locator("[data-listen=play]")
    play.click()
    _until(tool, "() => window.__spoken.length >= 1")
    play.click()  # pause
    assert tool.locator(".kp-listen-status").inner_text() == "Tauko."
    assert play.inner_text().strip().endswith("Jatka kuuntelua")
    count = tool.evaluate("window.__spoken.length")
    tool.wait_for_timeout(150)
    assert tool.evaluate("window.__spoken.length") == count  # nothing read while paused
    play.click()  # go on
    _until(tool, f"() => window.__spoken.length > {count}")
    tool.locator("[data-listen=stop]").click()
    assert tool.locator("[data-listen=stop]").is_hidden()
    assert tool.evaluate("document.activeElement.dataset.listen") == "play"


def test_without_a_voice_for_the_language_the_button_says_why(learner):  # noqa: F811
    learner.context.add_init_script(script=f"({SPEECH})(['de-DE'])")
    learner.reload()
    play = learner.locator("[data-listen=play]")
    play.wait_for()
    assert play.is_disabled()
    assert "ei ole ääntä tälle kielelle" in learner.locator(".kp-listen-status").inner_text()
    assert axe_violations(learner) == []


def test_printed_the_page_keeps_only_its_text(learner):  # noqa: F811
    learner.emulate_media(media="print")
    assert learner.locator(".kp-body").is_visible() and learner.locator("h1").is_visible()
    for hidden in (".kp-toc", ".kp-nav", ".kp-bar", ".kp-pager", ".kp-tools"):
        assert learner.locator(hidden).first.is_hidden(), hidden
    pdf = learner.pdf()  # what "save as PDF" gives
    assert pdf[:4] == b"%PDF" and len(pdf) > 5000
