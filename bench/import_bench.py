"""Quiz files that no trainer makes, read as the import reads them: time and peak memory.

Each case writes a file into a temporary folder and reads it in a process of its own, as
``kotopaikka quiz import`` does (quizzes.limits.read_quiz_file, then the GIFT or Moodle
XML reader); the script prints what the reader answered, the wall time and that
process's peak memory (ru_maxrss, through os.wait4). A bare interpreter with the readers
imported is about 20 MB. ``--code DIR`` reads with another checkout (e.g. the code
before the limits: its readers are called on the whole file as the old command did).

    .venv/bin/python bench/import_bench.py [--code DIR] [--only CASE ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MB = 1_000_000


def _gift(questions: int, text: int = 20) -> bytes:
    body = "".join(
        f"// [id:q{n}]\n::Q{n}:: {'x' * text} {{=oikein ~väärin ~ei}}\n\n" for n in range(questions)
    )
    return body.encode()


def _xml(questions: int, text: int = 20) -> bytes:
    one = (
        "<question type='multichoice'><name><text>Q{n}</text></name>"
        "<questiontext format='html'><text>{text}</text></questiontext>"
        "<single>true</single>"
        "<answer fraction='100'><text>oikein</text></answer>"
        "<answer fraction='0'><text>väärin</text></answer></question>\n"
    )
    body = "".join(one.format(n=n, text="x" * text) for n in range(questions))
    return f"<?xml version='1.0' encoding='UTF-8'?>\n<quiz>\n{body}</quiz>\n".encode()


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "gift-50mb": ("gift", lambda: _gift(48_000, 1_000)),
    "gift-19mb-45k-questions": ("gift", lambda: _gift(45_000, 360)),
    "gift-20mb-one-line": ("gift", lambda: b"Q " + b"x" * 19_999_990 + b" {T}\n"),
    "gift-10m-lines-one-question": ("gift", lambda: b"a\n" * 9_999_999 + b"{T}\n"),
    "gift-not-utf8-at-the-end": ("gift", lambda: _gift(900, 18_000) + b"\n\nP\xe4iv\xe4 {T}\n"),
    "gift-comment-of-unclosed-ids": ("gift", lambda: b"// " + b"[id:" * 49_000 + b"\nQ {T}\n"),
    "gift-1000-questions-of-18k": ("gift", lambda: _gift(1_000, 18_000)),
    "xml-50mb": ("moodlexml", lambda: _xml(170_000, 60)),
    "xml-19mb-80k-questions": ("moodlexml", lambda: _xml(80_000, 10)),
    "xml-2m-elements-in-one-question": (
        "moodlexml",
        lambda: b"<quiz><question type='essay'>" + b"<x/>" * 2_000_000 + b"</question></quiz>",
    ),
    "xml-19mb-text": ("moodlexml", lambda: _xml(1, 19_000_000)),
    "xml-1000-questions-of-18k": ("moodlexml", lambda: _xml(1_000, 18_000)),
}

CHILD = r"""
import sys
from pathlib import Path
path, fmt = Path(sys.argv[1]), sys.argv[2]
from quizzes.gift.parser import parse_gift
from quizzes.moodlexml import read_moodle_xml
try:
    from quizzes.limits import read_quiz_file
except ImportError:  # the code before the limits read the whole file
    read_quiz_file = None
try:
    if fmt == "gift":
        data = read_quiz_file(path) if read_quiz_file else path.read_text(encoding="utf-8")
        questions = parse_gift(data, path.name)
    else:
        questions = read_moodle_xml(read_quiz_file(path) if read_quiz_file else path.read_bytes(), path.name)
    print(f"read {len(questions):,} questions")
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}"[:150])
"""


def run(code: Path, path: Path, fmt: str) -> tuple[str, float, float]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    began = time.monotonic()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), fmt],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=code,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - began
        out.seek(0)
        printed = out.read().strip().splitlines()
    answer = printed[-1] if printed else f"exit status {status}"
    return answer, seconds, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=REPO, help="the checkout to read with")
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), default=None)
    parser.add_argument("--write", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:  # in a process of its own: the readers' processes start small
        Path(args.write[1]).write_bytes(CASES[args.write[0]][1]())
        return 0
    print(f"{'case':<34}{'file MB':>8}{'seconds':>9}{'peak MB':>9}  answer")
    with tempfile.TemporaryDirectory(prefix="kotopaikka-import-bench-") as tmp:
        for case in args.only or CASES:
            fmt = CASES[case][0]
            path = Path(tmp) / (case + (".xml" if fmt == "moodlexml" else ".gift"))
            subprocess.run([sys.executable, __file__, "--write", case, str(path)], check=True)
            size = path.stat().st_size / MB
            answer, seconds, peak = run(args.code, path, fmt)
            print(f"{case:<34}{size:>8.1f}{seconds:>9.2f}{peak:>9.0f}  {answer}", flush=True)
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
