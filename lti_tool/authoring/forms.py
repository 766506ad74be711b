"""The authoring pages' forms (CSRF bound to the launch, lti_tool.forms.LaunchForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from authoring.drafts import MAX_BODY, MAX_TITLE
from authoring.publishing import MAX_NOTE
from lti_tool.forms import LaunchForm
from lti_tool.learning.forms import QuizSettingsForm


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


class NewModuleForm(LaunchForm):
    programme = SelectField(_l("Programme"), validators=[InputRequired()])
    title = StringField(_l("The module's title in Finnish"), validators=[InputRequired(), Length(max=MAX_TITLE)])


class NewPageForm(LaunchForm):
    title = StringField(_l("The new page's title in Finnish"), validators=[InputRequired(), Length(max=MAX_TITLE)])


class PageActionForm(LaunchForm):
    """Move a page up or down, or remove it (the button's value)."""

    action = HiddenField()


class UpstreamForm(LaunchForm):
    """Take over or leave a change in the original (the button's value); ``mark`` is what
    the copy was when the offer was shown (authoring.upstream.StaleOffer)."""

    action = HiddenField()
    mark = HiddenField(validators=[Length(max=200)])


class CompareForm(LaunchForm):
    older = IntegerField(_l("Older version"), validators=[InputRequired(), NumberRange(1, 2**31 - 1)])
    newer = IntegerField(_l("Newer version"), validators=[InputRequired(), NumberRange(1, 2**31 - 1)])


class LibraryQuizSettingsForm(QuizSettingsForm):
    """A library module's quiz settings: a course's, without the feedback by score band
    (a module's quiz has none of its own; each course may add them)."""

    band_from = None
    band_text = None
