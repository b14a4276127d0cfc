"""Plain-page protocol: `python -m training.plainpage [--pages N] [--model-dir DIR]`.

Issue #3 measures spun articles "in a plain page with no link block and no residue" and real articles
"alone in a plain page". This puts held-out texts (the frozen evaluation fold) into a page of nothing
but a title, an `<h1>` and paragraphs, scores them unspun and spun at 1.5 / 3.5 / 5 / 8% of words, and
prints the flagged shares. Reference tables are rebuilt without the held-out fold, as `make train`
featurises its test split (`training.protocol.held_out_setup`); the swap model is the bundled one.
"""
from __future__ import annotations

import html
import os
import random
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")

RATES = (0.015, 0.035, 0.05, 0.08)
DICTIONARIES = ("private", "frequent", "moby", "seed")


def plain_page(title: str, text: str) -> str:
    """A page of a title and the text's paragraphs, nothing else."""
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1>{paras}</body></html>")


def plainpage_table(det: Any, test: list[Any], shared: Path, emit: Callable[[str], None]) -> None:
    """Emit the protocol's lines (Markdown) for the held-out texts `test` (see `training.protocol.held_out_setup`)."""
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
    from training.protocol import held_out_setup, print_line, protocol_cli

    def run(shared: Path, args: Any) -> None:
        det, _, test = held_out_setup(shared, args.model_dir, args.pages, args.seed)
        plainpage_table(det, test, shared, print_line)

    return protocol_cli(argv, __doc__, 150, run)


if __name__ == "__main__":
    raise SystemExit(main())
