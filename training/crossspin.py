"""Cross-spinner recall curve: `python -m training.crossspin [--pages N] [--model-dir DIR]`.

Real pages of the held-out fold are spun in place by each dictionary at fixed shares of words changed
(1%, 2%, 3%, 5%, 8%, 12%) and scored by the bundled model at its threshold, beside the false-positive
rate on the same pages unspun and on all the held-out fold's real pages. A second table gives the same
spins' recall above the cut that flags 0.5% of those real pages, where two models compare at one
false-positive rate whatever their thresholds (`training.protocol.cut_flagging`). "private" is a
dictionary training never uses (common-word pairs plus the held-out half of the hand-written swaps,
those found in neither thesaurus), though its common-word pairs overlap the close synonyms of the
"frequent" training spinner; "seed" is that held-out half alone,
the seed page's kind of spinner. The other half, with more of the kind ("seed_train"), trains, so the
swap model has seen swaps of this kind but not these (`training.spinner.seed_half`; no training form
holds a held-out swap, not even inside a longer one such as "key minister"). The reference tables are
rebuilt without the held-out fold (`training.protocol.held_out_setup`), as `make train` featurises its
test split: the bundled tables counted these pages' texts, which changes the per-word statistics (0.02
false flags per 100 words of held-out text at swap probability 0.5, against 0.5 with tables that never
saw the text) away from what the page classifier was trained on.

Each cell also gives the share flagged when the comparison with the page's metadata finds nothing
(`verdicts`): the in-place spinner leaves a page's description, titles and JSON-LD as they were, and
`metadata_mismatch` compares them with the spun text; a farm that spins those too leaves only the text.
"""
from __future__ import annotations

import math
import os
import random
import statistics
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")

RATES = (0.01, 0.02, 0.03, 0.05, 0.08, 0.12)
DICTIONARIES = ("moby", "mythes", "tortured", "frequent", "private", "seed", "private_consistent")


def verdicts(det: Any, html: bytes) -> tuple[Any, Any]:
    """The page's verdict, and the verdict it gets when its metadata comparison finds nothing (the
    `metadata_mismatch` features as for a page without metadata): one analysis, two classifier calls."""
    from model.signals import FEATURE_NAMES, metadata_mismatch

    analysis = det.analyse(html)
    verdict = det.verdict_for(analysis)
    blank = [FEATURE_NAMES.index(name) for name in metadata_mismatch.FEATURES]
    vectors = [vector.copy() for vector in analysis.vectors]
    for vector in vectors:
        for i in blank:
            vector[i] = vector[i] if math.isnan(vector[i]) else 0.0
    analysis.vectors = vectors
    return verdict, det.verdict_for(analysis)


