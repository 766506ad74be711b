"""Grading a 50-question attempt in-process: prints the median and p99 in milliseconds.

The attempt mixes every scored kind (single, multiple, true/false, short answer,
numerical, matching) plus reflections, read from GIFT as a quiz would be, and grades
every response of the attempt. Target: median under 5 ms.

    .venv/bin/python bench/grading_bench.py [--attempts 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzes.gift.parser import parse_gift  # noqa: E402
from quizzes.types import grade  # noqa: E402

TEMPLATES = [
    (
        "Where is the tax card ordered? {=OmaVero #Yes. ~the bank #No. ~the police #No.####Explained.}",
        0,
    ),
    ("Pick the two rights. {~%50%contract #Yes. ~%50%pay slip #Yes. ~%-50%nothing #No.}", [0, 1]),
    ("Working hours are agreed in the contract. {T#Look again.#Right.}", True),
    ("Which office issues the tax card? {=Verohallinto =%50%Vero #Almost.}", "  verohallinto "),
    ("How many hours is a full working week at most? {#40:0 #Right.}", "40"),
    (
        "Match. {=EA1 -> first aid =hygiene passport -> food =hot work card -> welding}",
        {"EA1": "first aid", "hygiene passport": "food", "hot work card": "welding"},
    ),
    ("How will you use this at your next job? {}", "I will ask for a written contract."),
]


def attempt() -> list[tuple[object, object]]:
    source = "\n\n".join(t for t, _ in TEMPLATES)
    questions = parse_gift(source)
    pairs = list(zip(questions, [r for _, r in TEMPLATES], strict=True))
    return (pairs * 8)[:50]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=2000)
    args = parser.parse_args()
    items = attempt()
    timings = []
    for _ in range(args.attempts):
        start = time.perf_counter()
        results = [grade(q, r) for q, r in items]
        score = sum(g.fraction or 0.0 for g in results)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p99 = timings[int(0.99 * (len(timings) - 1))]
    print(
        f"{len(items)} questions per attempt, {args.attempts} attempts: median {median:.3f} ms, "
        f"p99 {p99:.3f} ms (score {score:.2f})"
    )
    print("target median < 5 ms: " + ("met" if median < 5 else "MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
