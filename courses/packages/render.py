"""Markdown to safe HTML, once per page when a package is loaded.

markdown-it-py in CommonMark mode with tables; raw HTML in the source is shown as text,
and nh3 (ammonia) removes anything outside an allowlist, whatever the renderer produced.
A link ``page:<module>/<page>`` stays ``page:...`` in the stored HTML; the page view
points it at the learner's launch (``resolve_page_links``).
"""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt

PAGE_SCHEME = "page:"
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


@functools.cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    default_validate = md.validateLink
    md.validateLink = lambda url: url.startswith(PAGE_SCHEME) or default_validate(url)  # type: ignore[method-assign]
    return md


def render_markdown(source: str, *, top_heading: bool = False) -> str:
    """Sanitised HTML for a page body (headings from h2: the page's title is its h2).

    ``top_heading`` keeps a ``#`` heading as h1, for a document that is a page of its own.
    """
    html = _markdown().render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"h1"} if top_heading else ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "page"},
        link_rel="noopener noreferrer",
    )


def resolve_page_links(html: str, module_base: str) -> str:
    """Point ``page:<module>/<page>`` links at ``<module_base><module>/<page>``."""
    return html.replace(f'href="{PAGE_SCHEME}', f'href="{module_base}')
