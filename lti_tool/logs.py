"""Logging: one line format, and lines that tell the truth.

A log line of the tool's own (its loggers and Flask's app logger, ``lti_tool``) is
written with every control character of its message escaped: what it interpolates from
a request (a URL's path, a form field, a claim, a platform's answer) cannot start a line
of its own, so a ``%0a`` in a URL cannot forge one. Escaped are C0 and C1 controls, DEL,
the Unicode line and paragraph separators, lone surrogates (no encoding can write them)
and, as Werkzeug does in its request lines, the backslash, so that an escape in the log
is never a backslash someone sent. Tracebacks are left as they are.

Done where records are made (the log record factory), not in a handler: every handler
gets the escaped message, whichever one the server (or pytest) installed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

OWN_LOGGERS = frozenset({"lti_tool", "courses", "quizzes"})
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
_ESCAPES: dict[int, str] = {
    **{c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))},
    **{c: f"\\u{c:04x}" for c in (0x2028, 0x2029, *range(0xD800, 0xE000))},
    **{ord(char): escaped for char, escaped in _NAMED.items()},
}


def escape_controls(text: str) -> str:
    """``text`` with the characters that could break or fake a log line escaped."""
    return text.translate(_ESCAPES)


def _escaping(make_record: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if record.name.partition(".")[0] in OWN_LOGGERS:
            try:
                message = record.getMessage()
            except (TypeError, ValueError, KeyError):  # logging reports it when emitting
                return record
            record.msg, record.args = escape_controls(message), None
        return record

    make.escapes_controls = True  # type: ignore[attr-defined]
    return make


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format=LINE_FORMAT)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # noise on every command
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "escapes_controls", False):
        logging.setLogRecordFactory(_escaping(factory))
