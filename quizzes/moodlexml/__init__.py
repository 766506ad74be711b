"""Questions as Moodle XML: written for a trainer to import into a Moodle question bank,
and read from a Moodle question bank export.

Moodle's own element names and conventions (question/format/xml/format.php): fractions in
percent, ``_____`` where a missing-word answer block stood, ranges as a midpoint and
tolerance, matching pairs as ``subquestion`` elements (a distractor as one with empty
text), reflections as ``essay``, and each answer, feedback and matching item in a
``format`` of its own.
"""

from quizzes.moodlexml.common import BLANK, MoodleXmlError, question_text
from quizzes.moodlexml.reader import MoodleXmlReading, read_moodle_xml, read_moodle_xml_all
from quizzes.moodlexml.writer import write_moodle_xml

__all__ = [
    "BLANK", "MoodleXmlError", "MoodleXmlReading", "question_text", "read_moodle_xml",
    "read_moodle_xml_all", "write_moodle_xml",
]
