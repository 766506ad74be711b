"""The certificate record: codes that cannot be guessed, issued once, kept as issued."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update

from certificates import codes, services
from certificates.models import Certificate
from certificates.pdf import Wording, render
from certificates.services import Earner, Face, Subject
from courses.database import db
from courses.models import Module
from tests.certificates.helpers import learner_and_course, pdf_text
from tests.lti import launch


def test_codes_are_80_random_bits_in_a_readable_alphabet():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    assert len(codes.ALPHABET) == 32 and codes.LENGTH * 5 >= 80
    assert not set("ILOU") & set(codes.ALPHABET)
    assert all(len(c) == 16 and set(c) <= set(codes.ALPHABET) for c in made)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("ABCD-EFGH-JKMN-PQRS", "ABCDEFGHJKMNPQRS"),
        (" abcd efgh jkmn pqrs ", "ABCDEFGHJKMNPQRS"),
        ("0OIL-1111-2222-3333", "0011111122223333"),  # O read as 0, I and L as 1
        ("ABCD-EFGH-JKMN-PQR", None),
        ("ABCD-EFGH-JKMN-PQRU", None),  # U is not in the alphabet
        ("", None),
    ],
)
def test_a_typed_code_is_normalised(typed, stored):
    assert codes.normalise(typed) == stored


def test_codes_are_shown_in_groups_of_four():
    assert codes.display("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"


def _face(name: str = "Demo Osallistuja") -> Face:
    return Face(
        learner_name=name,
        organisation="Esimerkkikunta",
        language="fi",
        programme_title={"fi": "Avaimet työelämään"},
        modules=[{"fi": "Suomalainen työelämä"}],
        completed_on=date(2026, 12, 3),
    )


def test_a_certificate_is_issued_once_and_kept_as_issued(site):
    launch(site.browser())
    learner, context = learner_and_course(site.app, "2001")
    with site.app.app_context():
        module_id, programme_id = db.session.execute(
            select(Module.id, Module.programme_id).where(Module.slug == "finnish-working-life")
        ).one()
        earner = Earner(learner, context, context, None)
        first = services.issue(earner, Subject(programme_id), _face())
        again = services.issue(earner, Subject(programme_id), _face("Someone Renamed"))
        assert again.code == first.code and again.learner_name == "Demo Osallistuja"
        module_certificate = services.issue(earner, Subject(programme_id, module_id), _face())
        assert module_certificate.code != first.code
        # Content changes later: the module is renamed, or removed (looked at inside one
        # transaction that is then rolled back: the shipped content stays for other tests).
        db.session.execute(
            update(Module).where(Module.id == module_id).values(title={"fi": "Uusi"})
        )
        db.session.expunge_all()
        kept = services.find(codes.display(first.code))
        assert kept is not None and kept.modules == [{"fi": "Suomalainen työelämä"}]
        db.session.execute(Module.__table__.delete().where(Module.id == module_id))
        db.session.expunge_all()
        kept_module = services.find(module_certificate.code)
        assert kept_module is not None and kept_module.module_id is None  # emptied, not removed
        assert kept_module.modules == [{"fi": "Suomalainen työelämä"}]
        assert db.session.execute(select(func.count()).select_from(Certificate)).scalar_one() == 2
        db.session.rollback()


def test_unknown_and_malformed_codes_find_nothing(site):
    with site.app.app_context():
        assert services.find("ABCD-EFGH-JKMN-PQRS") is None
        assert services.find("not a code") is None


def test_the_pdf_holds_real_text_in_cyrillic_and_finnish_with_its_metadata():
    import io

    from pypdf import PdfReader

    certificate = Certificate(
        code="ABCDEFGHJKMNPQRS",
        learner_name="Дарья Демо",
        organisation="Esimerkkikunta",
        language="ru",
        scope="programme",
        programme_title={"ru": "Ключи к трудовой жизни", "fi": "Avaimet työelämään"},
        modules=[{"ru": "Поиск работы", "fi": "Työnhaku"}],
        completed_on=date(2026, 12, 3),
        issued_at=datetime(2026, 12, 3, tzinfo=UTC),
    )
    wordings = [
        Wording(
            "ru",
            "Сертификат",
            "завершила программу",
            "Модуль",
            "3 декабря 2026 г.",
            "Выдан: Esimerkkikunta",
            "Код: ABCD-EFGH-JKMN-PQRS",
            "Проверка: https://x/verify",
        ),
        Wording(
            "fi",
            "Todistus",
            "on suorittanut ohjelman",
            "Moduuli",
            "3. joulukuuta 2026",
            "Myöntäjä Esimerkkikunta",
            "Koodi: ABCD-EFGH-JKMN-PQRS",
            "Tarkista: https://x/verify",
        ),
    ]
    content = render(certificate, wordings)
    text = pdf_text(content)
    for expected in (
        "Дарья Демо",
        "Ключи к трудовой жизни",
        "Поиск работы",
        "Avaimet työelämään",
        "Työnhaku",
        "3 декабря 2026",
        "3. joulukuuta 2026",
        "ABCD-EFGH-JKMN-PQRS",
    ):
        assert expected in text
    assert text.index("Сертификат") < text.index("Todistus")  # the learner's language first
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Сертификат: Ключи к трудовой жизни"
    assert reader.trailer["/Root"]["/Lang"] == "ru"
    assert [entry["/Title"] for entry in reader.outline] == ["Сертификат", "Todistus"]
    assert "/Font" in str(reader.pages[0]["/Resources"]) and not reader.pages[0].images
