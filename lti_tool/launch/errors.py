"""Why a launch was refused: a reason code for the log, a status, and words for the user."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# What the person in front of the screen can do about each kind of failure.
_RELAUNCH = _l("Go back to your course and open the activity again.")
_ADMIN = _l(
    "This is a setting between your learning platform and Kotopaikka. "
    "Please tell your teacher or the platform's administrator."
)
_LATER = _l("Please try again in a few minutes. If it keeps happening, tell your teacher.")


@dataclass(frozen=True)
class Reason:
    status: int
    title: object
    advice: object


REASONS: dict[str, Reason] = {
    "token_too_large": Reason(413, _l("The launch message is too large."), _ADMIN),
    "missing_id_token": Reason(400, _l("The launch message is missing."), _RELAUNCH),
    "malformed_token": Reason(400, _l("The launch message could not be read."), _ADMIN),
    "unknown_issuer": Reason(403, _l("This learning platform is not registered."), _ADMIN),
    "unknown_client": Reason(403, _l("This tool registration is not known."), _ADMIN),
    "unknown_deployment": Reason(403, _l("This deployment of the tool is not known."), _ADMIN),
    "bad_algorithm": Reason(403, _l("The launch message is not signed correctly."), _ADMIN),
    "missing_kid": Reason(403, _l("The launch message is not signed correctly."), _ADMIN),
    "unknown_kid": Reason(403, _l("The launch message is signed with an unknown key."), _ADMIN),
    "bad_signature": Reason(403, _l("The launch message is not signed correctly."), _ADMIN),
    "expired": Reason(403, _l("The launch has expired."), _RELAUNCH),
    "not_yet_valid": Reason(
        403, _l("The launch message is dated in the future."), _ADMIN
    ),
    "wrong_audience": Reason(403, _l("The launch message was meant for another tool."), _ADMIN),
    "wrong_issuer": Reason(403, _l("The launch message names the wrong platform."), _ADMIN),
    "invalid_token": Reason(403, _l("The launch message could not be verified."), _ADMIN),
    "platform_keys_unavailable": Reason(
        503, _l("The learning platform's keys could not be fetched."), _LATER
    ),
    "missing_claim": Reason(400, _l("The launch message is incomplete."), _ADMIN),
    "invalid_claim": Reason(
        400, _l("The launch message contains a value that is not valid."), _ADMIN
    ),
    "unsupported_message_type": Reason(
        400, _l("This kind of launch is not supported."), _ADMIN
    ),
    "missing_state": Reason(
        400,
        _l("Your browser did not keep the launch information."),
        _l(
            "Your browser may block cookies in embedded pages. Open the activity in a new "
            "window, or allow cookies for this site, and try again."
        ),
    ),
    "state_mismatch": Reason(
        400,
        _l("Your browser did not keep the launch information."),
        _l(
            "Your browser may block cookies in embedded pages. Open the activity in a new "
            "window, or allow cookies for this site, and try again."
        ),
    ),
    "replayed_nonce": Reason(
        403, _l("This launch has already been used or has expired."), _RELAUNCH
    ),
    "missing_login_params": Reason(400, _l("The login request is incomplete."), _ADMIN),
    "login_param_too_long": Reason(400, _l("A value in the login request is too long."), _ADMIN),
    "invalid_login_param": Reason(
        400, _l("The login request contains a value that is not valid."), _ADMIN
    ),
    "target_outside_tool": Reason(
        400, _l("The login request points outside this tool."), _ADMIN
    ),
    "trainers_only": Reason(
        403, _l("Only teachers can add content to a course."), _RELAUNCH
    ),
    "session_not_found": Reason(
        404, _l("This page has expired or does not exist."), _RELAUNCH
    ),
    "session_not_yours": Reason(
        403, _l("This page belongs to another browser session."), _RELAUNCH
    ),
}


class LaunchRejected(Exception):
    """A launch or login was refused; ``reason`` is a key of :data:`REASONS`."""

    def __init__(self, reason: str, detail: str = "") -> None:
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @property
    def status(self) -> int:
        return REASONS[self.reason].status
