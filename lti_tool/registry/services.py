"""Register, list and remove platforms, client ids and deployments."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from courses.database import db
from lti_tool.registry.models import Deployment, Platform, PlatformClient


@dataclass(frozen=True)
class PlatformSpec:
    issuer: str
    client_id: str
    deployment_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    name: str | None = None


def add_platform(spec: PlatformSpec) -> tuple[PlatformClient, bool]:
    """Add (or update) a registration; returns the client and whether anything was new.

    The same issuer may be added again with another client id or deployment id
    (Moodle gives each registration its own); its URLs are updated to the latest.
    """
    client, created = stage_platform(spec)
    db.session.commit()
    return client, created


def find_platform(issuer: str) -> Platform | None:
    return db.session.execute(select(Platform).where(Platform.issuer == issuer)).scalar_one_or_none()


def stage_platform(spec: PlatformSpec) -> tuple[PlatformClient, bool]:
    """add_platform's changes in the session, for the caller to commit with its own."""
    for field in ("issuer", "client_id", "deployment_id", "auth_login_url", "auth_token_url", "key_set_url"):
        if not getattr(spec, field).strip():
            raise ValueError(f"{field} must not be empty")
    created = False
    platform = find_platform(spec.issuer)
    if platform is None:
        platform = Platform(issuer=spec.issuer, name=spec.name or spec.issuer)
        db.session.add(platform)
        created = True
    elif spec.name:
        platform.name = spec.name
    if platform.key_set_url != spec.key_set_url:
        platform.key_set_json = None  # a new key set URL invalidates the cached keys
        platform.key_set_expires_at = None
    platform.auth_login_url = spec.auth_login_url
    platform.auth_token_url = spec.auth_token_url
    platform.key_set_url = spec.key_set_url
    client = next((c for c in platform.clients if c.client_id == spec.client_id), None)
    if client is None:
        client = PlatformClient(client_id=spec.client_id)
        platform.clients.append(client)
        created = True
    if not any(d.deployment_id == spec.deployment_id for d in client.deployments):
        client.deployments.append(Deployment(deployment_id=spec.deployment_id))
        created = True
    db.session.flush()
    return client, created


def list_platforms() -> list[Platform]:
    return list(db.session.execute(select(Platform).order_by(Platform.issuer)).scalars())


def remove_registration(issuer: str, client_id: str | None = None, deployment_id: str | None = None) -> str:
    """Remove a deployment, a client id, or a whole platform; returns what was removed."""
    platform = db.session.execute(
        select(Platform).where(Platform.issuer == issuer)
    ).scalar_one_or_none()
    if platform is None:
        raise LookupError(f"No platform with issuer {issuer!r}.")
    if client_id is None:
        db.session.delete(platform)
        db.session.commit()
        return f"platform {issuer}"
    client = next((c for c in platform.clients if c.client_id == client_id), None)
    if client is None:
        raise LookupError(f"No client id {client_id!r} for {issuer!r}.")
    if deployment_id is None:
        db.session.delete(client)
        db.session.commit()
        return f"client {client_id} of {issuer}"
    deployment = next((d for d in client.deployments if d.deployment_id == deployment_id), None)
    if deployment is None:
        raise LookupError(f"No deployment {deployment_id!r} for client {client_id!r}.")
    db.session.delete(deployment)
    db.session.commit()
    return f"deployment {deployment_id} of client {client_id} of {issuer}"
