"""Text cells that a spreadsheet does not read as formulas (OWASP, "CSV Injection").

Excel, LibreOffice and Google Sheets take a cell that begins with ``=``, ``+``, ``-`` or
``@`` for a formula, and a tab or a carriage return at the start lets one through. A
learner's name, a course title or an activity title comes from Moodle, so from anyone:
in a CSV such a text cell gets a single quote in front (OWASP's rule), which every
spreadsheet shows as text. Two more ways to reach the start of a cell are closed too:
spaces or a double quote before the formula character, and a separator inside the value
(a semicolon file opened where the comma separates, or the other way round, splits the
value there), so the quote also goes after a ``,``, ``;``, tab or line break that a
formula character follows. Numbers, dates and yes/no are not text and stay as they are.

An XLSX text cell is a string whatever it holds; one that looks like a formula also gets
Excel's own "quote prefix" style, so editing the cell in Excel keeps it text.
"""

from __future__ import annotations

import re

# Where a spreadsheet starts a cell: the value's start, or after a separator of any
# usual dialect; then spaces or double quotes, then the formula sign.
_CELL_START = re.compile(r'(?:^|(?<=[,;\t\r\n]))(?=[ "]*[=+\-@])')
_FORMULA = re.compile(r'[ "]*[=+\-@]|[\t\r]')
_FORMULA_FIRST = frozenset('=+-@\t\r "')
# CSV text with its separators and quotes as line breaks, the formula signs as "=", and
# the spaces gone: a formula sign at a cell's start is then a line break and an "=".
_FOLD = bytes.maketrans(b',;\n\r"=+-@', b"\n\n\n\n\n====")


def csv_text(value: str) -> str:
    """A text cell for a CSV: a single quote before every place a formula could start."""
    value = _CELL_START.sub("'", value)
    return "'" + value if value[:1] in ("\t", "\r") else value


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet would take this text, typed into a cell, for a formula."""
    return value[:1] in _FORMULA_FIRST and _FORMULA.match(value) is not None


def may_hold_formulas(data: bytes, lines: int) -> bool:
    """Whether ``lines`` rows of UTF-8 CSV (each ending in CR LF) may hold a text cell
    that ``csv_text`` would change; never False when one does.

    Names and titles almost never need the quote, and a million rows checked cell by cell
    in Python would cost a tenth of the export: this looks at a chunk of written rows at
    C speed, and the rows are written again, cell by cell, only when it says so. A tab or
    a carriage return inside a value (beyond the rows' own line ends) counts as a maybe.
    """
    if b"\t" in data or data.count(b"\r") != lines:
        return True
    folded = data.translate(_FOLD, b" ")
    return folded[:1] == b"=" or b"\n=" in folded
