"""What the authoring services refuse: a ``code`` for the page's message and a ``detail``
for the log (a text's name, an id number)."""

from __future__ import annotations


class Refusal(ValueError):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
