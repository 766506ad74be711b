"""The message for a text refused for raw HTML that could run a script
(authoring.markup_check.Finding): what was found, on which line, and in which of a
question's texts, in the trainer's language."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from authoring.markup_check import Finding

FOUND = {
    "element": _l("Line %(line)s has a <%(name)s> tag. Pages and questions cannot have one: it could run a script or change the page for learners. Remove it and save again."),
    "attribute": _l("Line %(line)s has the attribute %(name)s=, which would run a script for learners. Remove it and save again."),
    "address": _l("Line %(line)s has an address that starts with %(name)s, which would run a script for learners. Use a web address (https://…) and save again."),
}
MARKDOWN_HINT = _l("To show code as text, put it between backticks: `<script>`.")
FIELDS = {
    "text": _l("Question text"),
    "text_after": _l("Text after the blank"),
    "general_feedback": _l("General feedback"),
    "feedback_right": _l("Feedback on a right answer"),
    "feedback_wrong": _l("Feedback on a wrong answer"),
}
_NUMBERED = re.compile(r"(choice|pair|number) (\d+)( feedback)?")


def _field(field: str) -> str:
    numbered = _NUMBERED.fullmatch(field)
    if numbered is None:
        return str(FIELDS.get(field, field))
    if numbered.group(3):
        return _("Feedback on answer %(n)s", n=numbered.group(2))
    if numbered.group(1) == "pair":
        return _("Item %(n)s", n=numbered.group(2))
    return _("Answer %(n)s", n=numbered.group(2))


def unsafe_message(finding: object, *, markdown: bool = True) -> str:
    """What was found where; ``markdown``: how to show such code as text instead."""
    assert isinstance(finding, Finding)
    found = str(FOUND[finding.kind]) % {"line": finding.line, "name": finding.name}
    if finding.field:
        found = _("%(where)s: %(problem)s", where=_field(finding.field), problem=found)
    return f"{found} {MARKDOWN_HINT}" if markdown and finding.kind == "element" else found
