"""Natural-answer corpus figures (`journey eval answers`) for `make bench`: precision, recall,
clean share, garbage and intent accuracy per language, and how long the corpus takes."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console  # noqa: E402

from assistant.cli.answers import run_answers  # noqa: E402
from assistant.evals.answer_cases import default_corpus  # noqa: E402


def main() -> int:
    paths = default_corpus()
    if not paths:
        print("answers corpus not found (../shared/answers): skipped")
        return 0
    start = time.perf_counter()
    summary = run_answers(paths, None, False, Console(width=120))
    seconds = time.perf_counter() - start
    cases = summary["languages"]["all"]["cases"]
    print(
        f"answers corpus: {cases} cases in {seconds:.1f} s ({1000 * seconds / cases:.0f} ms each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
