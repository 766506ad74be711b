"""An invitation to register a platform: only a hash of its secret is kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from courses.database import db, utcnow


class RegistrationInvitation(db.Model):
    __tablename__ = "registration_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # sha256 of the secret in the invitation's URL, hex; the secret itself is never stored.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # What the invitation registered (kept when that registration is removed later).
    issuer: Mapped[str | None] = mapped_column(String(255))
    client_id: Mapped[str | None] = mapped_column(String(255))
    platform_client_pk: Mapped[int | None] = mapped_column(
        ForeignKey("platform_client.id", ondelete="SET NULL")
    )

    @property
    def status(self) -> str:
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "open"
