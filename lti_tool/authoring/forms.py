"""The authoring pages' forms (CSRF bound to the launch, lti_tool.forms.LaunchForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from authoring.drafts import MAX_BODY, MAX_TITLE
from authoring.publishing import MAX_NOTE
from lti_tool.forms import LaunchForm


class AdaptForm(LaunchForm):
    module_id = IntegerField(validators=[InputRequired(), NumberRange(1, 2**31 - 1)])


class PageTextForm(LaunchForm):
    title = StringField(_l("Page title"), validators=[Length(max=MAX_TITLE)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=MAX_BODY)])
    base_revision = IntegerField(validators=[Optional(), NumberRange(0, 2**31 - 1)])
    source_revision = IntegerField(validators=[Optional(), NumberRange(0, 2**31 - 1)])
    action = HiddenField()


class PublishForm(LaunchForm):
    note = StringField(_l("What changed (a short note for the history)"), validators=[Length(max=MAX_NOTE)])
