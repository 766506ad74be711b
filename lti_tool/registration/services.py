"""Store what a dynamic registration produced: the platform, its client id and
deployment, and the invitation used, in one transaction.

A registration never silently replaces one in use. A platform already registered must
keep its addresses (``check_addable``). Its answer is either a new client id, which adds a
registration, or one the tool already has with the same deployment: Moodle's "update
existing", which keeps that registration as it is (``complete_registration``). A known
client id with another deployment is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from courses.database import db
from lti_tool.registration.client import (
    RegistrationAnswer,
    ToolUrls,
    register,
    registration_request,
)
from lti_tool.registration.errors import RegistrationRefused
from lti_tool.registration.invitations import InvitationRefused, claim_invitation
from lti_tool.registration.models import RegistrationInvitation
from lti_tool.registration.platform_config import PlatformConfiguration
from lti_tool.registry.models import PlatformClient
from lti_tool.registry.services import PlatformSpec, find_platform, stage_platform


@dataclass(frozen=True)
class Completed:
    client_id: str
    deployment_id: str
    updated: bool  # the platform updated a registration the tool already had


def spec_for(config: PlatformConfiguration, answer: RegistrationAnswer, name: str) -> PlatformSpec:
    return PlatformSpec(
        issuer=config.issuer,
        client_id=answer.client_id,
        deployment_id=answer.deployment_id,
        auth_login_url=config.authorization_endpoint,
        auth_token_url=config.token_endpoint,
        key_set_url=config.jwks_uri,
        name=name,
    )


def check_addable(config: PlatformConfiguration) -> None:
    """A platform already registered must keep its addresses: a registration adds a client
    id to it and never changes where the registrations in use get their tokens and keys."""
    platform = find_platform(config.issuer)
    if platform is None:
        return
    known = (platform.auth_login_url, platform.auth_token_url, platform.key_set_url)
    if known != (config.authorization_endpoint, config.token_endpoint, config.jwks_uri):
        raise RegistrationRefused("platform_changed", config.issuer)


def _known_client(config: PlatformConfiguration, answer: RegistrationAnswer) -> PlatformClient | None:
    """The registration the answer updates, if the tool has its client id already; one
    with another deployment is not the same registration."""
    platform = find_platform(config.issuer)
    client = next((c for c in platform.clients if c.client_id == answer.client_id), None) if platform else None
    if client is not None and answer.deployment_id not in {d.deployment_id for d in client.deployments}:
        raise RegistrationRefused(
            "deployment_changed", f"{answer.client_id} answered with deployment {answer.deployment_id}"
        )
    return client


def complete_registration(
    invitation_id: int, config: PlatformConfiguration, answer: RegistrationAnswer
) -> Completed:
    """Claim the invitation and add (or keep, when updated) the registration, all or nothing."""
    try:
        invitation = db.session.get(RegistrationInvitation, invitation_id)
        if invitation is None:
            raise InvitationRefused("unknown")
        claim_invitation(invitation_id)
        check_addable(config)
        client = _known_client(config, answer)
        updated = client is not None
        if client is None:
            # An existing platform keeps its name: the invitation's names only a new one.
            new_platform = find_platform(config.issuer) is None
            client, _ = stage_platform(spec_for(config, answer, invitation.name if new_platform else ""))
        invitation.issuer = config.issuer
        invitation.client_id = answer.client_id
        invitation.platform_client_pk = client.id
        db.session.commit()
    except IntegrityError as exc:  # the same client id added at the same moment
        db.session.rollback()
        raise RegistrationRefused("already_registered", answer.client_id) from exc
    except BaseException:
        db.session.rollback()
        raise
    return Completed(answer.client_id, answer.deployment_id, updated)


def register_platform(
    invitation_id: int, config: PlatformConfiguration, token: str, urls: ToolUrls
) -> Completed:
    """The registration itself, once the administrator confirmed it: refuse what would
    change a registered platform before the platform creates anything, post the request
    with the registration token, then store the answer."""
    from lti_tool.services import services

    check_addable(config)
    body = registration_request(urls, "LtiDeepLinkingRequest" in config.messages_supported)
    answer = register(services().http, config, token, body)
    return complete_registration(invitation_id, config, answer)
