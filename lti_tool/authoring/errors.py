"""What the authoring pages refuse, in the trainer's language (lti_tool.learning.errors)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lti_tool.authoring.markup_messages import unsafe_message
from lti_tool.learning.errors import MESSAGES

MESSAGES.update(
    {
        "not_in_library": (
            404,
            _l("That module or page is not in your site's library"),
            _l("Go back to the library and choose it from there."),
        ),
    }
)

# Why a text was not saved (authoring.drafts.InvalidText codes).
TEXT_PROBLEMS = {
    "not_text": _l("The form was not filled in correctly."),
    "title_missing": _l("Give the page a title."),
    "title_too_long": _l("The title can be at most 300 characters."),
    "body_too_long": _l("The text can be at most 100,000 characters."),
    "bad_characters": _l("The text contains control characters that cannot be saved. Remove them and save again."),
    "language_not_offered": _l("That language is not offered in this programme."),
    "too_many_pages": _l("A module can have at most 100 pages."),
    "last_page": _l("A module needs at least one page: add another before you remove this one."),
}



def text_problem(exc: Exception) -> object:
    """Why a page's text was not saved (an authoring.drafts.InvalidText), in words."""
    code = getattr(exc, "code", "")
    if code == "unsafe_markup":
        return unsafe_message(getattr(exc, "finding", None))
    return TEXT_PROBLEMS.get(code, code)


# Why a module was not published (authoring.publishing.PublishRefused codes).
PUBLISH_PROBLEMS = {
    "note_too_long": _l("The note can be at most 500 characters."),
    "page_without_source": _l("Every page needs its Finnish text before the module can be published."),
    "no_pages": _l("The module has no pages."),
}

# Why a translation file was refused whole (authoring.exchange.ExchangeFileError reasons).
FILE_PROBLEMS = {
    "too_large": _l("The file is larger than 2 MB."),
    "not_utf8": _l("The file is not in UTF-8. Save it as UTF-8 and import it again."),
    "not_po": _l("The file is not a PO file."),
    "nul": _l("The file contains a NUL character."),
    "surrogate": _l("The file contains characters that are not valid text."),
    "control_character": _l("The file contains control characters."),
}
