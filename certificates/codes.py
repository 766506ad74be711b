"""Verification codes: 80 random bits in Crockford's base 32, read aloud or typed easily.

The alphabet has no I, L, O or U; what a person types is normalised (case, spaces, dashes,
and O, I, L read as 0, 1, 1). 80 bits cannot be guessed, so the public verification page
needs no rate limit to keep certificates private.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # 16 x 5 bits = 80 bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh random code, normalised (no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """The code a person typed, as stored; None when it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def display(code: str) -> str:
    """In groups of four: ABCD-EFGH-JKMN-PQRS."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
