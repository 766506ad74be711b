"""Certificate requests refused: a short page in the user's language and a 4xx."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lti_tool.learning.errors import refusal_page

MESSAGES = {
    "programme_not_completed": (
        403,
        _l("You have not completed this programme yet"),
        _l(
            "Your certificate can be downloaded when every module of the programme is"
            " completed. The programme page shows what is still to do."
        ),
    ),
    "module_not_completed": (
        403,
        _l("You have not completed this module yet"),
        _l("Your certificate for the module can be downloaded when the module is completed."),
    ),
    "no_module_certificates": (
        404,
        _l("This course gives one certificate for the whole programme"),
        _l("Download it from the programme page when every module is completed."),
    ),
    "learners_only": (
        403,
        _l("Certificates are the learners' own"),
        _l(
            "Each learner downloads their own certificate from the programme page. Trainers"
            " follow completion on the group page."
        ),
    ),
    "name_not_shared": (
        409,
        _l("Moodle does not share your name with the tool"),
        _l(
            "A certificate needs your name. Ask your Moodle administrator to let the tool"
            " receive learners' names."
        ),
    ),
    "no_course": (
        409,
        _l("This launch names no course"),
        _l("Open the activity from a Moodle course to change its settings."),
    ),
}


class CertificateRefused(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def refused_page(exc: CertificateRefused) -> tuple[str, int]:
    return refusal_page(exc.code, exc.detail, MESSAGES, "certificate_refused")
