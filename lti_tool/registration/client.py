"""The tool's side of the registration request: what it asks the platform for, and the
platform's answer (LTI Dynamic Registration 1.0, "Tool Registration")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from lti_tool.registration.errors import RegistrationRefused
from lti_tool.registration.platform_config import PlatformConfiguration, fetch_json

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
# What the tool uses: scores and its own line items (AGS), the course's roster (NRPS).
SCOPES = (
    AGS + "score",
    AGS + "lineitem",
    AGS + "lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)
# The learner's name and e-mail: shown to trainers and in the coordinators' exports.
CLAIMS = ("iss", "sub", "name", "given_name", "family_name", "email")
CLIENT_NAME = "Kotopaikka"


@dataclass(frozen=True)
class ToolUrls:
    launch: str  # target_link_uri and the one redirect URI
    login: str
    jwks: str


def domain_of(url: str) -> str:
    """Host and (a non-default) port, as Moodle compares them with target_link_uri."""
    return urlsplit(url).netloc.rsplit("@", 1)[-1].lower()


def registration_request(urls: ToolUrls, deep_linking: bool) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    if deep_linking:
        messages.append(
            {"type": "LtiDeepLinkingRequest", "target_link_uri": urls.launch, "label": CLIENT_NAME}
        )
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": [urls.launch],
        "client_name": CLIENT_NAME,
        "jwks_uri": urls.jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIGURATION: {
            "domain": domain_of(urls.launch),
            "target_link_uri": urls.launch,
            "description": "Kotopaikka: coaching programmes for working life in Finland.",
            "claims": list(CLAIMS),
            "messages": messages,
        },
    }


@dataclass(frozen=True)
class RegistrationAnswer:
    client_id: str
    deployment_id: str


def _identifier(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= 255 and value.isprintable():
        return value.strip()
    return None


def parse_answer(status: int, document: Any) -> RegistrationAnswer:
    if status not in (200, 201):
        detail = document.get("error") if isinstance(document, dict) else None
        raise RegistrationRefused("registration_refused", f"HTTP {status} {detail or ''}".strip())
    if not isinstance(document, dict):
        raise RegistrationRefused("registration_refused", "the answer is not a JSON object")
    client_id = _identifier(document.get("client_id"))
    tool = document.get(TOOL_CONFIGURATION)
    deployment_id = _identifier(tool.get("deployment_id")) if isinstance(tool, dict) else None
    if client_id is None or deployment_id is None:
        raise RegistrationRefused("registration_refused", "no client_id or deployment_id in the answer")
    return RegistrationAnswer(client_id, deployment_id)


def register(http: requests.Session, config: PlatformConfiguration, token: str,
             body: dict[str, Any]) -> RegistrationAnswer:
    """POST the registration with the platform's registration token as the bearer."""
    status, document = fetch_json(
        http,
        "POST",
        config.registration_endpoint,
        "registration_unavailable",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    return parse_answer(status, document)
