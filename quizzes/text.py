"""Question and feedback texts as safe HTML, whatever format the question was written in.

GIFT texts come as Moodle's own "auto-format" (HTML allowed, a line break is a break),
``[html]``, ``[markdown]`` or ``[plain]``. All of them pass through the same allowlist as
the pages: a quiz imported from anywhere cannot put a script on a learner's screen.
"""

from __future__ import annotations

import functools
import html

import nh3

from courses.packages.render import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

# The pages' allowlist (no images: the CSP allows none from elsewhere), with sub and sup.
_TAGS = ALLOWED_TAGS | {"sub", "sup", "span"}
_ATTRIBUTES = ALLOWED_ATTRIBUTES


def _clean(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@functools.lru_cache(maxsize=8192)
def to_html(text: str, text_format: str = "moodle") -> str:
    """``text`` as sanitised HTML (cached: question texts are immutable versions)."""
    if not text:
        return ""
    if text_format == "markdown":
        return render_markdown(text)
    if text_format == "plain":
        return html.escape(text).replace("\n", "<br>")
    if text_format == "moodle":
        text = text.replace("\r\n", "\n").replace("\n", "<br>")
    return _clean(text)


def to_inline_html(text: str, text_format: str = "moodle") -> str:
    """For a label (a choice, a matching item): one paragraph's HTML without the <p>."""
    markup = to_html(text, text_format).strip()
    if markup.startswith("<p>") and markup.endswith("</p>") and markup.count("<p>") == 1:
        markup = markup[3:-4]
    return markup
