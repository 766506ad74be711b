"""The layering stays visible: lti_tool is the only importer of pylti1p3, and the
domains (courses, quizzes, authoring) know nothing of LTI; quizzes may use courses, never
the reverse, and authoring may use both."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "courses": ("lti_tool", "quizzes", "authoring", "pylti1p3", "flask"),
    "quizzes": ("lti_tool", "pylti1p3", "authoring"),
    "authoring": ("lti_tool", "pylti1p3", "flask"),
    "certificates": ("lti_tool", "pylti1p3", "flask", "authoring"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_domain_packages_do_not_import_upwards(package):
    for path in (ROOT / package).rglob("*.py"):
        for name in _imports(path):
            # (Flask-SQLAlchemy, a separate top-level package, is the shared model base.)
            assert name.split(".")[0] not in FORBIDDEN[package], f"{path.relative_to(ROOT)} imports {name}"


def test_only_lti_tool_imports_pylti1p3():
    for package in ("courses", "quizzes", "authoring", "certificates", "migrations"):
        for path in (ROOT / package).rglob("*.py"):
            assert not any(n.split(".")[0] == "pylti1p3" for n in _imports(path)), path
