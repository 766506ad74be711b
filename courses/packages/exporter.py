"""Write a programme from the database back to the package format it was loaded from."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from courses.database import db
from courses.models import Programme


class UnknownProgramme(LookupError):
    pass


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def export_programme(slug: str, target: Path, site: int | None = None) -> Path:
    """Write programme ``slug`` (live modules and pages only) to ``target/<slug>``: the
    shipped modules, or with ``site`` that site's own published ones (authoring)."""
    programme = db.session.execute(select(Programme).filter_by(slug=slug)).scalar_one_or_none()
    if programme is None:
        raise UnknownProgramme(slug)
    root = target / programme.slug
    if root.exists():
        shutil.rmtree(root)  # an export is the package as it is now, no stale files
    root.mkdir(parents=True)
    (root / "programme.yaml").write_text(
        _yaml(
            {
                "slug": programme.slug,
                "audience": programme.audience,
                "languages": programme.languages,
                "title": programme.title,
                "summary": programme.summary,
            }
        ),
        encoding="utf-8",
    )
    if programme.glossary and site is None:  # the programme's words (courses/glossary.py)
        terms = [{k: v for k, v in entry.items() if v} for entry in programme.glossary]
        (root / "glossary.yaml").write_text(_yaml({"terms": terms}), encoding="utf-8")
    for module in programme.modules:
        if module.retired_at is not None or module.site_id != site:
            continue
        folder = root / f"{module.position:02d}-{module.slug}"
        folder.mkdir()
        (folder / "module.yaml").write_text(
            _yaml(
                {
                    "slug": module.slug,
                    "estimated_minutes": module.estimated_minutes,
                    "completion": module.completion_rule,
                    "title": module.title,
                    "summary": module.summary,
                }
            ),
            encoding="utf-8",
        )
        for page in module.pages:
            if page.retired_at is not None:
                continue
            for text in page.texts:
                front = _yaml({"title": text.title})
                (folder / f"{page.position:02d}-{page.slug}.{text.language}.md").write_text(
                    f"---\n{front}---\n{text.body_markdown}", encoding="utf-8"
                )
    return root
