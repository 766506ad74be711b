"""What the quiz editor refuses, in the trainer's language (authoring.quiz_drafts and
authoring.quiz_import codes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lti_tool.authoring.errors import PUBLISH_PROBLEMS

QUESTION_PROBLEMS = {
    "unknown_kind": _l("That kind of question is not supported."),
    "unknown_format": _l("Choose a text format from the list."),
    "text_missing": _l("Write the question text."),
    "bad_characters": _l("The text contains control characters that cannot be saved. Remove them and save again."),
    "too_long": _l("A text of the question is too long: a text can be at most 65,535 characters, and a question can have at most 100 answers."),
    "bad_grade": _l("A grade must be between -100 % and 100 %."),
    "bad_number": _l("Write the numbers as numbers, for example 1,5 or 12."),
    "too_few_choices": _l("Give at least two answer options."),
    "no_right_choice": _l("One answer option must be worth 100 %."),
    "grades_not_100": _l("The grades of the right answer options must add up to 100 %."),
    "no_right_answer": _l("Give at least one right answer (a grade above 0 %)."),
    "too_few_pairs": _l("Give at least two items, each with its match."),
    "no_truth": _l("Choose whether the statement is true or false."),
    "bad_idnumber": _l("An ID number can have letters a–z, digits and the characters _ . : - (at most 100)."),
    "idnumber_taken": _l("Another question of this quiz has that ID number."),
    "idnumber_twice": _l("Two questions of the file have the same ID number."),
    "too_many_questions": _l("A quiz can have at most 1,000 questions."),
    "language_not_offered": _l("That language is not offered in this programme."),
    "other_kind": _l("A translation must be of the same kind as the Finnish question."),
    "no_source_question": _l("The quiz has no Finnish question with this ID number: a translation needs one."),
    "no_questions": _l("No questions were found."),
    "not_utf8": _l("The file is not in UTF-8. Save it as UTF-8 and try again."),
    "unknown_import_format": _l("Choose GIFT or Moodle XML."),
    "bad_step": _l("The form was not filled in correctly."),
    "form_errors": _l("Check the fields marked in the form."),
    "conflict": _l("Someone else saved this question meanwhile."),
}

PUBLISH_PROBLEMS["quiz_refused"] = _l("The quiz could not be published: check its questions and translations.")
