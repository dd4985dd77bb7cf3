"""How well the wording judgements generalise: leave-one-batch-out on the tuning set.

    .venv/bin/python bench/coach_crossval.py              # each batch held out in turn
    .venv/bin/python bench/coach_crossval.py --errors     # and the items judged wrongly
    .venv/bin/python bench/coach_crossval.py --file activity --rules-only

The tuning set (``coach/rules/exemplars/tuning/``) comes in batches, each written apart from
the rules by someone who never read them, in industries of its own. For each batch in turn
the models learn from the product's own exemplars and every *other* batch
(``wording.learning_without``), and the product's checks (``run_checks``) then judge the
held-out batch: precision and recall on wording the models never saw, per judgement and per
held-out batch, and over all of them. Only the tuning set is read; the development set is
not offered. Prints; never fails on a figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.coach_sets import FILES, Score, verdicts  # noqa: E402

from lineofsight.coach.rules import meaning, wording  # noqa: E402


def held_out(file: str, batch: str, errors: bool) -> Score:
    """The score of one judgement on one batch, learnt without that batch."""
    score = Score()
    with wording.learning_without({batch}):
        for item, flagged in verdicts("tuning", file, batch=batch):
            bad = item["label"] == "bad"
            score.tp += bad and flagged
            score.fn += bad and not flagged
            score.fp += flagged and not bad
            score.tn += not bad and not flagged
            if errors and bad != flagged:
                what = item.get("key_result") or f"{item['parent']!r} -> {item['child']!r}"
                print(f"    {'missed' if bad else 'false alarm'}: {item['id']}: {what} "
                      f"[{item.get('kind', '')} {item.get('unit', '')}]")
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", choices=sorted(FILES), action="append",
                        help="One judgement's file (repeatable; default: all three).")
    parser.add_argument("--rules-only", action="store_true", help="Switch the model off.")
    parser.add_argument("--errors", action="store_true", help="List the items judged wrongly.")
    args = parser.parse_args()
    meaning.use_meaning(not args.rules_only)
    print(f"Leave-one-batch-out on the tuning set; meaning model: "
          f"{'on' if meaning.encoder() is not None else 'off'}")
    print(f"{'judgement':<24}{'held out':>9}{'items':>6}{'tp':>5}{'fp':>5}{'fn':>5}{'tn':>5}"
          f"{'precision':>11}{'recall':>8}{'s':>7}")
    for file in args.file or sorted(FILES):
        code = FILES[file][1]
        total = Score()
        for batch in wording.tuning_batches(file):
            started = time.perf_counter()
            score = held_out(file, batch, args.errors)
            seconds = time.perf_counter() - started
            for field in ("tp", "fp", "fn", "tn"):
                setattr(total, field, getattr(total, field) + getattr(score, field))
            print(f"{code:<24}{batch:>9}{score.total:>6}{score.tp:>5}{score.fp:>5}"
                  f"{score.fn:>5}{score.tn:>5}{score.precision:>11.2f}{score.recall:>8.2f}"
                  f"{seconds:>7.1f}")
        print(f"{code:<24}{'all':>9}{total.total:>6}{total.tp:>5}{total.fp:>5}{total.fn:>5}"
              f"{total.tn:>5}{total.precision:>11.2f}{total.recall:>8.2f}")


if __name__ == "__main__":
    main()
