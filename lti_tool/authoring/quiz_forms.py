"""The quiz editor's forms: one question form whose parts each kind shows (its answers,
pairs or numbers, feedback per answer, the general feedback), and the import form. A
form becomes a quizzes.model.Question here; the authoring services check the rest."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FileField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError

from lti_tool.forms import LaunchForm
from lti_tool.learning.forms import choices
from quizzes.limits import MAX_ANSWERS_PER_QUESTION, MAX_FILE_BYTES, MAX_TEXT_CHARS
from quizzes.model import TEXT_FORMATS, Choice, NumericAnswer, Pair, Question
from quizzes.types import number_text, parse_number

KINDS = ("single", "multiple", "truefalse", "short", "numerical", "matching", "essay", "description")
KIND_NAMES = {
    "single": _l("Multiple choice, one right answer"),
    "multiple": _l("Multiple choice, several right answers"),
    "truefalse": _l("True or false"),
    "short": _l("Short answer"),
    "numerical": _l("Numerical"),
    "matching": _l("Matching"),
    "essay": _l("Reflection (not graded)"),
    "description": _l("Description (text only, no question)"),
}
FORMAT_NAMES = {
    "moodle": _l("Moodle auto-format"),
    "html": _l("HTML"),
    "plain": _l("Plain text"),
    "markdown": _l("Markdown"),
}
TEXT = [Length(max=MAX_TEXT_CHARS, message=_l("At most 65,535 characters."))]
MAX_ROWS = MAX_ANSWERS_PER_QUESTION
# A piece's own format (quizzes.model: "" for the question text's), kept in a hidden
# field so that a form saved unchanged gives back the same question.
FORMAT = [Optional(), AnyOf(TEXT_FORMATS, message=_l("The form was not filled in correctly."))]


def _number(form: Any, field: Any) -> None:
    if field.data and field.data.strip() and parse_number(field.data) is None:
        raise ValidationError(_l("Write a number, for example 1,5 or 12."))


def _percent(form: Any, field: Any) -> None:
    _number(form, field)
    value = parse_number(field.data or "") if (field.data or "").strip() else None
    if value is not None and not -100 <= value <= 100:
        raise ValidationError(_l("Give a percentage from -100 to 100."))


class ChoiceEntry(Form):
    text = TextAreaField(_l("Answer"), validators=TEXT)
    grade = StringField(_l("Grade (%)"), validators=[Length(max=40), _percent])
    feedback = TextAreaField(_l("Feedback on this answer"), validators=TEXT)
    format = HiddenField(validators=FORMAT)
    feedback_format = HiddenField(validators=FORMAT)


class PairEntry(Form):
    left = TextAreaField(_l("Item"), validators=TEXT)
    right = StringField(_l("Its match"), validators=TEXT)
    format = HiddenField(validators=FORMAT)


class NumericEntry(Form):
    value = StringField(_l("Right number"), validators=[Length(max=40), _number])
    tolerance = StringField(_l("Accepted error ±"), validators=[Length(max=40), _number])
    low = StringField(_l("Or a range, from"), validators=[Length(max=40), _number])
    high = StringField(_l("Range, to"), validators=[Length(max=40), _number])
    grade = StringField(_l("Grade (%)"), validators=[Length(max=40), _percent])
    feedback = TextAreaField(_l("Feedback on this answer"), validators=TEXT)
    feedback_format = HiddenField(validators=FORMAT)

    def validate_high(self, field: Any) -> None:
        low, high = (parse_number(f.data or "") for f in (self.low, field))
        if (low is None) != (high is None) and not (self.low.errors or field.errors):
            raise ValidationError(_l("Give both ends of the range, or neither."))
        if low is not None and high is not None and low > high:
            raise ValidationError(_l("The end of the range must not be smaller than its start."))


class QuestionForm(LaunchForm):
    title = StringField(_l("Question name (shown to trainers only)"), validators=TEXT)
    idnumber = StringField(_l("ID number (optional; ties the translations together)"),
                           validators=[Optional(), Length(max=100)])
    text = TextAreaField(_l("Question text"), validators=TEXT)
    text_format = SelectField(_l("Text format"), choices=list(TEXT_FORMATS), validate_choice=True)
    text_after = TextAreaField(_l("Text after the blank (missing word; optional)"), validators=TEXT)
    choices = FieldList(FormField(ChoiceEntry), max_entries=MAX_ROWS)
    pairs = FieldList(FormField(PairEntry), max_entries=MAX_ROWS)
    numeric = FieldList(FormField(NumericEntry), max_entries=MAX_ROWS)
    truth = RadioField(_l("The statement is"), validators=[Optional()])
    case_sensitive = BooleanField(_l("Upper and lower case must match"))
    feedback_right = TextAreaField(_l("Feedback on a right answer"), validators=TEXT)
    feedback_wrong = TextAreaField(_l("Feedback on a wrong answer"), validators=TEXT)
    general_feedback = TextAreaField(_l("General feedback (shown to everyone after answering)"), validators=TEXT)
    general_feedback_format = HiddenField(validators=FORMAT)
    feedback_right_format = HiddenField(validators=FORMAT)
    feedback_wrong_format = HiddenField(validators=FORMAT)
    base_revision = IntegerField(validators=[Optional(), NumberRange(0, 2**31 - 1)])
    source_revision = IntegerField(validators=[Optional(), NumberRange(0, 2**31 - 1)])
    action = HiddenField()
    # A new question's form: the key its unfinished state is kept under (authoring.quiz_autosave).
    draft = HiddenField(validators=[Optional(), Length(max=40)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text_format.choices = choices([(f, str(FORMAT_NAMES[f])) for f in TEXT_FORMATS])
        self.truth.choices = choices([("true", str(_l("true"))), ("false", str(_l("false")))])


def _exact(text: str | None) -> Decimal | None:
    cleaned = number_text(text or "")
    return None if cleaned is None else Decimal(cleaned)


def _grade(text: str | None, default: float = 0.0) -> float:
    """A percentage as the fraction it names: decimal arithmetic, so that the text
    _percent_text wrote gives back exactly the fraction it was written from."""
    value = _exact(text)
    return default if value is None else float(value / 100)


def _percent_text(fraction: float) -> str:
    return _plain(Decimal(repr(fraction)) * 100)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _number_text(value: float | None) -> str:
    """The shortest text that reads back as exactly ``value`` (no float drift)."""
    return "" if value is None else _plain(Decimal(repr(value)))


def _value(text: str | None) -> float | None:
    return parse_number(text) if (text or "").strip() else None


def _lines(text: str | None) -> str:
    """A field's text as a browser posts it, with its line breaks as stored (\\n)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _numeric(row: dict[str, Any]) -> NumericAnswer:
    extra = {"feedback": _lines(row["feedback"]), "feedback_format": row["feedback_format"] or None}
    fraction = _grade(row["grade"], 1.0)
    if _value(row["low"]) is not None:
        return NumericAnswer(fraction, low=_value(row["low"]), high=_value(row["high"]), **extra)
    return NumericAnswer(fraction, value=_value(row["value"]), tolerance=abs(_value(row["tolerance"]) or 0.0),
                         **extra)


