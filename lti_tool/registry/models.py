"""A platform is one issuer; each registration in it has its own client id and deployments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.database import db, utcnow


class Platform(db.Model):
    __tablename__ = "platform"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    key_set_url: Mapped[str] = mapped_column(String(1000))
    # The platform's JWKS as last fetched, shared by every worker and host.
    key_set_json: Mapped[str | None] = mapped_column(Text)
    key_set_fetched_at: Mapped[datetime | None]
    key_set_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    clients: Mapped[list[PlatformClient]] = relationship(
        back_populates="platform", cascade="all, delete-orphan", order_by="PlatformClient.id"
    )


class PlatformClient(db.Model):
    """One tool registration on a platform (Moodle gives each its own client id)."""

    __tablename__ = "platform_client"
    __table_args__ = (UniqueConstraint("platform_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates="clients")
    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Deployment.id"
    )


class Deployment(db.Model):
    __tablename__ = "deployment"
    __table_args__ = (UniqueConstraint("client_pk", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("platform_client.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    client: Mapped[PlatformClient] = relationship(back_populates="deployments")
