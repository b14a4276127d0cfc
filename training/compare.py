"""Paired comparison of two models on the same spun pages: `python -m training.compare REPORT_A REPORT_B`.

The generalisation tables give each model's recall per cell of 60 pages (in place) or 150 texts (plain),
about ±6 points each, so two retrains that differ by a few points in many cells cannot be told apart by
reading them. Both models scored the same spins, though (the protocols' spins depend on the seed alone),
so their scores pair up page by page: what counts is how many spun pages one model flags and the other
does not. Each model flags above its own common cut (the score that flags 0.5% of the held-out fold's
real pages in place, 1% of its texts in plain pages; `training.protocol.cut_flagging`), so both flag the
same share of real pages and only recall differs. The discordant pages are tested with the exact sign
test (McNemar's exact test): under "no difference" each is equally likely to go either way. The cuts are
taken as given: a handful of real pages place each one, and that uncertainty is not in the p-value, which
says whether the two models disagree on the spun pages more one way than the other at these cuts.

REPORT_A and REPORT_B are `reports/<version>` directories holding `generalisation_scores.json.gz`
(`python -m training.generalisation` writes it). Either may be several directories joined by "+": the
models' scores averaged page by page (`average_scores`), to measure what an ensemble of retrains would do
before building one. Prints a Markdown table per protocol: per dictionary and in all, pages flagged by
both, by A only and by B only, and the two-sided p-value.
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any, Callable

from training.generalisation import SCORES_NAME
from training.protocol import PLAIN_ARTICLE_SHARE, REAL_PAGE_SHARE, cut_flagging

# (protocol, its spun scores' key, its real scores' key, the share of real ones flagged at the common cut)
PROTOCOLS = (("in place", "in_place", "real_pages", REAL_PAGE_SHARE),
             ("plain pages", "plain", "plain_real", PLAIN_ARTICLE_SHARE))


def sign_test(a_only: int, b_only: int) -> float:
    """Two-sided exact p-value of `b_only` against `a_only` discordant pairs under "either way is as likely"."""
    from scipy.stats import binomtest

    n = a_only + b_only
    return 1.0 if n == 0 else float(binomtest(b_only, n, 0.5).pvalue)


def paired_counts(a: dict[str, Any], b: dict[str, Any], spun_key: str, real_key: str,
                  share: float) -> dict[str, tuple[int, int, int, int]]:
    """Per dictionary (cells "<dictionary> <rate>" pooled), (pages both scored, flagged by both, by A only,
    by B only), each model flagging above its own cut on its real scores. Only pages both scored count."""
    cut_a, cut_b = cut_flagging(list(a[real_key].values()), share), cut_flagging(list(b[real_key].values()), share)
    out: dict[str, tuple[int, int, int, int]] = {}
    for cell in sorted(set(a[spun_key]) & set(b[spun_key])):
        name = cell.rsplit(" ", 1)[0]
        sa, sb = a[spun_key][cell], b[spun_key][cell]
        n, both, a_only, b_only = out.get(name, (0, 0, 0, 0))
        for page in set(sa) & set(sb):
            fa, fb = sa[page] > cut_a, sb[page] > cut_b
            n += 1
            both += fa and fb
            a_only += fa and not fb
            b_only += fb and not fa
        out[name] = (n, both, a_only, b_only)
    return out


def load_scores(report_dir: Path) -> dict[str, Any]:
    """The recorded scores of one model's generalisation run; ValueError when they are not such a record
    (no version, or a protocol's spun scores without the real ones its cut is placed on)."""
    path = Path(report_dir) / SCORES_NAME
    with gzip.open(path, "rt", encoding="utf-8") as f:
        record = json.load(f)
    if not isinstance(record, dict) or "version" not in record:
        raise ValueError(f"{path} is not a generalisation scores record")
    for _, spun_key, real_key, _ in PROTOCOLS:
        if spun_key in record and not record.get(real_key):
            raise ValueError(f"{path} has {spun_key!r} scores but no {real_key!r} ones to place the cut on")
    return record


def average_scores(records: list[dict[str, Any]]) -> dict[str, Any]:
    """One record whose every score is the mean of the records' scores for that page: the scores of an
    ensemble that averages the models' probabilities. Pages, texts and cells not scored by every record are
    left out; the cuts are then placed on the averaged real scores, as for one model."""
    if len(records) == 1:
        return records[0]
    out: dict[str, Any] = {"version": "+".join(str(r["version"]) for r in records)}

    def mean_of(maps: list[dict[str, float]]) -> dict[str, float]:
        common = set(maps[0]).intersection(*maps[1:])
        return {k: sum(m[k] for m in maps) / len(maps) for k in sorted(common)}

    for _, spun_key, real_key, _ in PROTOCOLS:
        if not all(spun_key in r for r in records):
            continue
        out[real_key] = mean_of([r[real_key] for r in records])
        cells = set(records[0][spun_key]).intersection(*(r[spun_key] for r in records[1:]))
        out[spun_key] = {cell: mean_of([r[spun_key][cell] for r in records]) for cell in sorted(cells)}
    return out


def load_averaged(spec: str) -> dict[str, Any]:
    """`load_scores` of a report directory, or the `average_scores` of several joined by "+"."""
    return average_scores([load_scores(Path(part)) for part in str(spec).split("+")])


def compare_table(a: dict[str, Any], b: dict[str, Any], emit: Callable[[str], None]) -> None:
    """Emit one Markdown table per protocol (see module doc)."""
    for title, spun_key, real_key, share in PROTOCOLS:
        if spun_key not in a or spun_key not in b:
            continue
        counts = paired_counts(a, b, spun_key, real_key, share)
        emit(f"\n{title}, each model above the score that flags {share:.1%} of its real ones "
             f"(A {a['version']}, B {b['version']}):\n")
        emit("| dictionary | pages | both | A only | B only | p (sign test) |")
        emit("|---|---:|---:|---:|---:|---:|")
        total = [0, 0, 0, 0]
        for name, row in counts.items():
            total = [t + v for t, v in zip(total, row)]
            emit(f"| {name} | {row[0]} | {row[1]} | {row[2]} | {row[3]} | {sign_test(row[2], row[3]):.3g} |")
        emit(f"| all | {total[0]} | {total[1]} | {total[2]} | {total[3]} | {sign_test(total[2], total[3]):.3g} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report_a", help="a reports/<version> directory, or several joined by + (scores averaged)")
    ap.add_argument("report_b", help="the same for model B")
    args = ap.parse_args(argv)
    try:
        a, b = load_averaged(args.report_a), load_averaged(args.report_b)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}; run `python -m training.generalisation` for both models first")
        return 2
    compare_table(a, b, lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
