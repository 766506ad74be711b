"""What a certificate says, from a launch: the learner's name and organisation, the
titles in the learner's language and Finnish, and the words in each (the interface's
message catalogues)."""

from __future__ import annotations

from urllib.parse import urlsplit

from babel.dates import format_date
from flask import url_for
from flask_babel import force_locale, get_locale, gettext

from certificates import codes
from certificates.models import MODULE, Certificate
from certificates.pdf import Wording
from courses import catalog
from courses.catalog import ModuleInfo
from lti_tool.certificates.errors import CertificateRefused
from lti_tool.i18n import DEFAULT_LOCALE
from lti_tool.identity.names import display_names
from lti_tool.learning.context import Visit


def learner_language() -> str:
    """The interface language of this request (after the visit has settled it)."""
    return str(get_locale() or DEFAULT_LOCALE).split("_")[0]


def certificate_languages(language: str) -> list[str]:
    """The learner's language, then Finnish; Finnish once when they are the same."""
    return [language] if language == DEFAULT_LOCALE else [language, DEFAULT_LOCALE]


def learner_name(visit: Visit) -> str:
    """The name as Moodle gave it: its ``name`` claim, else given and family names."""
    user = visit.session.user
    # The launch session keeps only the name claim; the given and family names are the user's.
    name = (user.name or "").strip() or display_names([user.id]).get(user.id, "")
    if not name:
        raise CertificateRefused("name_not_shared", visit.session.id)
    return name


def organisation(visit: Visit) -> str:
    """The platform's name as its registration gave it (the municipality's or college's
    Moodle), else the Moodle site's host name: the organisation that ran the course."""
    platform = visit.session.platform
    if platform.name and platform.name != platform.issuer:
        return platform.name
    return urlsplit(platform.issuer).hostname or platform.issuer


def titles(texts: dict[str, str], languages: list[str]) -> dict[str, str]:
    """A title in each certificate language (the Finnish source where none)."""
    return {language: catalog.pick(texts, language)[0] for language in languages}


def module_titles(modules: list[ModuleInfo], languages: list[str]) -> list[dict[str, str]]:
    return [titles(m.title, languages) for m in modules]


def wordings(certificate: Certificate) -> list[Wording]:
    """The certificate's words in its languages, in the order they are printed."""
    verify_url = url_for(
        "certificates.verify_code", code=codes.display(certificate.code), _external=True
    )
    result = []
    for language in certificate_languages(certificate.language):
        with force_locale(language):
            result.append(
                Wording(
                    locale=language,
                    heading=gettext("Certificate"),
                    completed=(
                        gettext("has completed a module of the programme")
                        if certificate.scope == MODULE
                        else gettext("has completed the programme")
                    ),
                    modules=gettext("Modules")
                    if len(certificate.modules) > 1
                    else gettext("Module"),
                    date=gettext(
                        "Completed on %(date)s",
                        date=format_date(certificate.completed_on, "long", locale=language),
                    ),
                    organisation=gettext(
                        "Issued by %(organisation)s", organisation=certificate.organisation
                    ),
                    code=gettext(
                        "Verification code: %(code)s", code=codes.display(certificate.code)
                    ),
                    verify=gettext("Check this certificate at %(url)s", url=verify_url),
                )
            )
    return result
