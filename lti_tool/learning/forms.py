"""The learning pages' forms: each CSRF-bound to the launch session (see lti_tool.forms)."""

from __future__ import annotations

import functools
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from lti_tool.forms import LaunchForm
from lti_tool.i18n import UI_LOCALES
from quizzes.model import Pair, Question
from quizzes.types import REGISTRY

LANGUAGE_LABEL = _l("Language of the pages")
INTERFACE_LABEL = _l("Language of the menus")
FOLLOW_MOODLE = _l("as in Moodle")
# The interface languages by their own names (what a learner looks for in a menu).
INTERFACE_ENDONYMS = {"fi": "suomi", "sv": "svenska", "en": "English", "ru": "русский", "uk": "українська"}


class LanguageForm(LaunchForm):
    """Validates the language choice. Every page shows it as plain inputs (page.html):
    building this form for each view cost more than the rest of the form's markup."""

    language = SelectField(LANGUAGE_LABEL, validators=[DataRequired()])
    # The menus' language, apart from the pages' ("": as the launch's locale says).
    interface = SelectField(
        INTERFACE_LABEL,
        choices=[SelectChoice("", FOLLOW_MOODLE)]
        + [SelectChoice(tag, name) for tag, name in INTERFACE_ENDONYMS.items()],
        validate_choice=True,
    )
    # Where to go back to: a page of this launch's programme, as "<module>/<page>".
    back = HiddenField()


