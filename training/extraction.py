"""Main-text extraction against the corpus ground truth: `python -m training.extraction`.

The signals read the main text `model/page.py` extracts, so a page whose article is lost to boilerplate
rules hides its spun words. For every English corpus page with at least 150 words of ground-truth main
text this compares the bag of words extracted with the ground truth's (word recall and precision, as
the extraction benchmarks the corpus comes from score them) and prints the quantiles and the share of
pages below 0.5 and 0.8. About a minute; needs ../shared.
"""
from __future__ import annotations

import argparse
import re
from collections import Counter

import numpy as np

MIN_WORDS = 150
_WORD = re.compile(r"\w+")


def overlap(truth: str, extracted: str) -> tuple[float, float]:
    """(recall, precision) of the extracted words against the ground truth's, as bags of lower-case words."""
    t, e = Counter(_WORD.findall(truth.lower())), Counter(_WORD.findall(extracted.lower()))
    common = sum((t & e).values())
    return common / max(1, sum(t.values())), common / max(1, sum(e.values()))


def main(argv: list[str] | None = None) -> int:
    from model.decode import decode_html
    from model.page import parse_page
    from training.corpus import load_corpus, read_html, read_main_text, shared_dir

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--worst", type=int, default=0, help="also list the N pages of lowest recall")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("../shared is absent")
        return 2
    rows = []
    for p in load_corpus(shared, verbose=False):
        truth = read_main_text(p)
        if not truth or len(truth.split()) < MIN_WORDS or (p.lang or "en") != "en":
            continue
        text, _ = decode_html(read_html(p), None)
        rows.append((*overlap(truth, parse_page(text, None).main_text), p.rel_path))
    r = np.array([(a, b) for a, b, _ in rows])
    q = (0.05, 0.10, 0.25, 0.50)
    print(f"{len(r)} English corpus pages with >= {MIN_WORDS} words of ground-truth main text")
    print("word recall    quantiles " + " / ".join(f"{x:.0%}: {v:.3f}" for x, v in zip(q, np.quantile(r[:, 0], q))))
    print("word precision quantiles " + " / ".join(f"{x:.0%}: {v:.3f}" for x, v in zip(q, np.quantile(r[:, 1], q))))
    print(f"pages with recall < 0.5: {np.mean(r[:, 0] < 0.5):.1%}; < 0.8: {np.mean(r[:, 0] < 0.8):.1%}; "
          f"precision < 0.5: {np.mean(r[:, 1] < 0.5):.1%}")
    for rec, prec, path in sorted(rows)[: args.worst]:
        print(f"  recall {rec:.2f} precision {prec:.2f} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
