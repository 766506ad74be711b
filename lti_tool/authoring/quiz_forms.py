"""The quiz editor's forms: one question form whose parts each kind shows (its answers,
pairs or numbers, feedback per answer, the general feedback), and the import form. A
form becomes a quizzes.model.Question here; the authoring services check the rest."""

from __future__ import annotations

from dataclasses import replace
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
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from lti_tool.forms import LaunchForm
from lti_tool.learning.forms import choices
from quizzes.limits import MAX_ANSWERS_PER_QUESTION, MAX_FILE_BYTES, MAX_TEXT_CHARS
from quizzes.model import TEXT_FORMATS, Choice, NumericAnswer, Pair, Question
from quizzes.types import parse_number

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
    grade = StringField(_l("Grade (%)"), validators=[Length(max=20), _percent])
    feedback = TextAreaField(_l("Feedback on this answer"), validators=TEXT)


class PairEntry(Form):
    left = TextAreaField(_l("Item"), validators=TEXT)
    right = StringField(_l("Its match"), validators=TEXT)


class NumericEntry(Form):
    value = StringField(_l("Right number"), validators=[Length(max=40), _number])
    tolerance = StringField(_l("Accepted error ±"), validators=[Length(max=40), _number])
    grade = StringField(_l("Grade (%)"), validators=[Length(max=20), _percent])
    feedback = TextAreaField(_l("Feedback on this answer"), validators=TEXT)


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
    base_revision = IntegerField(validators=[Optional(), NumberRange(0, 2**31 - 1)])
    source_revision = IntegerField(validators=[Optional(), NumberRange(0, 2**31 - 1)])
    action = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text_format.choices = choices([(f, str(FORMAT_NAMES[f])) for f in TEXT_FORMATS])
        self.truth.choices = choices([("true", str(_l("true"))), ("false", str(_l("false")))])


def _grade(text: str | None, default: float = 0.0) -> float:
    value = parse_number(text or "") if (text or "").strip() else None
    return default if value is None else value / 100


def _percent_text(fraction: float) -> str:
    return f"{fraction * 100:g}"


def question_from(form: QuestionForm, kind: str, existing: Question | None) -> Question:
    """The question the form says (blank rows left out; tags and id kept from before)."""
    data = form.data
    question = Question(
        kind=kind,
        text=(data["text"] or "").replace("\r\n", "\n").strip(),
        title=(data["title"] or "").strip() or None,
        idnumber=existing.idnumber if existing else ((data["idnumber"] or "").strip() or None),
        tags=existing.tags if existing else (),
        text_format=data["text_format"] or "moodle",
        general_feedback=(data["general_feedback"] or "").strip() if kind != "description" else "",
    )
    after = (data["text_after"] or "").strip() or None
    if kind in ("single", "multiple", "short"):
        rows = [r for r in data["choices"] if (r["text"] or "").strip()]
        question = replace(question, text_after=after, case_sensitive=kind == "short" and data["case_sensitive"],
                           choices=tuple(Choice(r["text"].strip(), _grade(r["grade"]), (r["feedback"] or "").strip())
                                         for r in rows))
    elif kind == "numerical":
        rows = [r for r in data["numeric"] if (r["value"] or "").strip()]
        question = replace(question, text_after=after, feedback_wrong=(data["feedback_wrong"] or "").strip(),
                           numeric=tuple(NumericAnswer(_grade(r["grade"], 1.0), value=parse_number(r["value"]),
                                                       tolerance=abs(parse_number(r["tolerance"] or "0") or 0.0),
                                                       feedback=(r["feedback"] or "").strip()) for r in rows))
    elif kind == "truefalse":
        question = replace(question, text_after=after, truth={"true": True, "false": False}.get(data["truth"]),
                           feedback_right=(data["feedback_right"] or "").strip(),
                           feedback_wrong=(data["feedback_wrong"] or "").strip())
    elif kind == "matching":
        rows = [r for r in data["pairs"] if (r["right"] or "").strip()]
        question = replace(question, pairs=tuple(Pair((r["left"] or "").strip(), r["right"].strip()) for r in rows))
    return question


def form_data(question: Question | None, blank_rows: int = 2) -> dict[str, Any]:
    """A question as the form's data, with blank rows to add answers."""
    q = question or Question("essay", "")
    numeric = [
        {"value": f"{(a.low + a.high) / 2:g}" if a.value is None else f"{a.value:g}",
         "tolerance": f"{(a.high - a.low) / 2:g}" if a.value is None else f"{a.tolerance:g}",
         "grade": _percent_text(a.fraction), "feedback": a.feedback}
        for a in q.numeric
    ]
    return {
        "title": q.title or "", "idnumber": q.idnumber or "", "text": q.text, "text_format": q.text_format,
        "text_after": q.text_after or "", "general_feedback": q.general_feedback,
        "choices": [{"text": c.text, "grade": _percent_text(c.fraction), "feedback": c.feedback}
                    for c in q.choices] + [{}] * max(blank_rows, 4 - len(q.choices)),
        "pairs": [{"left": p.left, "right": p.right} for p in q.pairs] + [{}] * max(blank_rows, 3 - len(q.pairs)),
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
