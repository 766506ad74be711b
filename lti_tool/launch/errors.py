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


# What the button under the advice does, where one click is the remedy.
CLOSE_WINDOW = "close_window"  # a window the tool opened: back to Moodle's page
NEW_WINDOW = "new_window"  # a page in Moodle's iframe: the same page at top level


@dataclass(frozen=True)
class Reason:
    status: int
    title: object
    advice: object
    action: str | None = None


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
    "missing_state": Reason(400, _l("The launch message is incomplete."), _ADMIN),
    "state_mismatch": Reason(
        400, _l("Your browser sent the launch information of another launch."), _RELAUNCH
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
        403,
        _l("This page belongs to another browser session."),
        _l(
            "Your browser may not keep Kotopaikka's information inside your course's page. "
            "Open this page in a new window. If that does not help, go back to your course "
            "and open the activity again."
        ),
        NEW_WINDOW,
    ),
    "ticket_used": Reason(
        403,
        _l("This window can no longer open the activity."),
        _l(
            "Its link works once and for five minutes. Close this window and open the "
            "activity again in your course. If the page there has the button “Continue in "
            "a new window”, press it."
        ),
        CLOSE_WINDOW,
    ),
    "ticket_elsewhere": Reason(
        403, _l("This page was not opened from Kotopaikka."), _RELAUNCH, CLOSE_WINDOW
    ),
}


class LaunchRejected(Exception):
    """A launch or login was refused; ``reason`` is a key of :data:`REASONS`.

    ``locale``: the refused launch's own locale (as the platform sent it), where the
    request named the launch, so that its refusal is in the learner's language and not
    the browser's (lti_tool.launch.pages.rejected_page)."""

    def __init__(self, reason: str, detail: str = "", *, locale: str | None = None) -> None:
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.locale = locale

    @property
    def status(self) -> int:
        return REASONS[self.reason].status
