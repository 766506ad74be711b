"""Programmes, modules and pages as loaded from the content packages.

Texts are kept per language; a page's HTML is rendered once, when the package is
loaded, never per view. Modules and pages removed from the files are retired (kept
with ``retired_at``) while learners have history on them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.database import db, utcnow

AUDIENCES = ("participant", "employer_mentor")
COMPLETION_RULES = ("pages_seen", "quiz_passed", "pages_and_quiz")


class Programme(db.Model):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    audience: Mapped[str] = mapped_column(String(32))
    languages: Mapped[list[str]] = mapped_column(JSON)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    summary: Mapped[dict[str, str]] = mapped_column(JSON)
    # glossary.yaml's entries (courses.glossary), or none: pages are marked with them at load.
    glossary: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    modules: Mapped[list[Module]] = relationship(
        back_populates="programme", order_by="Module.position"
    )


class Module(db.Model):
    __tablename__ = "module"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    # Unique across programmes: a Moodle activity names its module by slug alone.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int]
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    summary: Mapped[dict[str, str]] = mapped_column(JSON)
    estimated_minutes: Mapped[int]
    completion_rule: Mapped[str] = mapped_column(String(32))
    retired_at: Mapped[datetime | None]
    # NULL: a shipped module (content packages), in every site's library. Otherwise the
    # site (the tool's platform id) whose trainers published it (authoring/): only that
    # site's pickers and launches see it.
    site_id: Mapped[int | None] = mapped_column(index=True)

    programme: Mapped[Programme] = relationship(back_populates="modules")
    pages: Mapped[list[Page]] = relationship(back_populates="module", order_by="Page.position")


class Page(db.Model):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    retired_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship(back_populates="pages")
    texts: Mapped[list[PageText]] = relationship(
        back_populates="page", cascade="all, delete-orphan", order_by="PageText.language"
    )


class PageText(db.Model):
    """One page in one language: the Markdown as written and the sanitised HTML."""

    __tablename__ = "page_text"
    __table_args__ = (UniqueConstraint("page_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)

    page: Mapped[Page] = relationship(back_populates="texts")