def question_from(form: QuestionForm, kind: str, existing: Question | None) -> Question:
    """The question the form says (blank rows left out). What the form of this kind does
    not show (tags, the id number, another kind's parts) is kept from ``existing``, and
    each piece keeps its own format, so a form saved unchanged is the same question."""
    data = form.data
    base = existing if existing is not None and existing.kind == kind else Question(kind, "")
    question = replace(
        base,
        kind=kind,
        text=_lines(data["text"]),
        title=(data["title"] or "").strip() or None,
        idnumber=existing.idnumber if existing else ((data["idnumber"] or "").strip() or None),
        tags=existing.tags if existing else (),
        text_format=data["text_format"] or "moodle",
    )
    if kind != "description":
        question = replace(question, general_feedback=_lines(data["general_feedback"]),
                           general_feedback_format=data["general_feedback_format"] or None)
    if kind in ("single", "multiple", "short", "numerical", "truefalse"):
        question = replace(question, text_after=_lines(data["text_after"]) or None)
    if kind in ("numerical", "truefalse"):
        question = replace(question, feedback_wrong=_lines(data["feedback_wrong"]),
                           feedback_wrong_format=data["feedback_wrong_format"] or None)
    if kind in ("single", "multiple", "short"):
        rows = [r for r in data["choices"] if _lines(r["text"])]
        question = replace(question, choices=tuple(
            Choice(_lines(r["text"]), _grade(r["grade"]), _lines(r["feedback"]), r["format"] or None,
                   r["feedback_format"] or None) for r in rows))
    if kind == "short":
        question = replace(question, case_sensitive=bool(data["case_sensitive"]))
    elif kind == "numerical":
        rows = [r for r in data["numeric"] if _value(r["value"]) is not None or _value(r["low"]) is not None]
        question = replace(question, numeric=tuple(_numeric(r) for r in rows))
    elif kind == "truefalse":
        question = replace(question, truth={"true": True, "false": False}.get(data["truth"]),
                           feedback_right=_lines(data["feedback_right"]),
                           feedback_right_format=data["feedback_right_format"] or None)
    elif kind == "matching":
        rows = [r for r in data["pairs"] if (r["right"] or "").strip()]
        question = replace(question, pairs=tuple(
            Pair(_lines(r["left"]), r["right"].strip(), (r["format"] or None) if _lines(r["left"]) else None)
            for r in rows))
    return question


