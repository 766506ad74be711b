"""What the authoring services refuse: a ``code`` for the page's message, a ``detail``
for the log (a text's name, an id number), and what was found where (``finding``, an
authoring.markup_check.Finding) when the message names it."""

from __future__ import annotations


class Refusal(ValueError):
    def __init__(self, code: str, detail: str = "", finding: object = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.finding = finding
