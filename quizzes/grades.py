"""The answer grades Moodle accepts, and reading a grade as Moodle stores it.

Moodle keeps an answer's grade as a fraction to 7 decimal places, and an import (GIFT or
Moodle XML alike: question/format.php) takes only the grades of its own list
(question_bank::fraction_options_full): every p/q for q up to 6, every tenth, 1/7, 1/8,
1/9 and 1/20, and their negatives. A grade within 0.00001 of one of them is that grade
(%33.333% is 1/3, stored 0.3333333); any other stops Moodle's import ("Invalid grades"),
and so it does here: the same file gives the same question through either reader.
"""

from __future__ import annotations

_POSITIVE = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)
MOODLE_GRADES: tuple[float, ...] = (*_POSITIVE, 0.0, *(-g for g in reversed(_POSITIVE)))


def moodle_grade(fraction: float) -> float | None:
    """The grade of Moodle's list that ``fraction`` is (within 0.00001), or None."""
    for grade in MOODLE_GRADES:
        if abs(fraction - grade) < 0.00001:
            return grade
    return None


def percent(fraction: float) -> str:
    """A fraction as the percentage a GIFT weight or a Moodle XML grade writes."""
    value = round(fraction * 100, 5)
    return str(int(value)) if value == int(value) else repr(value)


def invalid_grade(fractions: list[float]) -> str:
    """Why a question with grades not on Moodle's list is refused."""
    wrong = ", ".join(f"{percent(f)}%" for f in fractions)
    return (
        f"{wrong}: not a grade Moodle accepts (its import refuses the file); use one of "
        "100%, 90%, 83.33333%, 80%, 75%, 70%, 66.66667%, 60%, 50%, 40%, 33.33333%, 30%, "
        "25%, 20%, 16.66667%, 14.28571%, 12.5%, 11.11111%, 10%, 5%, 0% or one of them negative"
    )
