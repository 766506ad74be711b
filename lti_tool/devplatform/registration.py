"""Dynamic registration, the platform's side, as Moodle 4.5's mod/lti does it.

- ``/tools``: "Manage tools": the registered tools, their state, Activate, and the
  "Tool URL" field with "Add LTI Advantage", which opens the tool's registration URL in
  a dialog (here an iframe) with ``openid_configuration`` and ``registration_token``
  appended (startltiadvregistration.php).
- ``/openid-configuration``: the platform's configuration (openid-configuration.php).
- ``/openid-registration``: the registration endpoint (openid-registration.php): the
  token must be this platform's, unexpired and unused; the request is checked as
  registration_helper::registration_to_config checks it; the tool is created pending.
"""

from __future__ import annotations

import json
import secrets
import string
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jwt
from flask import Response, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from lti_tool.devplatform import keys, storage
from lti_tool.devplatform.claims import AGS_SCOPES
from lti_tool.devplatform.storage import ToolTypeRow
from lti_tool.devplatform.tools import CONFIGURED, NRPS_SCOPE, registered_tools
from lti_tool.devplatform.views import bp, platform_config

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
REGISTRATION_TOKEN_LIFETIME = 3600  # Moodle: HOURSECS
SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE = AGS_SCOPES
REQUIRED = (
    "response_types",
    "initiate_login_uri",
    "redirect_uris",
    "client_name",
    "jwks_uri",
    "token_endpoint_auth_method",
    TOOL_CONFIGURATION,
)


class RegistrationError(Exception):
    """Moodle's registration_exception: a message and an HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@bp.get("/openid-configuration")
def openid_configuration() -> Response:
    from lti_tool.devplatform.faults import fault_response

    if (fault := fault_response("configuration")) is not None:
        return fault
    config = platform_config()
    document = {
        "issuer": config.issuer,
        "token_endpoint": config.url("/token"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": config.url("/jwks"),
        "authorization_endpoint": config.url("/auth"),
        "registration_endpoint": config.url("/openid-registration"),
        "scopes_supported": [*AGS_SCOPES, NRPS_SCOPE, "openid"],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "moodle",
            "version": "4.5.6 (Build: 20250811)",
            "messages_supported": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest"},
            ],
            "variables": ["Context.id", "ResourceLink.id", "User.id"],
        },
    }
    return Response(json.dumps(document, indent=2), mimetype="application/json")


def registration_token(now: int | None = None) -> str:
    """Moodle's: sub = the client id the registration will get, scope reg, one hour."""
    now = int(time.time()) if now is None else now
    sub = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(15))
    claims = {"sub": sub, "scope": "reg", "iat": now, "exp": now + REGISTRATION_TOKEN_LIFETIME}
    return keys.sign(current_app.instance_path, claims)


def with_registration_params(url: str, token: str) -> str:
    """The tool's URL with its own path and query kept and the two parameters appended."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [
        ("openid_configuration", platform_config().url("/openid-configuration")),
        ("registration_token", token),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


@bp.get("/tools")
def manage_tools() -> str:
    return render_template("devplatform/tools.html", tools=registered_tools())


@bp.get("/tools/start-registration")
def start_registration() -> Response:
    """ "Add LTI Advantage": into the dialog, the tool's URL with the token appended."""
    url = request.args.get("url", "").strip()
    if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).netloc:
        abort(400, "Tool URL must be an http(s) URL.")
    return redirect(with_registration_params(url, registration_token()), 302)


@bp.post("/tools/<int:type_id>/activate")
def activate(type_id: int) -> Response:
    with storage.session(write=True) as db:
        row = db.get(ToolTypeRow, type_id)
        if row is None:
            abort(404)
        row.state = CONFIGURED
    return redirect(url_for("devplatform.manage_tools"), 303)  # Moodle: 303 to the settings


def validate_token(header: str) -> str:
    """The client id the token reserves, if the token is this platform's and unused."""
    if not header.startswith("Bearer "):
        raise RegistrationError("missing_registration_token", 401)
    token = header[7:].strip()
    try:
        key, _ = keys.platform_key(current_app.instance_path)
        claims = jwt.decode(
            token, key.public_key(), algorithms=["RS256"], options={"require": ["sub", "exp"]}
        )
    except jwt.PyJWTError as exc:
        raise RegistrationError(f"invalid_registration_token: {exc}", 401) from exc
    client_id = claims.get("sub")
    if not isinstance(client_id, str) or not client_id:
        raise RegistrationError("invalid_registration_token", 401)
    with storage.session() as db:
        if db.execute(select(ToolTypeRow.id).where(ToolTypeRow.client_id == client_id)).first():
            raise RegistrationError("token_already_used", 401)
    return client_id


def _parameter(payload: dict[str, Any], key: str, required: bool) -> Any:
    value = payload.get(key)
    if not value:
        if required:
            raise RegistrationError(f"missing required attribute {key}")
        return None
    return value


