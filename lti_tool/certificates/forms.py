"""The trainer's certificate setting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from lti_tool.forms import LaunchForm

EARNS = [
    SelectChoice("programme", _l("One certificate, when the whole programme is completed")),
    SelectChoice(
        "module", _l("A certificate for each completed module, and one for the whole programme")
    ),
]


class SettingForm(LaunchForm):
    earns = RadioField(
        _l("What earns a certificate in this course"), choices=EARNS, validators=[InputRequired()]
    )