def form_data(question: Question | None, blank_rows: int = 2) -> dict[str, Any]:
    """A question as the form's data, with blank rows to add answers: every number
    written so that it reads back exactly, a range as its two ends."""
    q = question or Question("essay", "")
    numeric = [
        {"value": _number_text(a.value), "tolerance": "" if a.value is None else _number_text(a.tolerance),
         "low": _number_text(a.low), "high": _number_text(a.high),
         "grade": _percent_text(a.fraction), "feedback": a.feedback, "feedback_format": a.feedback_format or ""}
        for a in q.numeric
    ]
    return {
        "title": q.title or "", "idnumber": q.idnumber or "", "text": q.text, "text_format": q.text_format,
        "text_after": q.text_after or "", "general_feedback": q.general_feedback,
        "general_feedback_format": q.general_feedback_format or "",
        "feedback_right_format": q.feedback_right_format or "", "feedback_wrong_format": q.feedback_wrong_format or "",
        "choices": [{"text": c.text, "grade": _percent_text(c.fraction), "feedback": c.feedback,
                     "format": c.format or "", "feedback_format": c.feedback_format or ""}
                    for c in q.choices] + [{}] * max(blank_rows, 4 - len(q.choices)),
        "pairs": [{"left": p.left, "right": p.right, "format": p.format or ""} for p in q.pairs]
        + [{}] * max(blank_rows, 3 - len(q.pairs)),
        "numeric": numeric + [{}] * max(blank_rows - 1, 1),
        "truth": None if q.truth is None else ("true" if q.truth else "false"),
        "case_sensitive": q.case_sensitive, "feedback_right": q.feedback_right, "feedback_wrong": q.feedback_wrong,
    }


class ImportForm(LaunchForm):
    language = SelectField(_l("Language of the questions"), validate_choice=True)
    file_format = RadioField(
        _l("Format"), choices=choices([("gift", "GIFT"), ("moodlexml", "Moodle XML")]), default="gift",
        validators=[InputRequired()],
    )
    text = TextAreaField(_l("Paste the questions here"), validators=[Length(max=MAX_FILE_BYTES)])
    file = FileField(_l("or choose a file"))
    action = HiddenField()


class QuestionActionForm(LaunchForm):
    action = HiddenField()
