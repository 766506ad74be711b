"""Every module of both programmes ships a quiz in every language of its pages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quizzes.gift.parser import parse_gift

CONTENT = Path(__file__).resolve().parents[2] / "courses" / "content"
MODULES = sorted(p.parent for p in CONTENT.glob("*/*/module.yaml"))


def _languages(module: Path) -> list[str]:
    return yaml.safe_load((module.parent / "programme.yaml").read_text(encoding="utf-8"))[
        "languages"
    ]


@pytest.mark.parametrize("module", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_module_has_a_quiz_in_each_language_with_the_same_questions(module: Path):
    quizzes = {}
    for language in _languages(module):
        path = module / f"quiz.{language}.gift"
        assert path.is_file(), f"missing {path}"
        quizzes[language] = parse_gift(path.read_text(encoding="utf-8"), str(path))
    source = quizzes["fi"]
    scored = [q for q in source if q.kind not in {"essay", "description"}]
    assert 6 <= len([q for q in source if q.kind != "description"]) <= 10, module
    assert [q.kind for q in source].count("essay") == 1, "one open reflection per quiz"
    assert len({q.kind for q in scored}) >= 3, "a mix of question types"
    assert all(q.idnumber for q in source) and len({q.idnumber for q in source}) == len(source)
    for language, questions in quizzes.items():
        assert [(q.idnumber, q.kind) for q in questions] == [
            (q.idnumber, q.kind) for q in source
        ], language
        for q in questions:
            assert q.category == f"{module.parent.name}/{module.name.split('-', 1)[1]}", (
                language,
                q.idnumber,
            )
            if q.kind != "essay":
                assert q.general_feedback, (
                    f"{language} {q.idnumber}: no general feedback that teaches"
                )
            if q.kind in {"single", "multiple"}:
                assert all(c.feedback for c in q.choices), (
                    f"{language} {q.idnumber}: an answer without feedback"
                )
