"""A site's images travel with its exported modules: each image a page shows, by its key,
in the package's ``media/`` folder, read back on the other installation under the same
key, so that the pages' Markdown (``![alt](/media/<key>)``) shows them there too."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select

from authoring.images import ImageRefused, clean_alt, process
from authoring.media_models import MediaImage
from courses.database import db
from courses.packages.render import MEDIA_PATH, MEDIA_PREFIX

MEDIA_FOLDER = "media"  # in a content package; the package reader leaves it alone
INDEX = "images.yaml"
_KEY = re.compile(r"[A-Za-z0-9_-]{32}")
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


@dataclass(frozen=True)
class Transferred:
    written: int
    missing: tuple[str, ...]  # keys a page shows that this installation does not have


def keys_in(markdown: str) -> set[str]:
    return {m.group(0)[len(MEDIA_PREFIX):] for m in MEDIA_PATH.finditer(markdown)}


def write_images(site_id: int, package: Path) -> Transferred:
    """Every image of the site that the package's Markdown files show, into ``media/``."""
    wanted: set[str] = set()
    for path in package.glob("*/*.md"):
        wanted |= keys_in(path.read_text(encoding="utf-8"))
    if not wanted:
        return Transferred(0, ())
    rows = db.session.execute(
        select(MediaImage).where(MediaImage.key.in_(wanted), MediaImage.site_id == site_id)
    ).scalars().all()
    folder = package / MEDIA_FOLDER
    folder.mkdir(exist_ok=True)
    index = {}
    for row in rows:
        name = f"{row.key}.{_EXTENSIONS[row.content_type]}"
        (folder / name).write_bytes(row.data)
        index[row.key] = {"file": name, "alt": row.alt_text, "language": row.language}
    (folder / INDEX).write_text(yaml.safe_dump(index, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return Transferred(len(rows), tuple(sorted(wanted - {r.key for r in rows})))


def read_images(site_id: int, package: Path) -> int:
    """The package's images into the site, each checked and re-encoded as an upload is,
    under its own key; one the installation has already is left as it is. Commits."""
    index_path = package / MEDIA_FOLDER / INDEX
    if not index_path.is_file():
        return 0
    index = yaml.safe_load(index_path.read_text(encoding="utf-8")) or {}
    if not isinstance(index, dict):
        raise ImageRefused("not_an_image", f"{index_path}: not a mapping")
    added = 0
    for key, entry in sorted(index.items()):
        if not isinstance(key, str) or not _KEY.fullmatch(key) or not isinstance(entry, dict):
            raise ImageRefused("not_an_image", f"{index_path}: {str(key)[:40]!r}")
        if db.session.execute(select(MediaImage.id).where(MediaImage.key == key)).first():
            continue
        file = package / MEDIA_FOLDER / Path(str(entry.get("file", ""))).name
        image = process(file.read_bytes() if file.is_file() else b"")
        db.session.add(
            MediaImage(
                key=key, site_id=site_id, content_type=image.content_type, data=image.data,
                byte_size=len(image.data), width=image.width, height=image.height,
                sha256=hashlib.sha256(image.data).hexdigest(), alt_text=clean_alt(entry.get("alt")),
                language=str(entry.get("language", "fi"))[:16],
            )
        )
        added += 1
    db.session.commit()
    return added
