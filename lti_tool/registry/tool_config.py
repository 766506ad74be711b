"""pylti1p3's tool-config interface over the platform tables."""

from __future__ import annotations

import functools
import typing as t
from dataclasses import dataclass
from datetime import datetime

from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import IssuerToClientRelation, ToolConfAbstract
from sqlalchemy import bindparam, select

from courses.database import Precompiled, db
from lti_tool.keys.service import SigningKey, current_signing_key
from lti_tool.registry.models import Deployment, Platform, PlatformClient


class ToolRegistration(Registration):
    """A registration whose signing key is loaded only when something is signed.

    Validating a launch never signs, so it never touches the tool's keys; signing
    gets a parsed key object and its kid, not a PEM to re-parse each time.
    """

    def __init__(self, load_key: t.Callable[[], SigningKey]) -> None:
        super().__init__()
        self._load_key = load_key

    def get_kid(self) -> str:
        return self._load_key().kid

    def get_tool_private_key(self) -> t.Any:
        return self._load_key().private_key


@dataclass(frozen=True)
class PlatformRecord:
    """A platform row as plain data (cheaper to read than an ORM object, on every launch)."""

    id: int
    issuer: str
    name: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    key_set_json: str | None
    key_set_fetched_at: datetime | None
    key_set_expires_at: datetime | None


@dataclass(frozen=True)
class ClientRecord:
    """One registration (client id) of a platform."""

    id: int
    platform_id: int
    client_id: str
    platform: PlatformRecord


_PLATFORM, _CLIENT, _DEPLOYMENT = Platform.__table__, PlatformClient.__table__, Deployment.__table__
_CLIENT_COLUMNS = (
    _CLIENT.c.id, _CLIENT.c.platform_id, _CLIENT.c.client_id,
    _PLATFORM.c.id, _PLATFORM.c.issuer, _PLATFORM.c.name, _PLATFORM.c.auth_login_url,
    _PLATFORM.c.auth_token_url, _PLATFORM.c.key_set_url, _PLATFORM.c.key_set_json,
    _PLATFORM.c.key_set_fetched_at, _PLATFORM.c.key_set_expires_at,
)


def _client_record(row: t.Sequence[t.Any]) -> ClientRecord:
    return ClientRecord(row[0], row[1], row[2], PlatformRecord(*row[3:12]))


@functools.cache
def _client_query(by_client_id: bool) -> Precompiled:
    """Built and compiled once per shape, run on the session's connection (Precompiled)."""
    query = (
        select(*_CLIENT_COLUMNS)
        .select_from(_CLIENT)
        .join(_PLATFORM, _PLATFORM.c.id == _CLIENT.c.platform_id)
        .where(_PLATFORM.c.issuer == bindparam("iss"))
    )
    return Precompiled(
        query.where(_CLIENT.c.client_id == bindparam("client_id")) if by_client_id else query.limit(2)
    )


@functools.cache
def _launch_registration_query() -> Precompiled:
    # An empty deployment id matches no row: deployment ids are never empty.
    known = (
        select(_DEPLOYMENT.c.id)
        .where(
            _DEPLOYMENT.c.client_pk == _CLIENT.c.id,
            _DEPLOYMENT.c.deployment_id == bindparam("deployment_id"),
        )
        .exists()
    )
    return Precompiled(
        select(*_CLIENT_COLUMNS, known.label("deployment_known"))
        .select_from(_CLIENT)
        .join(_PLATFORM, _PLATFORM.c.id == _CLIENT.c.platform_id)
        .where(_PLATFORM.c.issuer == bindparam("iss"), _CLIENT.c.client_id == bindparam("client_id"))
    )


class DatabaseToolConf(ToolConfAbstract[t.Any]):
    """Registrations and deployments read from the database on each request.

    Every issuer may have many client ids (one per Moodle registration), so the
    'one client per issuer' compatibility mode of pylti1p3 is never used.
    """

    def __init__(self) -> None:
        # pylti1p3 declares this mapping on the class, so every instance (and every
        # request) would share and mutate one dict; give each instance its own.
        self.issuers_relation_types: dict[str, str] = {}
        self._signing_key: SigningKey | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def set_iss_has_one_client(self, iss: str) -> None:
        raise NotImplementedError("Every issuer may have many client ids here.")

    def set_iss_has_many_clients(self, iss: str) -> None:
        self.issuers_relation_types[iss] = IssuerToClientRelation.MANY_CLIENTS_IDS_PER_ISSUER

    def issuer_exists(self, iss: str) -> bool:
        return db.session.execute(select(Platform.id).where(Platform.issuer == iss)).first() is not None

    def find_client(self, iss: str, client_id: str | None) -> ClientRecord | None:
        """The registration for an issuer and client id.

        The client id is optional in a login initiation; without it, an issuer with a
        single registration is unambiguous.
        """
        if not iss:
            return None
        if client_id:
            row = _client_query(by_client_id=True).first({"iss": iss, "client_id": client_id})
            return _client_record(row) if row is not None else None
        rows = _client_query(by_client_id=False).all({"iss": iss})
        return _client_record(rows[0]) if len(rows) == 1 else None

    def find_client_by_pk(self, client_pk: int) -> ClientRecord | None:
        row = db.session.execute(
            select(*_CLIENT_COLUMNS)
            .select_from(_CLIENT)
            .join(_PLATFORM, _PLATFORM.c.id == _CLIENT.c.platform_id)
            .where(_CLIENT.c.id == client_pk)
        ).first()
        return _client_record(row) if row is not None else None

    def find_launch_registration(
        self, iss: str, client_id: str, deployment_id: object
    ) -> tuple[ClientRecord | None, bool]:
        """The registration of a launch and whether it knows the deployment: one query."""
        deployment = deployment_id if isinstance(deployment_id, str) and deployment_id else ""
        row = _launch_registration_query().first(
            {"iss": iss, "client_id": client_id, "deployment_id": deployment}
        )
        return (_client_record(row), bool(row[12])) if row is not None else (None, False)

    def signing_key(self) -> SigningKey:
        if self._signing_key is None:
            self._signing_key = current_signing_key()
        return self._signing_key

    def registration_for(self, client: ClientRecord) -> Registration:
        platform = client.platform
        registration = ToolRegistration(self.signing_key)
        registration.set_issuer(platform.issuer)
        registration.set_client_id(client.client_id)
        registration.set_auth_login_url(platform.auth_login_url)
        registration.set_auth_token_url(platform.auth_token_url)
        registration.set_key_set_url(platform.key_set_url)
        return registration

    def find_registration_by_issuer(self, iss: str, *args: t.Any, **kwargs: t.Any) -> Registration:
        raise NotImplementedError("Look registrations up by issuer and client id.")

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: t.Any, **kwargs: t.Any
    ) -> Registration | None:  # type: ignore[override]
        client = self.find_client(iss, client_id)
        return self.registration_for(client) if client is not None else None

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        raise NotImplementedError("Look deployments up by issuer, client id and deployment.")

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: t.Any, **kwargs: t.Any
    ) -> LtiDeployment | None:  # type: ignore[override]
        if not isinstance(deployment_id, str) or not deployment_id:
            return None
        found = db.session.execute(
            select(Deployment.id)
            .join(PlatformClient)
            .join(Platform)
            .where(
                Platform.issuer == iss,
                PlatformClient.client_id == client_id,
                Deployment.deployment_id == deployment_id,
            )
        ).first()
        return LtiDeployment().set_deployment_id(deployment_id) if found else None
