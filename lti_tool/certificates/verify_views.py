"""The public verification page: anyone with a certificate's code can check that the tool
issued it, and see what its face says that is safe to show without the PDF in hand.

Shown: valid, the programme and its modules, the completion date, the organisation and
the holder's initials only. The full name is not shown: a code may travel
alone (a CV, an e-mail) and the page must not turn it into a person's name; a verifier
who has the PDF can instead check that the name on it is the one certified (they type it
and the page says whether it matches). Nothing else (the Moodle site or course, the
learner's account, e-mail, other certificates) is shown. Codes are 80 random bits, so
they cannot be found by trying; an unknown or mistyped code gets the same 404 page.
"""

from __future__ import annotations

import unicodedata

from babel.dates import format_date
from flask import Response, make_response, redirect, render_template, request, url_for

from certificates import codes, services
from certificates.models import Certificate
from courses import catalog
from lti_tool.certificates import bp
from lti_tool.certificates.wording import learner_language

MAX_TYPED = 100


def initials(name: str) -> str:
    """ "Demo Osallistuja" → "D. O."."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if part[:1].isalpha())


def _comparable(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def same_name(certificate: Certificate, typed: str) -> bool:
    return _comparable(typed) == _comparable(certificate.learner_name)


def _private(response: Response) -> Response:
    """The code is in the address: kept out of search engines, referrers and caches."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/verify")
def verify() -> Response:
    """The code form; a code sent with it goes to its own page."""
    typed = request.args.get("code", "")[:MAX_TYPED]
    if typed.strip():
        code = codes.normalise(typed)
        shown = codes.display(code) if code else "unknown"
        return _private(redirect(url_for("certificates.verify_code", code=shown), code=303))
    return _private(make_response(render_template("certificates/verify.html", found=None)))


@bp.get("/verify/<code>")
def verify_code(code: str) -> Response:
    certificate = services.find(code[:MAX_TYPED])
    if certificate is None:
        page = render_template("certificates/verify.html", found=False, typed=code[:MAX_TYPED])
        return _private(make_response(page, 404))
    typed_name = request.args.get("name", "")[:300]
    language = learner_language()
    page = render_template(
        "certificates/verify.html",
        found=True,
        certificate=certificate,
        code=codes.display(certificate.code),
        initials=initials(certificate.learner_name),
        programme=catalog.pick(certificate.programme_title, language),
        modules=[catalog.pick(m, language) for m in certificate.modules],
        completed_on=format_date(certificate.completed_on, "long", locale=language),
        name_checked=typed_name.strip() != "",
        name_matches=typed_name.strip() != "" and same_name(certificate, typed_name),
    )
    return _private(make_response(page))
