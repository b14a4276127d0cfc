"""What the evaluation protocols beyond the test split share (`training.crossspin`, `training.plainpage`,
`training.farmpage`, gathered by `training.generalisation`): their command line, the held-out texts
with a detector whose reference tables never counted them, the cut that compares models at one
false-positive rate on real pages, and the table of words each dictionary actually changed."""
from __future__ import annotations

import argparse
import math
import random
from pathlib import Path
from typing import Any, Callable, Sequence


def print_line(line: str) -> None:
    """The protocols' `emit` on the command line: each line at once (they take minutes)."""
    print(line, flush=True)


def protocol_cli(argv: list[str] | None, description: str | None, default_pages: int,
                 run: Callable[[Path, argparse.Namespace], None]) -> int:
    """Parse `--pages N --seed S --model-dir DIR --real-pages M`, then `run(shared, args)`; 2 when ../shared is absent."""
    from training.corpus import shared_dir

    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--pages", type=int, default=default_pages)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--model-dir", default=None)
    ap.add_argument("--real-pages", type=int, default=None,
                    help="real pages (texts) the common cut is placed on: a seeded sample (default: all held-out ones)")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("../shared is absent")
        return 2
    run(shared, args)
    return 0


def held_out_setup(shared: Path, model_dir: str | None, pages: int, seed: int) -> tuple[Any, list[Any], list[Any]]:
    """(detector, held-out English docs, a seeded sample of `pages` of them with 150+ words) for the
    protocols that score held-out texts in pages built around them. The detector's reference tables are
    rebuilt without the held-out fold, the way the model's own were built
    (`training.frozen.held_out_tables_for`), as `make train` featurises its test split. The bundled ones
    counted these texts, which hides most false flags (0.02 per 100 words at swap probability 0.5 against
    0.5) and moves the statistics away from what the page classifier was trained on: on the gate's eval
    set, FPR 0.15% and recall 77.1% with them, 0.44% and 80.8% without (model 2026.11.28-220645)."""
    from model import Detector
    from training.dataset import source_docs
    from training.frozen import FOLDS, HELD_OUT_FOLD, held_out_tables_for, with_tables

    loaded = Detector.load(model_dir)
    det = with_tables(loaded, held_out_tables_for(shared, loaded))
    docs, _ = source_docs(shared, FOLDS)
    held = [d for d in docs if d.fold == HELD_OUT_FOLD and (d.page is None or (d.page.lang or "en") == "en")]
    test = [d for d in held if len(d.text.split()) >= 150]
    random.Random(seed).shuffle(test)
    return det, held, test[:pages]


# The limits on real pages: whole pages (the in-place protocol's unspun pages) and their article
# text alone in a plain page. Recall is also reported above the cut that flags this share of the real pages.
REAL_PAGE_SHARE = 0.005
PLAIN_ARTICLE_SHARE = 0.01


def cut_flagging(real_scores: Sequence[float], share: float) -> float:
    """The score a page must exceed so that at most `share` of `real_scores` are flagged: the (k+1)-th
    highest for k = floor(share * n).

    Two models scored at their own thresholds differ both in how many real pages they flag and in recall,
    and the protocols' few unspun pages cannot tell the first apart. Above this cut, on the same real pages,
    both flag the same share of them and only recall differs."""
    from training.threshold import cut_allowing

    if not real_scores:
        raise ValueError("no real-page scores to place a cut on")
    k = math.floor(share * len(real_scores) + 1e-9)
    return cut_allowing(real_scores, min(k, len(real_scores) - 1))


def doc_id(doc: Any) -> str:
    """A held-out text's name in recorded scores: its corpus page's path, or its BBC article's group."""
    return doc.page.rel_path if doc.page is not None else doc.group


def bare_note(det: Any, verdicts: Sequence[Any]) -> str:
    """", bare pages N at 0.xxx" when some of `verdicts` were judged against the bare-page threshold
    (`model.detector.Detector.threshold_for`), else ""."""
    bare = sum("bare_article_threshold" in v.reasons for v in verdicts)
    return f"; {bare} bare pages at {det.threshold_bare:.3f}" if bare else ""


def share_above(scores: Sequence[float], cut: float) -> float:
    """The share of `scores` strictly above `cut` (0.0 for none)."""
    return sum(s > cut for s in scores) / len(scores) if scores else 0.0


def emit_changed_shares(emit: Callable[[str], None], rates: tuple[float, ...], changed: dict[str, list[float]],
                        what: str) -> None:
    """Emit the median share of words each dictionary actually changed at each rate asked. A dictionary
    with few headwords runs out of eligible words below the rate asked ("seed" stops near 4%), so its
    high-rate columns measure smaller spins than their headers say."""
    emit(f"\nMedian share of the {what} actually changed (the column is the share asked):\n")
    emit("| dictionary | " + " | ".join(f"{r:.1%}" for r in rates) + " |")
    emit("|---|" + "---:|" * len(rates))
    for name, shares in changed.items():
        emit(f"| {name} | " + " | ".join("–" if math.isnan(c) else f"{c:.1%}" for c in shares) + " |")
