"""Generalisation section of the training report: `python -m training.generalisation [--model-dir DIR]`.

Issue #3 asks the training report for an evaluation that measures generalisation. The test split of
`make train` holds spins by the training dictionaries in training's own layouts; this runs the three
protocols that go beyond it on a saved model and writes their tables to
`reports/<model version>/generalisation.md` (and stdout):

* in place, per dictionary, the "private" and "seed" ones never used in training (`training.crossspin`;
  "seed" is the held-out half of the hand-written swaps, `training.spinner.seed_half`);
* spun and real articles alone in a plain page (`training.plainpage`);
* farm pages in layouts training never saw (`training.farmpage`).

The first two also give recall above a common cut: the score that flags the issue's limit of real pages
(0.5% of the held-out fold's real pages; 1% of its texts alone in plain pages). The tables at the model's
own threshold say what the service would do; two models with different thresholds are compared only
above the common cut, where both flag the same real pages' share (`training.protocol.cut_flagging`).
Every score of those two goes to `generalisation_scores.json.gz` beside the tables, for a paired
comparison of two models on the same spun pages (`python -m training.compare`).

`make train` runs it after promoting a model trained on ../shared; about 8 minutes on 2 cores (one used) for a
three-member model (491 s for 233443, 291-311 s for single models).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
SCORES_NAME = "generalisation_scores.json.gz"   # every score behind the first two protocols' tables


def main(argv: list[str] | None = None) -> int:
    from training.corpus import shared_dir
    from training.crossspin import crossspin_table
    from training.farmpage import farmpage_table
    from training.plainpage import plain_reference, plainpage_table
    from training.protocol import held_out_setup

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model-dir", default=None)
    ap.add_argument("--reports", type=Path, default=REPO / "reports", help="where reports/<version>/ is")
    ap.add_argument("--inplace-pages", type=int, default=60)
    ap.add_argument("--plain-pages", type=int, default=150)
    ap.add_argument("--farm-pages", type=int, default=60)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--real-pages", type=int, default=None,
                    help="real pages (and texts) the common cuts are placed on: a seeded sample (default: all held-out ones)")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("../shared is absent: the generalisation protocols need its held-out texts")
        return 2
    lines: list[str] = []

    def emit(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    t0 = time.time()
    # every protocol scores with reference tables rebuilt without the held-out fold
    det, held, test = held_out_setup(shared, args.model_dir, max(args.plain_pages, args.farm_pages), args.seed)
    emit(f"# unspun {det.version} — generalisation\n")
    emit("Held-out texts and pages are those of the frozen evaluation fold. Commands: `python -m "
         "training.crossspin`, `python -m training.plainpage`, `python -m training.farmpage`.\n")
    emit(f"## In place, per dictionary ({args.inplace_pages} real pages spun inside their own HTML)\n")
    emit("\"private\" and \"seed\" (the held-out half of the hand-written swaps, the part of \"private\" that is not "
         "thesaurus pairs) are never used in training; the other half, with more of the kind, is (\"seed_train\"). "
         "\"private_consistent\" is \"private\" rewriting a word the same way wherever it occurs, as the real seed "
         "page's spinner does; the other dictionaries draw a synonym for each occurrence on its own. "
         "Reference tables are rebuilt without the held-out fold here and below.\n")
    record: dict = {"version": det.version, "threshold": det.threshold, "threshold_bare": det.threshold_bare}
    crossspin_table(det, shared, args.inplace_pages, args.seed, emit, args.real_pages, record)
    emit(f"\n## Plain pages ({args.plain_pages} held-out texts as a title and paragraphs)\n")
    plainpage_table(det, test[: args.plain_pages], shared, emit, plain_reference(held, args.real_pages, args.seed),
                    record)
    emit(f"\n## Farm pages in held-out layouts ({args.farm_pages} held-out texts)\n")
    farmpage_table(det, held, test[: args.farm_pages], shared, args.seed, emit)
    emit(f"\n({time.time() - t0:.0f} s)")
    out = args.reports / det.version
    out.mkdir(parents=True, exist_ok=True)
    (out / "generalisation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(out / SCORES_NAME, "wt", encoding="utf-8") as f:
        json.dump(record, f, sort_keys=True)
    print(f"[generalisation] wrote {out / 'generalisation.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