def _host_and_port(url: str) -> str:
    parts = urlsplit(url if "//" in url else "//" + url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def registration_to_type(payload: Any, client_id: str) -> dict[str, Any]:
    """The tool type a registration asks for, refused as Moodle refuses it."""
    if not isinstance(payload, dict):
        raise RegistrationError("missing required attribute response_types")
    values = {key: _parameter(payload, key, True) for key in REQUIRED}
    tool = values[TOOL_CONFIGURATION]
    if not isinstance(tool, dict):
        raise RegistrationError(f"missing required attribute {TOOL_CONFIGURATION}")
    domain = _parameter(tool, "domain", True)
    target = _parameter(tool, "target_link_uri", True)
    if not isinstance(values["response_types"], list) or "id_token" not in values["response_types"]:
        raise RegistrationError("invalid_response_types")
    if not isinstance(values["redirect_uris"], list):
        raise RegistrationError("invalid_redirect_uris")
    if values["token_endpoint_auth_method"] != "private_key_jwt":
        raise RegistrationError("invalid_token_endpoint_auth_method")
    application_type = payload.get("application_type")
    if application_type and application_type != "web":
        raise RegistrationError("invalid_application_type")
    if (
        not isinstance(domain, str)
        or not isinstance(target, str)
        or _host_and_port(domain) != _host_and_port(target)
    ):
        raise RegistrationError("domain_mismatch")
    scopes = str(payload.get("scope") or "").split()
    granted = []
    if set(scopes) & {SCOPE_SCORE, SCOPE_RESULT_READ, SCOPE_LINEITEM_READ, SCOPE_LINEITEM}:
        granted += [SCOPE_SCORE, SCOPE_RESULT_READ, SCOPE_LINEITEM_READ]
    if SCOPE_LINEITEM in scopes:
        granted.append(SCOPE_LINEITEM)
    if NRPS_SCOPE in scopes:
        granted.append(NRPS_SCOPE)
    claims = tool.get("claims") if isinstance(tool.get("claims"), list) else []
    messages = tool.get("messages") if isinstance(tool.get("messages"), list) else []
    deep_link = next(
        (m for m in messages if isinstance(m, dict) and m.get("type") == "LtiDeepLinkingRequest"),
        None,
    )
    return {
        "client_id": client_id,
        "name": str(values["client_name"])[:255],
        "target_link_uri": target,
        "domain": domain,
        "initiate_login_uri": str(values["initiate_login_uri"]),
        "redirect_uris": [str(u) for u in values["redirect_uris"]],
        "jwks_uri": str(values["jwks_uri"]),
        "scopes": " ".join(granted),
        "send_name": bool({"name", "given_name", "family_name"} & set(claims)),
        "send_email": "email" in claims,
        "deep_linking": deep_link is not None,
        "deep_link_url": str((deep_link or {}).get("target_link_uri") or ""),
    }


def type_to_registration(row: ToolTypeRow) -> dict[str, Any]:
    """The answer: the registration echoed with the client id and deployment id."""
    tool: dict[str, Any] = {
        "deployment_id": str(row.id),
        "target_link_uri": row.target_link_uri,
        "domain": row.domain,
        "description": "",
        "claims": ["sub", "iss"]
        + (["name", "family_name", "middle_name"] if row.send_name else [])
        + (["email"] if row.send_email else []),
    }
    if row.deep_linking:
        message: dict[str, Any] = {"type": "LtiDeepLinkingRequest"}
        if row.deep_link_url:
            message["target_link_uri"] = row.deep_link_url
        tool["messages"] = [message]
    return {
        "client_id": row.client_id,
        "token_endpoint_auth_method": "private_key_jwt",
        "response_types": ["id_token"],
        "jwks_uri": row.jwks_uri,
        "initiate_login_uri": row.initiate_login_uri,
        "grant_types": ["client_credentials", "implicit"],
        "redirect_uris": row.redirect_uris,
        "application_type": ["web"],
        "client_name": row.name,
        "logo_uri": "",
        "scope": row.scopes,
        TOOL_CONFIGURATION: tool,
    }


@bp.post("/openid-registration")
def openid_registration() -> Response:
    from lti_tool.devplatform.faults import fault_response

    if (fault := fault_response("registration")) is not None:
        return fault
    try:
        client_id = validate_token(request.headers.get("Authorization", ""))
        settings = registration_to_type(request.get_json(silent=True), client_id)
        with storage.session(write=True) as db:
            row = ToolTypeRow(id=storage.next_id(db), state="pending", **settings)
            db.add(row)
            db.flush()
            answer = type_to_registration(row)
    except RegistrationError as exc:
        return Response(str(exc), status=exc.status, mimetype="text/plain")
    return Response(json.dumps(answer), mimetype="application/json")