class ModulesForm(LaunchForm):
    """A trainer's choice of modules; checkboxes, or one only when the platform says so."""

    modules = SelectMultipleField(
        _l("Modules"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )

    def __init__(self, *args: object, multiple: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.multiple = multiple

    def validate_modules(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one module."))
        if not self.multiple and len(field.data) > 1:
            raise ValidationError(_l("Moodle accepts one module here: choose one."))


class BindForm(LaunchForm):
    module = RadioField(_l("Module"), validators=[DataRequired(_l("Choose a module."))])


def choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3+ wants them."""
    return [SelectChoice(value, label) for value, label in pairs]


@functools.lru_cache(maxsize=1024)
def _attempt_form_class(shape: tuple[tuple[str, int, int], ...]) -> type[LaunchForm]:
    """A form class per shape: each slot's kind and how many choices and pairs it shows
    (all a question type's field depends on)."""
    fields = {}
    for slot, (kind, choices_shown, pairs) in enumerate(shape):
        stand_in = Question(kind=kind, text="", pairs=tuple(Pair(str(i), "") for i in range(pairs)))
        field = REGISTRY[kind].field(stand_in, list(range(choices_shown)))
        if field is not None:
            fields[f"q{slot}"] = field
    return type("AttemptForm", (LaunchForm,), fields)


def attempt_form(
    layout: list[dict[str, Any]], questions: list[Question], formdata: Any = None, **kwargs: Any
) -> LaunchForm:
    """A WTForms form of the attempt's answerable questions, ``q<slot>`` each."""
    shape = tuple(
        (q.kind, len(slot["order"]), len(q.subquestions))
        for slot, q in zip(layout, questions, strict=True)
    )
    return _attempt_form_class(shape)(formdata, **kwargs)


class QuizSettingsForm(LaunchForm):
    pass_mark = IntegerField(
        _l("Pass mark (%)"),
        validators=[InputRequired(), NumberRange(0, 100, _l("Give a percentage from 0 to 100."))],
    )
    attempts_allowed = IntegerField(
        _l("Attempts allowed (0 = no limit)"),
        validators=[InputRequired(), NumberRange(0, 100, _l("Give a number from 0 to 100."))],
    )
    grading_method = RadioField(
        _l("Grade that counts"),
        choices=[
            SelectChoice("highest", _l("the highest attempt")),
            SelectChoice("last", _l("the last attempt")),
        ],
    )
    shuffle_questions = BooleanField(_l("Shuffle the order of the questions"))
    shuffle_answers = BooleanField(_l("Shuffle the order of the answers"))
    random_count = IntegerField(
        _l("Show only this many questions, drawn at random (empty = all)"),
        validators=[Optional(), NumberRange(1, 200, _l("Give a number from 1 to 200."))],
    )
    review_policy = RadioField(
        _l("Show the right answers and feedback"),
        choices=[
            SelectChoice("after_each", _l("after each attempt")),
            SelectChoice("after_passing", _l("only after the learner has passed")),
            SelectChoice("never", _l("never (learners see only their score)")),
        ],
    )
    band_from = FieldList(
        IntegerField(
            validators=[Optional(), NumberRange(0, 100, _l("Give a percentage from 0 to 100."))]
        ),
        min_entries=3,
        max_entries=3,
    )
    band_text = FieldList(
        TextAreaField(validators=[Length(max=1000)]), min_entries=3, max_entries=3
    )

    def __init__(self, *args: object, pool: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.pool = pool  # how many questions the quiz has to draw from

    def validate_random_count(self, field: IntegerField) -> None:
        if self.pool is not None and field.data is not None and field.data > self.pool:
            raise ValidationError(
                ngettext(
                    "This quiz has %(num)d question: give a number from 1 to %(num)d, or leave the box empty.",
                    "This quiz has %(num)d questions: give a number from 1 to %(num)d, or leave the box empty.",
                    self.pool,
                )
            )


class ExportForm(Form):
    """What to export: read from the query string of a download (a GET: no CSRF needed,
    it changes nothing)."""

    class Meta:
        csrf = False

    scope = RadioField(
        _l("Records of"),
        choices=[
            SelectChoice("course", _l("this course")),
            SelectChoice("platform", _l("every course of this Moodle")),
        ],
        default="course",
    )
    programme = SelectField(_l("Programme"), validate_choice=True, default="")
    audience = SelectField(
        _l("Learners"),
        choices=[
            SelectChoice("", _l("all")),
            SelectChoice("participant", _l("participants (job seekers)")),
            SelectChoice("employer_mentor", _l("employer mentors")),
        ],
        default="",
    )
    completed_from = DateField(_l("Completed on or after"), validators=[Optional()])
    completed_to = DateField(_l("Completed on or before"), validators=[Optional()])
    completed_only = BooleanField(_l("Completed modules only"))
    file_format = RadioField(
        _l("File"),
        choices=[
            SelectChoice("xlsx", _l("Excel (XLSX)")),
            SelectChoice("csv_excel", _l("CSV for Excel (; and decimal commas)")),
            SelectChoice("csv", _l("Machine-readable CSV for scripts (English column names, codes, UTC)")),
        ],
        default="xlsx",
        validate_choice=False,
        validators=[AnyOf(("xlsx", "csv_excel", "csv"), message=_l("Choose one of the files offered."))],
    )
    language = SelectField(
        _l("Language of the headers and values"),
        # Each language by its own name (CLDR's), marked as that language.
        choices=[
            SelectChoice(code, Locale.parse(code).get_language_name(code), {"lang": code})
            for code in UI_LOCALES
        ],
        default="fi",
        validate_choice=False,
        validators=[AnyOf(UI_LOCALES, message=_l("Choose one of the languages offered."))],
    )
    time_zone = RadioField(
        _l("Times"),
        choices=[
            SelectChoice("helsinki", _l("Finnish time (Europe/Helsinki)")),
            SelectChoice("utc", _l("UTC")),
        ],
        default="helsinki",
        validate_choice=False,
        validators=[AnyOf(("helsinki", "utc"), message=_l("Choose Finnish time or UTC."))],
    )
    technical = BooleanField(_l("Include technical columns (Moodle address, ids, short names)"))
    pseudonymise = BooleanField(_l("Replace names and e-mail addresses with codes"))

    def validate_completed_to(self, field: DateField) -> None:
        if field.data and self.completed_from.data and field.data < self.completed_from.data:
            raise ValidationError(_l("The end date is before the start date."))
