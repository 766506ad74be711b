"""Images in a site's pages: an upload checked, re-encoded and stored with its required
alternative text, the Markdown that shows it, and the bytes served back.

An upload is hostile until Pillow has read it: its name and declared type are never
looked at. Only PNG, JPEG, WebP and GIF are opened (no other decoder is tried), the pixel
count is checked from the header before anything is decoded (a small file can unpack to
gigabytes), and the image is re-encoded from its pixels alone, so that nothing else in
the file reaches learners: no EXIF (a phone photo's GPS position, the camera's serial
number), no XMP, no comments, no trailing bytes. A photo's EXIF orientation is applied
first, so it does not come out lying on its side.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps
from sqlalchemy import func, select

from authoring.drafts import InvalidText, draft_page, save_text
from authoring.media_models import MediaImage
from authoring.models import DraftText
from authoring.refusals import Refusal
from courses.database import db
from courses.languages import SOURCE_LANGUAGE
from courses.packages.render import MEDIA_PATH, MEDIA_PREFIX, render_markdown

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_STORED_BYTES = MAX_UPLOAD_BYTES
# Checked from the header before decoding: 25 million pixels decode to at most 100 MB.
MAX_PIXELS = 25_000_000
# Larger images are scaled down to this on their longer side: a page's column on a
# high-density screen is narrower, and learners often read over mobile data.
MAX_STORED_SIDE = 1600
MAX_SITE_BYTES = 250 * 1024 * 1024  # all of a site's images together
MAX_ALT = 250
KEY_BYTES = 24  # 192 random bits: 32 URL-safe characters
# Control characters (a line break too: alternative text is one line), lone surrogates.
_ALT_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# What Markdown would read as markup inside ![...]: escaped, so the alt text stays as written.
_ALT_MARKUP = re.compile(r"([\\`*_\[\]<>&!])")
_SOURCES = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WEBP", "GIF": "PNG"}  # what each is stored as
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


class ImageRefused(Refusal):
    """An image that is not stored; ``code`` says why (for the message in the page)."""


@dataclass(frozen=True)
class Processed:
    content_type: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Stored:
    key: str
    width: int
    height: int
    markdown: str  # ![alt](/media/<key>), to put into the page's text

    @property
    def path(self) -> str:
        return MEDIA_PREFIX + self.key


def clean_alt(alt: object) -> str:
    if not isinstance(alt, str):
        raise ImageRefused("alt_missing")
    alt = alt.strip()
    if not alt:
        raise ImageRefused("alt_missing")
    if len(alt) > MAX_ALT:
        raise ImageRefused("alt_too_long")
    if _ALT_UNSTORABLE.search(alt):
        raise ImageRefused("alt_bad_characters")
    return alt


def markdown_for(alt: str, key: str) -> str:
    escaped = _ALT_MARKUP.sub(r"\\\1", alt)
    return f"![{escaped}]({MEDIA_PREFIX}{key})"


def read_upload(stream: IO[bytes]) -> bytes:
    """An upload's bytes, reading no more than one byte over the limit."""
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRefused("too_large", f"over {MAX_UPLOAD_BYTES} bytes")
    return data


def _without_metadata(image: Image.Image, target: str) -> Image.Image:
    """The first frame's pixels in a mode the target format writes, and nothing else.
    (An animation keeps its first frame: moving images without a pause button fail
    WCAG 2.2.2, and every frame would be one more image to decode.)"""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    if target == "JPEG":
        wanted = "L" if image.mode in {"1", "L"} else "RGB"
    elif image.mode == "P" and target == "PNG" and not has_alpha:
        wanted = "P"
    elif image.mode == "L" and target == "PNG":
        wanted = "L"
    else:
        wanted = "RGBA" if has_alpha else "RGB"
    if image.mode != wanted:
        image = image.convert(wanted)
    if max(image.size) > MAX_STORED_SIDE:
        if image.mode == "P":
            image = image.convert("RGB")
        image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    image.info = {}  # EXIF, XMP, comments, text chunks: none of it is written
    return image


