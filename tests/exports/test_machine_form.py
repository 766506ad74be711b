"""The machine-readable export stays what scripts read: today's columns, codes and UTC.

The expected bytes below were written by the export before the localised forms existed
(2026-12-04); a change to them breaks every script that reads the machine form.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lti_tool.exports.completions import COLUMNS, csv_chunks

HEADER = (
    "organisation,platform_issuer,course_id,course,activity_id,activity,programme,module,"
    "module_title,audience,learner_id,name,email,status,pages_seen,pages_total,pages_percent,"
    "quiz_passed,best_score_percent,attempts_used,language,started_at,completed_at,"
    "programme_completed,programme_completed_at"
)
ROWS = (
    'Kunta,https://moodle.example.invalid,101,"Työelämä, syksy",301,\'=1+1,working-life,'
    "finnish-working-life,Suomalainen työelämä,participant,2001,Anna-Liisa Virtanen,a@b.fi,"
    "completed,5,5,100,yes,66.7,2,fi,2026-07-01 09:05:07,2026-07-02 22:30:00,no,\r\n"
    'Kunta,,,,,,,,,,,"""quoted"";x",,in_progress,2,5,40,no,,0,,2026-01-15 23:59:59,,yes,'
    "2026-01-16 00:00:00\r\n"
)
SEMICOLON_ROWS = (
    "Kunta;https://moodle.example.invalid;101;Työelämä, syksy;301;'=1+1;working-life;"
    "finnish-working-life;Suomalainen työelämä;participant;2001;Anna-Liisa Virtanen;a@b.fi;"
    "completed;5;5;100;yes;66.7;2;fi;2026-07-01 09:05:07;2026-07-02 22:30:00;no;\r\n"
    'Kunta;;;;;;;;;;;"""quoted"";x";;in_progress;2;5;40;no;;0;;2026-01-15 23:59:59;;yes;'
    "2026-01-16 00:00:00\r\n"
)


def _record(**values):
    record = dict.fromkeys((c.key for c in COLUMNS), None)
    record.update(values)
    return tuple(record.values())


RECORDS = [
    _record(
        organisation="Kunta", platform="https://moodle.example.invalid", course_id="101",
        course="Työelämä, syksy", activity_id="301", activity="=1+1", programme="working-life",
        module="finnish-working-life", module_title="Suomalainen työelämä", audience="participant",
        learner_id="2001", name="Anna-Liisa Virtanen", email="a@b.fi", status="completed",
        pages_seen=5, pages_total=5, percent=100, quiz_passed=True, best_score=66.7,
        attempts_used=2, language="fi", started_at=datetime(2026, 7, 1, 9, 5, 7, tzinfo=UTC),
        completed_at=datetime(2026, 7, 2, 22, 30), programme_completed=False,
    ),
    _record(
        organisation="Kunta", status="in_progress", pages_seen=2, pages_total=5, percent=40,
        quiz_passed=False, attempts_used=0, name='"quoted";x',
        started_at=datetime(2026, 1, 15, 23, 59, 59), programme_completed=True,
        programme_completed_at=datetime(2026, 1, 16, 0, 0, tzinfo=UTC),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("delimiter", "rows"), [(",", ROWS), (";", SEMICOLON_ROWS)])
def test_the_machine_csv_is_byte_for_byte_what_scripts_read(delimiter, rows):
    expected = "\ufeff" + HEADER.replace(",", delimiter) + "\r\n" + rows
    assert b"".join(csv_chunks(RECORDS, delimiter)) == expected.encode()
