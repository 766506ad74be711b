"""What every authoring page does first: the trainer's visit, its site, the refusals."""

from __future__ import annotations

from typing import Any

from authoring.library import NotInLibrary
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning.context import Visit, open_visit
from lti_tool.learning.errors import Refused, refused_page


def trainer_visit(launch_id: str) -> Visit:
    return open_visit(launch_id, trainer=True)


def site_of(visit: Visit) -> int:
    return visit.session.platform_id


def refusing(view: Any) -> Any:
    """The pages' common refusals: a launch that is not this browser's, a trainers' page,
    and anything not in this site's library (404, the same as nothing at all)."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except LaunchRejected as exc:
            return rejected_page(exc, "session")
        except NotInLibrary as exc:
            return refused_page(Refused("not_in_library", str(exc)))
        except Refused as exc:
            return refused_page(exc)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def checked(form: Any) -> None:
    if not form.validate():
        if form.csrf_token.errors:
            raise Refused("bad_form", "csrf")
        raise Refused("bad_form", str(form.errors)[:200])


