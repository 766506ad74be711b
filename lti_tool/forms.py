"""WTForms base form whose CSRF token is bound to one launch session and browser."""

from __future__ import annotations

import hashlib
import hmac
import typing as t

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import Form
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError


def csrf_token_for(launch_id: str, browser_key_hash: str) -> str:
    """The CSRF token of every form of one launch in one browser (see LaunchCSRF)."""
    message = f"{launch_id}:{browser_key_hash}".encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()


class LaunchCSRF(CSRF):
    """HMAC of the launch id and the browser key hash under the app's secret key.

    The launch session is server-side and the browser cookie is HttpOnly, so a page
    on another site can neither read nor forge this token.
    """

    def setup_form(self, form: Form) -> t.Any:
        self.context = form.meta.csrf_context
        return super().setup_form(form)

    def _expected(self) -> str:
        return csrf_token_for(*self.context)

    def generate_csrf_token(self, csrf_token_field: t.Any) -> str:
        return self._expected()

    def validate_csrf_token(self, form: Form, field: t.Any) -> None:
        if not isinstance(field.data, str) or not hmac.compare_digest(field.data, self._expected()):
            raise ValidationError(_l("This form has expired. Open the activity again."))


class LaunchForm(Form):
    """Every form of the tool: CSRF-protected per launch session."""

    class Meta:
        csrf = True
        csrf_class = LaunchCSRF
