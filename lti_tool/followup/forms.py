"""The follow-up pages' forms, each CSRF-bound to the launch session (lti_tool.forms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lti_tool.forms import LaunchForm
from quizzes.exceptions import EXTRA_MAX, EXTRA_MIN, NOTE_MAX
from quizzes.reflections import REPLY_MAX


class ReplyForm(LaunchForm):
    """A trainer's reply to one reflection (attempt and slot)."""

    attempt = IntegerField(validators=[InputRequired()])
    slot = IntegerField(validators=[InputRequired(), NumberRange(min=0)])
    text = TextAreaField(
        _l("Your reply"),
        validators=[
            DataRequired(_l("Write a reply first.")),
            Length(max=REPLY_MAX, message=_l("A reply can be at most %(max)d characters long.")),
        ],
    )


def _note() -> TextAreaField:
    return TextAreaField(
        _l("Note (why; the learner does not see it)"),
        validators=[
            Optional(),
            Length(max=NOTE_MAX, message=_l("A note can be at most %(max)d characters long.")),
        ],
    )


class ExtraAttemptsForm(LaunchForm):
    module = SelectField(_l("Quiz"), validators=[DataRequired()])
    count = IntegerField(
        _l("Extra attempts"),
        default=1,
        validators=[
            InputRequired(_l("Give a number.")),
            NumberRange(EXTRA_MIN, EXTRA_MAX, _l("Give a number from %(min)s to %(max)s.")),
        ],
    )
    note = _note()


class ResetForm(LaunchForm):
    module = SelectField(_l("Quiz"), validators=[DataRequired()])
    note = _note()
    confirm = HiddenField()  # "yes" once the trainer has confirmed on the second step
