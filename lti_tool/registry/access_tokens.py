"""OAuth2 access tokens for the platforms' services, cached in the database.

Shared by every worker and host, keyed by the registration (issuer *and* client id)
and the scope set, and dropped shortly before they expire or as soon as the platform
says one is no longer valid; never one token request per service call.
"""

from __future__ import annotations

import hashlib
import threading
import typing as t
from datetime import datetime, timedelta

import requests
from pylti1p3.exception import LtiServiceException
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector, TServiceConnectorResponse
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from courses.database import db, utcnow

# Stop using a token this long before the platform says it expires.
EXPIRY_MARGIN = timedelta(seconds=60)


class PlatformAccessToken(db.Model):
    __tablename__ = "platform_access_token"
    __table_args__ = (UniqueConstraint("client_pk", "scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("platform_client.id", ondelete="CASCADE"))
    scope_key: Mapped[str] = mapped_column(String(64))
    access_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]


class CachedTokenServiceConnector(ServiceConnector):
    """pylti1p3's service connector with a token cache it leaves unimplemented.

    The cache has its own short transactions, so call services outside a write
    transaction of your own (on SQLite the two would wait for each other).
    """

    def __init__(self, registration: Registration, client_pk: int, http: requests.Session) -> None:
        super().__init__(registration, http)
        self._client_pk = client_pk
        # What this connector has read or fetched (a worker reuses one for many scores).
        self._memory: dict[str, tuple[str, datetime]] = {}

    _locks: t.ClassVar[dict[tuple[int, str], threading.Lock]] = {}
    _locks_guard: t.ClassVar[threading.Lock] = threading.Lock()

    def _scope_key(self, scopes: t.Iterable[str]) -> str:
        return hashlib.sha256(" ".join(sorted(scopes)).encode()).hexdigest()

    def get_access_token(self, scopes: t.Sequence[str]) -> str:
        """One token request at a time per registration and scope set in this process:
        threads that need the same token wait for it instead of each asking for one."""
        key = (self._client_pk, self._scope_key(scopes))
        with self._locks_guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            return super().get_access_token(scopes)

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        remembered = self._memory.get(scope_key)
        if remembered is not None and remembered[1] > utcnow():
            return remembered[0]
        with Session(db.engine) as session:
            row = session.execute(
                select(PlatformAccessToken.access_token, PlatformAccessToken.expires_at).where(
                    PlatformAccessToken.client_pk == self._client_pk,
                    PlatformAccessToken.scope_key == scope_key,
                    PlatformAccessToken.expires_at > utcnow(),
                )
            ).first()
        if row is None:
            return None
        self._memory[scope_key] = (row[0], row[1])
        return str(row[0])

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        lifetime = timedelta(seconds=float(expires_in or 0)) - EXPIRY_MARGIN
        # Its own short transaction: a cached token is worth keeping whatever the caller does.
        self._memory.pop(scope_key, None)
        with Session(db.engine) as session:
            self._forget(session, scope_key)
            if lifetime > timedelta(0):
                self._memory[scope_key] = (access_token, utcnow() + lifetime)
                session.add(
                    PlatformAccessToken(
                        client_pk=self._client_pk,
                        scope_key=scope_key,
                        access_token=access_token,
                        expires_at=utcnow() + lifetime,
                    )
                )
            session.commit()

    def _forget(self, session: Session, scope_key: str) -> None:
        session.execute(
            delete(PlatformAccessToken).where(
                PlatformAccessToken.client_pk == self._client_pk,
                PlatformAccessToken.scope_key == scope_key,
            )
        )

    def make_service_request(self, scopes: t.Sequence[str], url: str, **kwargs: t.Any) -> TServiceConnectorResponse:
        """One retry with a fresh token when the platform revoked the cached one (401)."""
        try:
            return super().make_service_request(scopes, url, **kwargs)
        except LtiServiceException as exc:
            if exc.response is None or exc.response.status_code != 401:
                raise
        self._memory.pop(self._scope_key(scopes), None)
        with Session(db.engine) as session:
            self._forget(session, self._scope_key(scopes))
            session.commit()
        return super().make_service_request(scopes, url, **kwargs)
