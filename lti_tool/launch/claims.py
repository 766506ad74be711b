"""What a launch's claims must look like before anything of them is stored.

Every claim the tool reads (itself, or pylti1p3 on its behalf) is checked for the type
that LTI 1.3 Core, Deep Linking 2.0, AGS 2.0 and NRPS 2.0 give it, and the identifiers
kept in columns of their own for the length of those columns: a claim of the wrong
shape refuses the launch with a 400 before its write, instead of failing half way
through it (or later, on a page that reads what the launch stored). Claims the tool does
not read are not judged. A member that is ``null`` counts as absent (the IMS reference
platform sends ``"description": null``); a custom parameter must be a string, ``null``
included (Deep Linking 2.0, 4.4.11). Display texts (names, titles) are shortened to
their columns where they are stored, as before; an identifier cut short would name
someone else, so a longer one is refused.

Separately, no string anywhere in the token, keys included and at any depth (the whole
claim set is kept with the launch session), may hold what the database cannot store:
NUL (PostgreSQL's text refuses it) or a lone surrogate (JSON's ``\\ud800`` escape makes
one; it has no UTF-8 encoding).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InvalidClaim(ValueError):
    """A claim is not what the specification says it is; the message names it."""


class Shape(ABC):
    @abstractmethod
    def check(self, value: Any, path: str) -> None:
        """Raise InvalidClaim if ``value`` (found at ``path``) is not of this shape."""


@dataclass(frozen=True)
class Text(Shape):
    """A string; with ``limit``, of at most that many characters (an identifier's column)."""

    limit: int | None = None

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise InvalidClaim(f"{path}: expected a string, got {_kind(value)}")
        if self.limit is not None and len(value) > self.limit:
            raise InvalidClaim(f"{path}: {len(value)} characters, at most {self.limit} allowed")


@dataclass(frozen=True)
class Boolean(Shape):
    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            raise InvalidClaim(f"{path}: expected true or false, got {_kind(value)}")


@dataclass(frozen=True)
class ArrayOf(Shape):
    item: Shape

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise InvalidClaim(f"{path}: expected an array, got {_kind(value)}")
        for index, item in enumerate(value):
            self.item.check(item, f"{path}[{index}]")


@dataclass(frozen=True)
class Object(Shape):
    """A JSON object; the listed members, where present and not null, of their shapes."""

    members: Mapping[str, Shape]

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise InvalidClaim(f"{path}: expected an object, got {_kind(value)}")
        for name, shape in self.members.items():
            if (member := value.get(name)) is not None:
                shape.check(member, f"{path}.{name}")


@dataclass(frozen=True)
class MapOf(Shape):
    """A JSON object whose every value has one shape (null is not a value here)."""

    value: Shape

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise InvalidClaim(f"{path}: expected an object, got {_kind(value)}")
        for name, member in value.items():
            self.value.check(member, f"{path}.{_short(name)}")


@dataclass(frozen=True)
class Either(Shape):
    first: Shape
    second: Shape

    def check(self, value: Any, path: str) -> None:
        try:
            self.first.check(value, path)
        except InvalidClaim:
            self.second.check(value, path)


TEXT = Text()
TEXTS = ArrayOf(TEXT)
IDENTIFIER = Text(255)  # LTI 1.3: sub and every id "MUST NOT exceed 255 ASCII characters"

# The claims the tool reads, and the members of them it reads. A claim that is absent or
# null is left to the checks of what a launch requires (protocol.py).
CLAIMS: dict[str, Shape] = {
    "iss": TEXT,
    "aud": Either(TEXT, TEXTS),
    "azp": TEXT,
    "sub": IDENTIFIER,
    "nonce": TEXT,
    "name": TEXT,
    "given_name": TEXT,
    "family_name": TEXT,
    "email": Text(320),  # an address cut short is somebody else's (or nobody's)
    LTI + "message_type": TEXT,
    LTI + "version": TEXT,
    LTI + "deployment_id": IDENTIFIER,
    LTI + "roles": TEXTS,
    LTI + "context": Object({"id": IDENTIFIER, "label": TEXT, "title": TEXT}),
    LTI + "resource_link": Object({"id": IDENTIFIER, "title": TEXT}),
    LTI + "launch_presentation": Object({"locale": TEXT}),
    LTI + "custom": MapOf(TEXT),
    DEEP_LINKING_SETTINGS: Object(
        {
            "deep_link_return_url": TEXT,
            "accept_types": TEXTS,
            "accept_presentation_document_targets": TEXTS,
            "accept_multiple": Boolean(),
        }
    ),
    AGS_ENDPOINT: Object({"scope": TEXTS, "lineitem": TEXT, "lineitems": TEXT}),
    NRPS_CLAIM: Object({"context_memberships_url": TEXT}),
}


def check_claims(body: Mapping[str, Any]) -> None:
    """Raise InvalidClaim for the first claim the tool reads that is not of its shape."""
    for name, shape in CLAIMS.items():
        if (value := body.get(name)) is not None:
            shape.check(value, _short(name))


def unstorable_at(value: Any, path: str = "") -> str | None:
    """Where the first string (or key) that the database cannot store is, if any."""
    if isinstance(value, str):
        return path or "(value)" if UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for key, member in value.items():
            here = f"{path}.{_short(key)}" if path else _short(key)
            if isinstance(key, str) and UNSTORABLE.search(key):
                return here
            if (found := unstorable_at(member, here)) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := unstorable_at(item, f"{path}[{index}]")) is not None:
                return found
    return None


def _short(name: Any) -> str:
    """A claim's name for the log: without the IMS prefix, and with its bad characters
    shown as escapes (it may be the very key that holds them)."""
    text = str(name)
    for prefix in (LTI, "https://purl.imsglobal.org/spec/"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return text.encode("unicode_escape", "backslashreplace").decode("ascii")


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array", dict: "an object"}.get(type(value), type(value).__name__)