def process(data: bytes) -> Processed:
    """The image re-encoded, or ImageRefused. Pure: nothing is read or written elsewhere."""
    if not data:
        raise ImageRefused("empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRefused("too_large", f"{len(data)} bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(_SOURCES)) as probe:
                source_format = probe.format or ""
                width, height = probe.size
                if width * height > MAX_PIXELS or width < 1 or height < 1:
                    raise ImageRefused("too_many_pixels", f"{width}x{height}")
                probe.verify()  # the whole file's structure and checksums, before decoding
            with Image.open(io.BytesIO(data), formats=[source_format]) as image:
                if source_format == "JPEG":  # decoded at a reduced scale when that suffices
                    image.draft("RGB", (MAX_STORED_SIDE, MAX_STORED_SIDE))
                image.seek(0)
                image.load()
                oriented = ImageOps.exif_transpose(image)
                target = _SOURCES[source_format]
                clean = _without_metadata(oriented, target)
                out = io.BytesIO()
                if target == "JPEG":
                    clean.save(out, "JPEG", quality=85, optimize=True)
                elif target == "WEBP":
                    clean.save(out, "WEBP", quality=85, method=4)
                else:
                    clean.save(out, "PNG", optimize=True)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused("too_many_pixels", str(exc)[:200]) from exc
    except Exception as exc:  # any decoder's failure on a hostile file means the same
        raise ImageRefused("not_an_image", f"{type(exc).__name__}: {exc}"[:200]) from exc
    encoded = out.getvalue()
    if len(encoded) > MAX_STORED_BYTES:
        raise ImageRefused("too_large", f"{len(encoded)} bytes re-encoded")
    return Processed(CONTENT_TYPES[target], encoded, clean.width, clean.height)


def store(
    site_id: int, page_id: int, language: str, data: bytes, alt: object, author_id: int | None
) -> Stored:
    """Store an image uploaded into a page of this site's library (NotInLibrary for any
    other). The same image uploaded again by the site keeps its one copy and address.
    Commits; nothing is written if refused."""
    _, library_module, languages = draft_page(site_id, page_id)
    if language not in languages:
        raise ImageRefused("language_not_offered", language)
    alt = clean_alt(alt)
    image = process(data)
    digest = hashlib.sha256(image.data).hexdigest()
    existing = db.session.execute(
        select(MediaImage.key, MediaImage.width, MediaImage.height).where(
            MediaImage.site_id == site_id, MediaImage.sha256 == digest
        )
    ).first()
    if existing is not None:
        db.session.rollback()  # only read: the transaction ends here too
        return Stored(existing.key, existing.width, existing.height, markdown_for(alt, existing.key))
    used = db.session.execute(
        select(func.coalesce(func.sum(MediaImage.byte_size), 0)).where(MediaImage.site_id == site_id)
    ).scalar_one()
    if used + len(image.data) > MAX_SITE_BYTES:
        db.session.rollback()
        raise ImageRefused("site_full", f"{used} bytes used")
    key = secrets.token_urlsafe(KEY_BYTES)
    db.session.add(
        MediaImage(
            key=key, site_id=site_id, library_module_id=library_module.id,
            content_type=image.content_type, data=image.data, byte_size=len(image.data),
            width=image.width, height=image.height, sha256=digest, alt_text=alt,
            language=language, created_by=author_id,
        )
    )
    db.session.commit()
    return Stored(key, image.width, image.height, markdown_for(alt, key))


def add_to_text(site_id: int, page_id: int, language: str, markdown: str, author_id: int | None) -> object:
    """Append an image's Markdown to the page's saved text in ``language``, over the
    revision saved now (drafts.save_text: Saved, or Conflict if a save lands in
    between). None when the page has no text in that language yet."""
    page, _, _ = draft_page(site_id, page_id)
    text = db.session.execute(
        select(DraftText).where(DraftText.draft_page_id == page.id, DraftText.language == language)
    ).scalar_one_or_none()
    if text is None:
        db.session.rollback()
        return None
    body = text.body_markdown.rstrip("\n")
    body = f"{body}\n\n{markdown}\n" if body.strip() else f"{markdown}\n"
    try:
        return save_text(
            site_id, page_id, language, base_revision=text.revision, title=text.title, body=body,
            author_id=author_id,
            source_revision=None if language == SOURCE_LANGUAGE else text.source_revision,
            refuse_scripts=False,  # the saved text with the image's own line added
        )
    except InvalidText:  # the text would be too long with it: the trainer places it
        db.session.rollback()
        return None


def image_sizes(markdown: str) -> dict[str, tuple[int, int]]:
    """The width and height of each of this tool's images that ``markdown`` shows."""
    keys = {m.group(0)[len(MEDIA_PREFIX):] for m in MEDIA_PATH.finditer(markdown)}
    if not keys:
        return {}
    rows = db.session.execute(
        select(MediaImage.key, MediaImage.width, MediaImage.height).where(MediaImage.key.in_(keys))
    ).all()
    return {MEDIA_PREFIX + key: (width, height) for key, width, height in rows}


def render(markdown: str) -> str:
    """A page body as learners get it, its images with their width and height (so that
    the page does not jump as they load)."""
    return render_markdown(markdown, image_sizes=image_sizes(markdown))


@dataclass(frozen=True)
class Served:
    content_type: str
    data: bytes
    sha256: str


def served(key: str) -> Served | None:
    """The image at /media/<key>, for anyone who has its address, or None."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{32}", key):
        return None
    row = db.session.execute(
        select(MediaImage.content_type, MediaImage.data, MediaImage.sha256).where(MediaImage.key == key)
    ).first()
    return Served(row[0], bytes(row[1]), row[2]) if row else None
