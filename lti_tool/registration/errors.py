"""Why a registration was refused: a code for support, a status, and words for the admin."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

_ASK_OPERATOR = _l("Ask the Kotopaikka operator for a new registration link.")
_PLATFORM_SETTING = _l(
    "Check the learning platform's address and its LTI settings, then start the "
    "registration again from the platform."
)
_RESTART = _l("Start the registration again from the learning platform.")


@dataclass(frozen=True)
class Reason:
    status: int
    title: object
    advice: object


REASONS: dict[str, Reason] = {
    "unknown": Reason(404, _l("This registration link is not valid."), _ASK_OPERATOR),
    "expired": Reason(410, _l("This registration link has expired."), _ASK_OPERATOR),
    "revoked": Reason(410, _l("This registration link has been withdrawn."), _ASK_OPERATOR),
    "used": Reason(409, _l("This registration link has already been used."), _ASK_OPERATOR),
    "missing_params": Reason(
        400,
        _l("Open this link from the learning platform's tool registration."),
        _l(
            "In Moodle: Site administration › Plugins › Activity modules › External tool › "
            "Manage tools, paste the link into “Tool URL” and press “Add LTI Advantage”."
        ),
    ),
    "config_url_refused": Reason(
        400, _l("The platform's configuration address is not acceptable."), _PLATFORM_SETTING
    ),
    "config_unavailable": Reason(
        502, _l("The platform's configuration could not be fetched."), _PLATFORM_SETTING
    ),
    "config_invalid": Reason(
        502, _l("The platform's configuration is not valid."), _PLATFORM_SETTING
    ),
    "issuer_mismatch": Reason(
        400, _l("The platform's configuration names another site."), _PLATFORM_SETTING
    ),
    "registration_refused": Reason(
        502, _l("The platform refused the registration."), _RESTART
    ),
    "registration_unavailable": Reason(
        502, _l("The platform did not answer the registration."), _RESTART
    ),
    "already_registered": Reason(
        409,
        _l("This registration is already known to Kotopaikka."),
        _l("Nothing was changed. Ask the Kotopaikka operator to check the platform's registrations."),
    ),
    "deployment_changed": Reason(
        409,
        _l("Kotopaikka has this registration with another deployment."),
        _l(
            "Nothing was changed, so that the activities in use keep working. "
            "Ask the Kotopaikka operator to check the platform's registrations."
        ),
    ),
    "platform_changed": Reason(
        409,
        _l("This platform is registered with other addresses."),
        _l(
            "Nothing was changed, so that the registrations in use keep working. "
            "Ask the Kotopaikka operator to update the platform's registration."
        ),
    ),
    "expired_form": Reason(
        400, _l("This form has expired."), _RESTART
    ),
}


class RegistrationRefused(Exception):
    """A registration step failed; ``reason`` is a key of REASONS, ``detail`` for the log."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
