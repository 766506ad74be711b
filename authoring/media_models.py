"""Images that trainers put into their pages, kept in the database.

The database is what every tool host already shares, so any host serves any image (no
server's own disk, no shared file system or object store to run). An image is small
(at most authoring.images.MAX_STORED_BYTES after re-encoding) and is read once per
learner's browser: its address never changes its content, so browsers cache it for good.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from courses.database import db, utcnow


class MediaImage(db.Model):
    """One uploaded image, re-encoded without its metadata. ``key`` is its address
    (``/media/<key>``): random and unguessable, it is the only access control, since
    learners' browsers load it inside Moodle's iframe without any session."""

    __tablename__ = "media_image"
    __table_args__ = (Index("ix_media_image_site_id_sha256", "site_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    # The module it was first uploaded into (kept if that draft ever goes: published
    # pages may still show the image).
    library_module_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_module.id", ondelete="SET NULL"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    byte_size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # The uploader's alternative text and its language; each page's Markdown carries
    # the alternative text in its own language (![alt](/media/<key>)).
    alt_text: Mapped[str] = mapped_column(String(250))
    language: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
