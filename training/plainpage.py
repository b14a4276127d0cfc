"""Plain-page protocol: `python -m training.plainpage [--pages N] [--model-dir DIR]`.

Issue #3 measures spun articles "in a plain page with no link block and no residue" and real articles
"alone in a plain page". This puts held-out texts (the frozen evaluation fold) into a page of nothing
but a title, an `<h1>` and paragraphs, scores them unspun and spun at 1.5 / 3.5 / 5 / 8% of words, and
prints the flagged shares, at the model's threshold and above the cut that flags 1% of all the held-out
texts of 150+ words in plain pages (the issue's limit for real articles alone in a plain page), where
models compare at one false-positive rate. Reference tables are rebuilt without the held-out fold, as
`make train` featurises its test split (`training.protocol.held_out_setup`); the swap model is the
bundled one.
"""
from __future__ import annotations

import html
import math
import os
import random
import statistics
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")

RATES = (0.015, 0.035, 0.05, 0.08)
DICTIONARIES = ("private", "frequent", "moby", "seed", "private_consistent")


def plain_page(title: str, text: str) -> str:
    """A page of a title and the text's paragraphs, nothing else."""
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1>{paras}</body></html>")


def title_of(d: Any) -> str:
    """A text's title for its plain page: its own, or its first eight words."""
    return d.title or " ".join(d.text.split()[:8])


def plainpage_table(det: Any, test: list[Any], shared: Path, emit: Callable[[str], None],
                    reference: list[Any] | None = None, record: dict[str, Any] | None = None) -> None:
    """Emit the protocol's lines (Markdown) for the held-out texts `test` (see `training.protocol.held_out_setup`):
    the flagged shares at the model's threshold, then above the cut that flags `PLAIN_ARTICLE_SHARE` of the
    real articles in `reference` (held-out texts in plain pages; default `test`). `record` gets every score
    by text: "plain_real" {id: score} and "plain" {"<dictionary> <rate>": {id: score}} (`training.compare`)."""
    from training.dataset import BARE_MIN_WORDS
    from training.protocol import PLAIN_ARTICLE_SHARE, bare_note, cut_flagging, doc_id, emit_changed_shares, share_above
    from training.spinner import SPINNER_DICTIONARIES

    # every count is of verdicts, each page against the threshold the service applies to it (a plain page is
    # bare, `model.page.is_bare_article`, unless its text holds a copyright line)
    flagged = sum(det.score(plain_page(title_of(d), d.text)).is_spam for d in test)
    emit(f"model {det.version}; {len(test)} held-out texts in plain pages; real articles flagged: "
         f"{flagged} ({flagged / len(test):.1%})")
    reference = test if reference is None else reference
    real = [det.score(plain_page(title_of(d), d.text)) for d in reference]
    real_scores = [v.score for v in real]
    plain: dict[str, dict[str, float]] = {}
    if record is not None:
        record["plain_real"] = {doc_id(d): s for d, s in zip(reference, real_scores)}
        record["plain"] = plain
    cut = cut_flagging(real_scores, PLAIN_ARTICLE_SHARE)
    at_threshold = sum(v.is_spam for v in real)
    emit(f"All {len(reference)} held-out texts of {BARE_MIN_WORDS}+ words in plain pages: flagged at the threshold "
         f"({det.threshold:.3f}{bare_note(det, real)}): {at_threshold} ({at_threshold / len(reference):.2%}); "
         f"the cut that flags {PLAIN_ARTICLE_SHARE:.0%} of them is a score above {cut:.4f}")
    emit("\n| dictionary | " + " | ".join(f"{r:.1%}" for r in RATES) + " |")
    emit("|---|" + "---:|" * len(RATES))
    rng = random.Random(9)
    spun_scores: dict[str, list[list[float]]] = {}
    changed: dict[str, list[float]] = {}   # median share of the text's words actually changed, per rate
    for name in DICTIONARIES:
        spinner = SPINNER_DICTIONARIES[name](shared)
        shares_flagged = []
        for rate in RATES:
            scores, shares, hits = [], [], 0
            for d in test:
                spun = spinner.spin_many([p for p in d.text.split("\n") if p.strip()], rate, rng)
                words = sum(r.words for r in spun)
                shares.append(sum(r.rate * r.words for r in spun) / words if words else 0.0)
                verdict = det.score(plain_page(title_of(d), "\n".join(r.text for r in spun)))
                scores.append(verdict.score)
                hits += verdict.is_spam
                plain.setdefault(f"{name} {rate}", {})[doc_id(d)] = scores[-1]
            spun_scores.setdefault(name, []).append(scores)
            shares_flagged.append(hits / len(scores) if scores else math.nan)
            changed.setdefault(name, []).append(statistics.median(shares) if shares else math.nan)
        emit(f"| {name} | " + " | ".join(f"{share:.1%}" for share in shares_flagged) + " |")
    emit(f"\nThe same spun articles above the cut that flags {PLAIN_ARTICLE_SHARE:.0%} of the real articles "
         f"(score above {cut:.4f}):\n")
    emit("| dictionary | " + " | ".join(f"{r:.1%}" for r in RATES) + " |")
    emit("|---|" + "---:|" * len(RATES))
    for name in DICTIONARIES:
        emit(f"| {name} | " + " | ".join(f"{share_above(c, cut):.1%}" for c in spun_scores[name]) + " |")
    emit_changed_shares(emit, RATES, changed, "text's words")
    if record is not None:
        record["plain_changed"] = {f"{name} {rate}": share for name in DICTIONARIES
                                   for rate, share in zip(RATES, changed[name])}


def plain_reference(held: list[Any], real_pages: int | None, seed: int) -> list[Any]:
    """The held-out texts of BARE_MIN_WORDS+ words the plain-page cut is placed on: all, or a seeded sample of
    `real_pages`."""
    from training.dataset import BARE_MIN_WORDS

    texts = [d for d in held if len(d.text.split()) >= BARE_MIN_WORDS]
    return texts if real_pages is None else random.Random(seed + 1).sample(texts, min(real_pages, len(texts)))


def main(argv: list[str] | None = None) -> int:
    from training.protocol import held_out_setup, print_line, protocol_cli

    def run(shared: Path, args: Any) -> None:
        det, held, test = held_out_setup(shared, args.model_dir, args.pages, args.seed)
        plainpage_table(det, test, shared, print_line, plain_reference(held, args.real_pages, args.seed))

    return protocol_cli(argv, __doc__, 150, run)


if __name__ == "__main__":
    raise SystemExit(main())
