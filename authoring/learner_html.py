"""A page's body as learners get it, for publishing and for "Preview as a learner" alike:
the Markdown rendered and sanitised with its images' sizes (authoring.images.render),
then the programme glossary's words marked (courses.packages.terms.mark_terms), as the
shipped pages are marked when their package is loaded. One function, so that the
preview cannot drift from what publishing writes.
"""

from __future__ import annotations

from collections.abc import Callable

from authoring import images
from courses.glossary import entries_from_json
from courses.models import Programme
from courses.packages.terms import mark_terms


def page_renderer(programme: Programme) -> Callable[[str, str], str]:
    """``render(markdown, language)`` for the pages of ``programme`` (its glossary read
    once, for all the pages it renders)."""
    words, languages = entries_from_json(programme.glossary), tuple(programme.languages)

    def render(markdown: str, language: str) -> str:
        return mark_terms(images.render(markdown), words, language, languages)

    return render
