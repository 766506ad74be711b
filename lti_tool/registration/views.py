"""The registration page the platform opens: check the invitation and the platform's
configuration, show what will be registered, and register on confirmation."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, render_template, request, url_for

from courses.database import db
from lti_tool.registration.client import CLAIMS, SCOPES, ToolUrls
from lti_tool.registration.errors import REASONS, RegistrationRefused
from lti_tool.registration.forms import ConfirmRegistrationForm, csrf_context
from lti_tool.registration.invitations import InvitationRefused, usable_invitation
from lti_tool.registration.platform_config import (
    PlatformConfiguration,
    acceptable_url,
    fetch_configuration,
    origin,
)
from lti_tool.registration.services import check_addable, register_platform
from lti_tool.registry.services import find_platform
from lti_tool.security import origin_of
from lti_tool.services import services

log = logging.getLogger(__name__)
bp = Blueprint("registration", __name__)

MAX_TOKEN_CHARS = 8192


def _refused(reason: str, detail: str = "") -> tuple[str, int]:
    db.session.rollback()
    log.warning("lti_registration_refused reason=%s detail=%s", reason, detail[:300])
    found = REASONS[reason]
    page = render_template(
        "lti/error.html", title=found.title, advice=found.advice, action=None, reason_code=reason
    )
    return page, found.status


def _allow_loopback_http() -> bool:
    return current_app.config["ENV_NAME"] in {"development", "test"}


def tool_urls() -> ToolUrls:
    return ToolUrls(
        launch=url_for("lti.launch", _external=True),
        login=url_for("lti.login", _external=True),
        jwks=url_for("lti.jwks", _external=True),
    )


def _params(values: Any) -> tuple[str, str]:
    config_url = values.get("openid_configuration", "")
    if acceptable_url(config_url, _allow_loopback_http()):
        # Even a refusal is shown in the platform's dialog (an iframe): let that site frame it.
        g.frame_ancestors = [origin_of(config_url)]
    token = values.get("registration_token", "")
    if not config_url or not token:
        raise RegistrationRefused("missing_params")
    if len(token) > MAX_TOKEN_CHARS or not token.isprintable() or " " in token:
        raise RegistrationRefused("missing_params", "registration_token is not a token")
    return config_url, token


def _platform_configuration(config_url: str) -> PlatformConfiguration:
    return fetch_configuration(services().http, config_url, None, _allow_loopback_http())


def _summary(config: PlatformConfiguration) -> dict[str, Any]:
    existing = find_platform(config.issuer)
    return {
        "issuer": config.issuer,
        "product": config.product_family_code,
        "deep_linking": "LtiDeepLinkingRequest" in config.messages_supported,
        "known_clients": len(existing.clients) if existing is not None else 0,
        "shares_email": "email" in CLAIMS,
        "scopes": SCOPES,
    }


@bp.get("/lti/register/<secret>")
def start(secret: str) -> tuple[str, int]:
    try:
        config_url, token = _params(request.args)
        invitation = usable_invitation(secret)
        config = _platform_configuration(config_url)
        check_addable(config)  # say so now, not after the administrator confirmed
    except InvitationRefused as exc:
        return _refused(exc.reason)
    except RegistrationRefused as exc:
        return _refused(exc.reason, exc.detail)
    form = ConfirmRegistrationForm(
        data={"openid_configuration": config_url, "registration_token": token},
        meta={"csrf_context": csrf_context(invitation.secret_hash, token)},
    )
    page = render_template(
        "registration/confirm.html", form=form, invitation=invitation, tool=tool_urls(), **_summary(config)
    )
    return page, 200


def _same_origin_post() -> bool:
    """A browser's POST from our own page names our origin (or, privacy-minded, none)."""
    sent = request.headers.get("Origin")
    if sent is None or sent == "null":
        return sent is None
    return origin(sent) == origin(request.host_url)


@bp.post("/lti/register/<secret>")
def confirm(secret: str) -> tuple[str, int]:
    try:
        config_url, token = _params(request.form)
        invitation = usable_invitation(secret)
        form = ConfirmRegistrationForm(
            request.form, meta={"csrf_context": csrf_context(invitation.secret_hash, token)}
        )
        if not form.validate() or not _same_origin_post():
            raise RegistrationRefused("expired_form")
        config = _platform_configuration(config_url)
        completed = register_platform(invitation.id, config, token, tool_urls())
    except InvitationRefused as exc:
        return _refused(exc.reason)
    except RegistrationRefused as exc:
        return _refused(exc.reason, exc.detail)
    log.info(
        "lti_registration_ok invitation=%s issuer=%s client=%s deployment=%s updated=%s",
        invitation.id, config.issuer, completed.client_id, completed.deployment_id,
        int(completed.updated),
    )
    page = render_template(
        "registration/done.html",
        issuer=config.issuer,
        client_id=completed.client_id,
        deployment_id=completed.deployment_id,
        updated=completed.updated,
        product=config.product_family_code,
        host=urlsplit(config.issuer).netloc,
    )
    return page, 200
