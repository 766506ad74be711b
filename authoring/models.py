"""A site's library: its own modules as drafts, every saved text, and published versions.

A *site* is a Moodle site, the tool's ``platform`` row: its trainers share its library,
and no other site sees it. What learners read is always a published module (``module``,
``page``, ``page_text`` rows with ``module.site_id`` set), written by publishing, so the
learner's path reads what it read before; the drafts live here until then.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.database import db, utcnow


class LibraryModule(db.Model):
    """A site's own module: adapted from a shipped one, or new."""

    __tablename__ = "library_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    # The published module's slug (in learners' URLs), fixed when the draft is made.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    summary: Mapped[dict[str, str]] = mapped_column(JSON)
    estimated_minutes: Mapped[int]
    completion_rule: Mapped[str] = mapped_column(String(32))
    # The shipped module it was copied from, and what that one's texts were then (a
    # fingerprint, authoring.library.release_of), to say when a newer release arrives.
    adapted_from_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="SET NULL"))
    adapted_release: Mapped[str | None] = mapped_column(String(64))
    # The original's changes since the copy that a trainer took over or left: by
    # "<draft page id>/<language>" a text's, "added/<page id>" a new page's,
    # "retired/<draft page id>" a retired page's, "question/<idnumber>" and
    # "question-retired/<idnumber>" a question's; each the fingerprint of the original as
    # it was then (authoring.upstream, upstream_pages, upstream_quiz).
    upstream_seen: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # The published module (``module`` row), once the draft has been published.
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("module.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    # Bumped by every change to the draft (a text, a page): "changed since published".
    draft_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    pages: Mapped[list[DraftPage]] = relationship(
        back_populates="library_module", order_by="DraftPage.position"
    )


class DraftPage(db.Model):
    __tablename__ = "draft_page"
    __table_args__ = (UniqueConstraint("library_module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_module_id: Mapped[int] = mapped_column(
        ForeignKey("library_module.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    # The shipped page it was copied from: what changed there since is shown page by page.
    source_page_id: Mapped[int | None] = mapped_column(ForeignKey("page.id", ondelete="SET NULL"))
    # That page's slug: kept when a newer release deletes the page (source_page_id is then
    # NULL), so the copy can say the original retired it (authoring.upstream_pages).
    source_slug: Mapped[str | None] = mapped_column(String(100))
    removed_at: Mapped[datetime | None]

    library_module: Mapped[LibraryModule] = relationship(back_populates="pages")
    texts: Mapped[list[DraftText]] = relationship(back_populates="page", order_by="DraftText.language")


class DraftText(db.Model):
    """A page's text in one language, as last saved. ``revision`` counts its saves: a
    save names the revision it was written on, and one made on an older one is a
    conflict, never an overwrite."""

    __tablename__ = "draft_text"
    __table_args__ = (UniqueConstraint("draft_page_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_page_id: Mapped[int] = mapped_column(ForeignKey("draft_page.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    body_markdown: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    # A translation: the revision of the Finnish text it was written against. Behind the
    # source while the Finnish text's revision is newer.
    source_revision: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))

    page: Mapped[DraftPage] = relationship(back_populates="texts")


class TextRevision(db.Model):
    """Every text ever saved, kept: the history, what changed in a source since a
    translation, and a conflicting save set aside (``revision`` NULL) so that nothing
    either of two trainers wrote is lost."""

    __tablename__ = "draft_text_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_text_id: Mapped[int] = mapped_column(
        ForeignKey("draft_text.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300))
    body_markdown: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))


class ModuleVersion(db.Model):
    """A publication: who, when, why, and everything learners got (``snapshot``)."""

    __tablename__ = "module_version"
    __table_args__ = (UniqueConstraint("library_module_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_module_id: Mapped[int] = mapped_column(
        ForeignKey("library_module.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    note: Mapped[str] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    snapshot: Mapped[dict[str, object]] = mapped_column(JSON)
