"""The confirmation form: its CSRF token is bound to the invitation and the platform's
registration token, so only the page the platform opened can post it (no cookie needed:
the page lives in the platform's iframe, where the tool's cookies may be blocked)."""

from __future__ import annotations

import hashlib

from wtforms import HiddenField

from lti_tool.forms import LaunchForm


class ConfirmRegistrationForm(LaunchForm):
    openid_configuration = HiddenField()
    registration_token = HiddenField()


def csrf_context(secret_hash: str, registration_token: str) -> tuple[str, str]:
    return "register:" + secret_hash, hashlib.sha256(registration_token.encode()).hexdigest()
