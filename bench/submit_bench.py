"""Quiz submits per second as production serves them: ``kotopaikka serve``, 2 workers.

Each client process launches once as a participant into a bound module (untimed). Then,
round after round, it starts an attempt at the module's quiz and reads the attempt page
(untimed), and sends all its answers for grading: the timed unit is that one POST, which
saves every answer, grades the attempt exactly once, updates the module's progress and
redirects to the review. The shipped content and quizzes are loaded first.

    .venv/bin/python bench/submit_bench.py                        # both databases, c=1 and 8
    .venv/bin/python bench/submit_bench.py --db postgresql --seconds 10 --concurrency 8

Options and clean-up are those of launch_bench.py; the target is 200 submits/s with p99
under 100 ms at 8 concurrent clients (on PostgreSQL).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from launch_bench import SUBMITS, main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(spec=SUBMITS, description=__doc__.split("\n\n")[0]))
