"""The certificate as a PDF, drawn from the record alone (never from today's content).

fpdf2 embeds the shipped DejaVu Sans (subset to the glyphs used), so names and titles in
Cyrillic or any Latin script come out as real, selectable, searchable text. The document
carries its title (shown in the viewer's title bar), language, author and subject, and an
outline with one entry per language; the text is one column, read top to bottom, in the
learner's language first and then in Finnish. (fpdf2 tags only images and outline
headings in a structure tree, so the page's text itself is not tagged.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.prefs import ViewerPreferences

from certificates import codes
from certificates.models import Certificate

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"


@dataclass(frozen=True)
class Wording:
    """The certificate's words in one interface language, already translated and with
    its date formatted (the web part does that with the interface's catalogues)."""

    locale: str  # the interface language, also the key of the record's titles
    heading: str  # "Certificate"
    completed: str  # "has completed the programme" (or "the module")
    modules: str  # "Modules"
    date: str  # "Completed on 4 December 2026"
    organisation: str  # "Issued by Example Municipality"
    code: str  # "Verification code: ABCD-…"
    verify: str  # "Check this certificate at https://…/verify"


def _title(texts: dict[str, str], locale: str) -> str:
    return texts.get(locale) or texts.get("fi") or next(iter(texts.values()), "")


def render(
    certificate: Certificate, wordings: list[Wording], created: datetime | None = None
) -> bytes:
    """The PDF of one certificate, in each wording's language in turn."""
    pdf = FPDF(format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    first = wordings[0]
    programme = _title(certificate.programme_title, first.locale)
    pdf.set_title(f"{first.heading}: {programme}")
    pdf.set_lang(first.locale)
    pdf.set_author(certificate.organisation)
    pdf.set_subject(f"{first.heading}: {certificate.learner_name}, {programme}")
    pdf.set_creator("Kotopaikka")
    pdf.set_creation_date(created or certificate.issued_at)
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for index, wording in enumerate(wordings):
        if index:
            pdf.ln(6)
            pdf.set_draw_color(150, 150, 150)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(8)
        _section(pdf, certificate, wording)
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 10)
    for wording in wordings:
        _line(pdf, wording.verify, 5)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, height: float) -> None:
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _section(pdf: FPDF, certificate: Certificate, wording: Wording) -> None:
    pdf.start_section(wording.heading)  # an outline entry per language
    pdf.set_font(FAMILY, "B", 22)
    _line(pdf, wording.heading, 11)
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 16)
    _line(pdf, certificate.learner_name, 8)
    pdf.set_font(FAMILY, "", 12)
    _line(pdf, wording.completed, 7)
    pdf.set_font(FAMILY, "B", 14)
    _line(pdf, _title(certificate.programme_title, wording.locale), 7)
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 11)
    _line(pdf, wording.modules, 6)
    for number, module in enumerate(certificate.modules, start=1):
        _line(pdf, f"{number}. {_title(module, wording.locale)}", 6)
    pdf.ln(2)
    _line(pdf, wording.date, 6)
    _line(pdf, wording.organisation, 6)
    pdf.set_font(FAMILY, "B", 11)
    _line(pdf, wording.code, 6)


def code_for_display(certificate: Certificate) -> str:
    return codes.display(certificate.code)
