"""Plain-page protocol: `python -m training.plainpage [--pages N] [--model-dir DIR]`.

Issue #3 measures spun articles "in a plain page with no link block and no residue" and real articles
"alone in a plain page". This puts held-out texts (the frozen evaluation fold) into a page of nothing
but a title, an `<h1>` and paragraphs, scores them unspun and spun at 1.5 / 3.5 / 5 / 8% of words, and
prints the flagged shares. The bundled reference tables counted every fold's texts, this one's too,
which would flatter both figures, so the tables are rebuilt here without the held-out fold (about a
minute); the swap model is the bundled one.
"""
from __future__ import annotations

import argparse
import html
import os
import random
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")

RATES = (0.015, 0.035, 0.05, 0.08)
DICTIONARIES = ("private", "frequent", "moby")


def plain_page(title: str, text: str) -> str:
    """A page of a title and the text's paragraphs, nothing else."""
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1>{paras}</body></html>")


def held_out_setup(shared: Path, model_dir: str | None, pages: int, seed: int) -> tuple[Any, list[Any], list[Any]]:
    """(detector, held-out English docs, a seeded sample of `pages` of them with 150+ words) for the
    protocols that score held-out texts in pages built around them. The detector's reference tables are
    rebuilt without the held-out fold (about a minute): the bundled ones counted every fold's texts,
    which would flatter the figures."""
    from model import Detector
    from training.dataset import source_docs
    from training.frozen import FOLDS, HELD_OUT_FOLD
    from training.tables import default_lexical, tables_from_texts

    det = Detector.load(model_dir)
    docs, _ = source_docs(shared, FOLDS)
    det.bundle["tables"] = tables_from_texts((d.text for d in docs if d.fold != HELD_OUT_FOLD),
                                             default_lexical(shared))
    held = [d for d in docs if d.fold == HELD_OUT_FOLD and (d.page is None or (d.page.lang or "en") == "en")]
    test = [d for d in held if len(d.text.split()) >= 150]
    random.Random(seed).shuffle(test)
    return det, held, test[:pages]


def plainpage_table(det: Any, test: list[Any], shared: Path, emit: Callable[[str], None]) -> None:
    """Emit the protocol's lines (Markdown) for the held-out texts `test` (see `held_out_setup`)."""
    from training.spinner import SPINNER_DICTIONARIES

    def title_of(d) -> str:  # noqa: ANN001
        return d.title or " ".join(d.text.split()[:8])

    thr = det.threshold
    flagged = sum(det.score(plain_page(title_of(d), d.text)).score >= thr for d in test)
    emit(f"model {det.version}; {len(test)} held-out texts in plain pages; real articles flagged: "
         f"{flagged} ({flagged / len(test):.1%})")
    emit("\n| dictionary | " + " | ".join(f"{r:.1%}" for r in RATES) + " |")
    emit("|---|" + "---:|" * len(RATES))
    rng = random.Random(9)
    for name in DICTIONARIES:
        spinner = SPINNER_DICTIONARIES[name](shared)
        cells = []
        for rate in RATES:
            hits = 0
            for d in test:
                spun = spinner.spin_many([p for p in d.text.split("\n") if p.strip()], rate, rng)
                hits += det.score(plain_page(title_of(d), "\n".join(r.text for r in spun))).score >= thr
            cells.append(f"{hits / len(test):.1%}")
        emit(f"| {name} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    from training.corpus import shared_dir

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=150)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--model-dir", default=None)
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("../shared is absent")
        return 2
    det, _, test = held_out_setup(shared, args.model_dir, args.pages, args.seed)
    plainpage_table(det, test, shared, lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
