from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from courses.database import db, utcnow


class KeyStatus(enum.Enum):
    CURRENT = "current"  # signs everything new; published
    PREVIOUS = "previous"  # no longer signs; still published so tokens in flight verify
    RETIRED = "retired"  # neither signs nor is published


class ToolKey(db.Model):
    __tablename__ = "tool_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_jwk_json: Mapped[str] = mapped_column(Text)
    status: Mapped[KeyStatus] = mapped_column(
        Enum(KeyStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
