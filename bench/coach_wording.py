"""How well the coach judges wording it has never seen: precision and recall per wording check.

    .venv/bin/python bench/coach_wording.py                   # the development set
    .venv/bin/python bench/coach_wording.py --set tuning      # the set the rules were tuned on
    .venv/bin/python bench/coach_wording.py --rules-only      # without the meaning model
    .venv/bin/python bench/coach_wording.py --timing          # and the time per statement

Three wording checks, each with at least 100 labelled items, half of them "bad" (the check
should speak) and half "good" (it should stay quiet), written by people who never read the
rules (see ``tests/coach_sets.py``): activity key results (``measurable.activity``), a child
objective restating its parent (``copy_paste.objective``), and milestones that are only
deliverables (``measurable.deliverable``). The product's own checks run on each item through
``run_checks``. Prints; never fails on a figure. ``--errors`` lists the items judged wrongly:
use it on the tuning set only, or the development set stops measuring anything.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.coach_sets import FILES, SETS, Score, load, verdicts  # noqa: E402

from lineofsight.coach.rules import meaning  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="devset")
    parser.add_argument("--rules-only", action="store_true", help="Switch the model off.")
    parser.add_argument("--errors", action="store_true", help="List the items judged wrongly.")
    parser.add_argument("--timing", action="store_true", help="Time per statement judged.")
    args = parser.parse_args()
    meaning.use_meaning(not args.rules_only)
    started = time.perf_counter()
    loaded = meaning.encoder() is not None
    load_s = time.perf_counter() - started
    print(f"Set: {args.set} ({SETS[args.set].relative_to(ROOT)}); meaning model: "
          f"{'on' if loaded else 'off'}" + (f" (loaded in {load_s:.2f} s)" if loaded else ""))
    print(f"{'check':<34}{'items':>6}{'bad':>5}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}"
          f"{'precision':>11}{'recall':>8}{'ms/item':>9}")
    for file, (_check, code) in FILES.items():
        score, wrong = Score(), []
        items = load(args.set, file)
        started = time.perf_counter()
        for item, flagged in verdicts(args.set, file):
            bad = item["label"] == "bad"
            score.tp += bad and flagged
            score.fn += bad and not flagged
            score.fp += flagged and not bad
            score.tn += not bad and not flagged
            if bad != flagged:
                wrong.append(item)
        per_item_ms = (time.perf_counter() - started) * 1000 / max(1, len(items))
        bad_count = sum(1 for i in items if i["label"] == "bad")
        print(f"{code:<34}{score.total:>6}{bad_count:>5}{score.tp:>5}{score.fp:>5}"
              f"{score.fn:>5}{score.tn:>5}{score.precision:>11.2f}{score.recall:>8.2f}"
              + (f"{per_item_ms:>9.2f}" if args.timing else ""))
        if args.errors:
            for item in wrong:
                what = item.get("key_result") or f"{item['parent']!r} -> {item['child']!r}"
                print(f"    {'missed' if item['label'] == 'bad' else 'false alarm'}: "
                      f"{item['id']}: {what} [{item.get('kind', '')} {item.get('unit', '')}]")


if __name__ == "__main__":
    main()
