"""Markdown to safe HTML, once per page when a package is loaded.

markdown-it-py in CommonMark mode with tables; raw HTML in the source is shown as text,
and nh3 (ammonia) removes anything outside an allowlist, whatever the renderer produced.
A link ``page:<module>/<page>`` stays ``page:...`` in the stored HTML; the page view
points it at the learner's launch (``resolve_page_links``).

Images: only this tool's own (``/media/<key>``, uploaded by a trainer, authoring.images),
with their width and height when the caller knows them. Any other image (another site's,
``data:``, ``javascript:``) is shown as its alternative text: no learner's browser is
sent anywhere by a page, and the CSP (img-src 'self') would refuse it anyway.
"""

from __future__ import annotations

import functools
import html as html_escaping
import re
from collections.abc import Mapping
from typing import Any

import nh3
from markdown_it import MarkdownIt

PAGE_SCHEME = "page:"
MEDIA_PREFIX = "/media/"
MEDIA_PATH = re.compile(r"/media/[A-Za-z0-9_-]{32}")
_DIMENSION = re.compile(r"[1-9][0-9]{0,4}")
ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# No style attributes: the CSP allows no inline styles (table alignment is lost, nothing else).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# Pages also show images (quiz texts, which quizzes.text cleans with the lists above,
# do not: an <img> in an imported GIFT file could point anywhere).
PAGE_TAGS = ALLOWED_TAGS | {"img"}
PAGE_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "width", "height"}}


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    """An image's address only if it is this tool's, its size only as a number."""
    if element == "img":
        if attribute == "src":
            return value if MEDIA_PATH.fullmatch(value) else None
        if attribute in {"width", "height"}:
            return value if _DIMENSION.fullmatch(value) else None
    return value


def _image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if not MEDIA_PATH.fullmatch(src):  # not this tool's image: its alternative text
        return html_escaping.escape(self.renderInlineAsText(token.children or [], options, env))
    size = (env.get("image_sizes") or {}).get(src)
    if size is not None:
        token.attrSet("width", str(size[0]))
        token.attrSet("height", str(size[1]))
    return str(self.image(tokens, idx, options, env))


@functools.cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    default_validate = md.validateLink
    md.validateLink = lambda url: url.startswith(PAGE_SCHEME) or default_validate(url)  # type: ignore[method-assign]
    md.add_render_rule("image", _image)
    return md


def sanitise(html: str, *, top_heading: bool = False) -> str:
    """Anything outside the pages' allowlist removed, whatever produced ``html``."""
    return nh3.clean(
        html,
        tags=PAGE_TAGS | {"h1"} if top_heading else PAGE_TAGS,
        attributes=PAGE_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "page"},
        link_rel="noopener noreferrer",
    )


def render_markdown(
    source: str, *, top_heading: bool = False, image_sizes: Mapping[str, tuple[int, int]] | None = None
) -> str:
    """Sanitised HTML for a page body (headings from h2: the page's title is its h2).

    ``top_heading`` keeps a ``#`` heading as h1, for a document that is a page of its own.
    ``image_sizes`` gives this tool's images (by ``/media/<key>``) their width and height.
    """
    html = _markdown().render(source, {"image_sizes": image_sizes or {}})
    return sanitise(html, top_heading=top_heading)


def resolve_page_links(html: str, module_base: str) -> str:
    """Point ``page:<module>/<page>`` links at ``<module_base><module>/<page>``."""
    return html.replace(f'href="{PAGE_SCHEME}', f'href="{module_base}')
