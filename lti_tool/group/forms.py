"""The group overview's filter form: read from the query string (a GET changes nothing, so
no CSRF token), every value checked, every message in the interface language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.validators import NumberRange, ValidationError

from lti_tool.forms import LaunchForm
from lti_tool.group.queries import DEFAULT_STUCK_DAYS, Filters

PICK_ONE = _l("Choose one of the options in the list.")
DAYS = _l("Give a whole number of days from 1 to 365.")
PAGE = _l("That page number does not exist: give a whole number from 1.")


class ChoiceField(SelectField):
    """A select whose refusal of an unknown value says so in the interface language."""

    def pre_validate(self, form: Form) -> None:
        if not any(choice.value == self.data for choice in self.iter_choices()):
            raise ValidationError(PICK_ONE)


class DaysField(IntegerField):
    """A whole number; anything else is refused with a translated message."""

    message = DAYS

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError as exc:
            self.data = None
            raise ValueError(self.message) from exc


class PageField(DaysField):
    message = PAGE


class AudienceForm(LaunchForm):
    """The course's audience: who its learners are, whatever each programme says."""

    audience = SelectField(
        _l("Learners in this course are"),
        choices=[
            SelectChoice("", _l("as each programme says")),
            SelectChoice("participant", _l("participants (job seekers)")),
            SelectChoice("employer_mentor", _l("employer mentors")),
        ],
        validate_choice=True,
    )


class GroupFilterForm(Form):
    class Meta:
        csrf = False

    KEYS = ("show", "days", "sort", "direction", "page")

    show = ChoiceField(
        _l("Show"),
        choices=[
            SelectChoice("all", _l("everyone")),
            SelectChoice("not_started", _l("not started")),
            SelectChoice("in_progress", _l("in progress")),
            SelectChoice("stuck", _l("stuck (no activity for the days below)")),
            SelectChoice("failed", _l("failed a quiz, not passed yet")),
            SelectChoice("completed", _l("completed everything")),
        ],
        default="all",
    )
    days = DaysField(
        _l("Stuck after this many days without activity"),
        validators=[NumberRange(1, 365, DAYS)],
        default=DEFAULT_STUCK_DAYS,
    )
    sort = ChoiceField(
        _l("Sort by"),
        choices=[
            SelectChoice("name", _l("name")),
            SelectChoice("last_activity", _l("last activity")),
            SelectChoice("progress", _l("progress")),
        ],
        default="name",
    )
    direction = ChoiceField(
        _l("Order"),
        choices=[
            SelectChoice("asc", _l("ascending (A to Z, oldest first, least first)")),
            SelectChoice("desc", _l("descending (Z to A, newest first, most first)")),
        ],
        default="asc",
    )

    page = PageField(validators=[NumberRange(min=1, message=PAGE)], default=1)

    def filters(self) -> Filters:
        """The validated choices (call after ``validate()``)."""
        return Filters(
            show=self.show.data,
            stuck_days=self.days.data if self.days.data is not None else DEFAULT_STUCK_DAYS,
            sort=self.sort.data,
            direction=self.direction.data,
            page=self.page.data or 1,
        )
