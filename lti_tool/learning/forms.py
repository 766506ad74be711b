"""The learning pages' forms: each CSRF-bound to the launch session (see lti_tool.forms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lti_tool.forms import LaunchForm


class LanguageForm(LaunchForm):
    language = SelectField(_l("Language of the pages"), validators=[DataRequired()])
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


class AudienceForm(LaunchForm):
    audience = SelectField(
        _l("Learners in this course are"),
        choices=[
            SelectChoice("", _l("as each programme says")),
            SelectChoice("participant", _l("participants (job seekers)")),
            SelectChoice("employer_mentor", _l("employer mentors")),
        ],
        validate_choice=True,
    )


def choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3+ wants them."""
    return [SelectChoice(value, label) for value, label in pairs]