def crossspin_table(det: Any, shared: Path, pages: int, seed: int, emit: Callable[[str], None],
                    real_pages: int | None = None, record: dict[str, Any] | None = None) -> None:
    """Emit the protocol's lines (Markdown): the unspun pages flagged, recall per dictionary and rate at the
    model's threshold, then the same spins' recall above the cut that flags `REAL_PAGE_SHARE` of the
    held-out fold's real pages (all of them, every language, or a seeded sample of `real_pages`). `record`
    gets every score by page: "real_pages" {path: score} and "in_place" {"<dictionary> <rate>": {path:
    score}}, for paired comparisons of two models (`training.compare`)."""
    from training.corpus import load_corpus, read_html, read_main_text
    from training.dataset import fold_of
    from training.frozen import FOLDS, HELD_OUT_FOLD
    from training.inplace import spin_in_place
    from training.protocol import REAL_PAGE_SHARE, bare_note, cut_flagging, emit_changed_shares, share_above
    from training.spinner import SPINNER_DICTIONARIES

    rng = random.Random(seed)
    held_pages = [p for p in load_corpus(shared, verbose=False) if fold_of(p.site, FOLDS) == HELD_OUT_FOLD]
    corpus = [p for p in held_pages if (p.lang or "en") == "en"]
    rng.shuffle(corpus)
    chosen = []
    for p in corpus:
        text = read_main_text(p)
        if text and len(text.split()) >= 150:
            chosen.append((read_html(p), text, p.rel_path))
        if len(chosen) >= pages:
            break
    unspun = [verdicts(det, html) for html, _, _ in chosen]
    hams = sum(v.is_spam for v, _ in unspun)
    bare = sum(v.is_spam for _, v in unspun)
    emit(f"{len(chosen)} real pages of the held-out fold; flagged unspun: {hams} ({hams / len(chosen):.1%}); "
         f"without their metadata: {bare}")
    reference = held_pages if real_pages is None else \
        random.Random(seed + 1).sample(held_pages, min(real_pages, len(held_pages)))
    real = [det.score(read_html(p)) for p in reference]
    real_scores = [v.score for v in real]
    in_place: dict[str, dict[str, float]] = {}
    if record is not None:
        record["real_pages"] = {p.rel_path: s for p, s in zip(reference, real_scores)}
        record["in_place"] = in_place
    cut = cut_flagging(real_scores, REAL_PAGE_SHARE)
    at_threshold = sum(v.is_spam for v in real)      # each page against its own threshold (bare pages' own)
    emit(f"All {len(reference)} real pages of the held-out fold (every language): flagged at the threshold "
         f"({det.threshold:.3f}{bare_note(det, real)}): {at_threshold} ({at_threshold / len(reference):.2%}); "
         f"the cut that flags {REAL_PAGE_SHARE:.1%} of them is a score above {cut:.4f}")
    emit("\n| dictionary | " + " | ".join(f"{r:.0%}" for r in RATES) + " |")
    emit("|---|" + "---:|" * len(RATES))
    spun_scores: dict[str, list[list[float]]] = {}
    changed: dict[str, list[float]] = {}   # median share of main-text words actually changed, per rate
    for name in DICTIONARIES:
        spinner = SPINNER_DICTIONARIES[name](shared)
        cells = []
        for rate in RATES:
            hit = bare = 0
            scores: list[float] = []
            shares: list[float] = []
            for html, text, path in chosen:
                res = spin_in_place(html, text, spinner, rate, rng)
                if res is None or res.changes == 0:
                    continue
                with_meta, without_meta = verdicts(det, res.html)
                scores.append(with_meta.score)
                shares.append(res.rate)
                in_place.setdefault(f"{name} {rate}", {})[path] = with_meta.score
                hit += with_meta.is_spam
                bare += without_meta.is_spam
            n = len(scores)
            spun_scores.setdefault(name, []).append(scores)
            changed.setdefault(name, []).append(statistics.median(shares) if shares else math.nan)
            cells.append(f"{hit / n:.1%} (n={n}; {bare / n:.1%} without metadata)" if n else "–")
        emit(f"| {name} | " + " | ".join(cells) + " |")
    emit(f"\nThe same spun pages above the cut that flags {REAL_PAGE_SHARE:.1%} of the held-out fold's real pages "
         f"(score above {cut:.4f}), which compares models at one false-positive rate:\n")
    emit("| dictionary | " + " | ".join(f"{r:.0%}" for r in RATES) + " |")
    emit("|---|" + "---:|" * len(RATES))
    for name in DICTIONARIES:
        cells = [f"{share_above(s, cut):.1%}" if s else "–" for s in spun_scores[name]]
        emit(f"| {name} | " + " | ".join(cells) + " |")
    emit_changed_shares(emit, RATES, changed, "main-text words")
    if record is not None:
        record["in_place_changed"] = {f"{name} {rate}": share for name in DICTIONARIES
                                      for rate, share in zip(RATES, changed[name])}


def main(argv: list[str] | None = None) -> int:
    from training.protocol import held_out_setup, print_line, protocol_cli

    def run(shared: Path, args: Any) -> None:
        det, _, _ = held_out_setup(shared, args.model_dir, 0, args.seed)
        crossspin_table(det, shared, args.pages, args.seed, print_line, args.real_pages)

    return protocol_cli(argv, __doc__, 80, run)


if __name__ == "__main__":
    raise SystemExit(main())
