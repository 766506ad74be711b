"""Module page views per second as production serves them: ``kotopaikka serve``, 2 workers.

Each client process launches once into a bound module (a full LTI launch, untimed), then
reads the module's pages round and round with its session cookie: every request is a
page view with the launch session present (load the session, the module, the outline
and the page; record the view). The shipped content is loaded first.

    .venv/bin/python bench/page_bench.py                        # both databases, c=1 and 8
    .venv/bin/python bench/page_bench.py --db sqlite --seconds 5 --concurrency 8

Options and clean-up are those of launch_bench.py; the target is 500 page views/s with
p99 under 50 ms at 8 concurrent clients.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from launch_bench import PAGE_VIEWS, main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(spec=PAGE_VIEWS, description=__doc__.split("\n\n")[0]))
