"""Store what a dynamic registration produced: the platform, its new client id and
deployment, and the invitation used, in one transaction."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from courses.database import db
from lti_tool.registration.client import RegistrationAnswer
from lti_tool.registration.errors import RegistrationRefused
from lti_tool.registration.invitations import InvitationRefused, claim_invitation
from lti_tool.registration.models import RegistrationInvitation
from lti_tool.registration.platform_config import PlatformConfiguration
from lti_tool.registry.models import PlatformClient
from lti_tool.registry.services import PlatformSpec, find_platform, stage_platform


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


def complete_registration(
    invitation_id: int, config: PlatformConfiguration, answer: RegistrationAnswer
) -> PlatformClient:
    """Claim the invitation and add the registration, all or nothing."""
    try:
        invitation = db.session.get(RegistrationInvitation, invitation_id)
        if invitation is None:
            raise InvitationRefused("unknown")
        claim_invitation(invitation_id)
        check_addable(config)
        platform = find_platform(config.issuer)
        if platform is not None and any(c.client_id == answer.client_id for c in platform.clients):
            raise RegistrationRefused("already_registered", answer.client_id)
        # An existing platform keeps its name: the invitation's names only a new one.
        client, _ = stage_platform(spec_for(config, answer, invitation.name if platform is None else ""))
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
    return client
