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

One cut is placed by a handful of real pages, so which model "wins" can turn on the one real page that sits
at it: 233443 against its four-member sibling 015026 won in place by 17 pages to 2 at the cut that flags 2
of 1,311 real pages and lost by 4 to 21 at the one that flags 7. A second table therefore compares the
models without a cut: each spun page's *false-positive cost* under a model is the share of that model's
real scores at or above the page's score (`fp_costs`), the share of real pages any cut that flags this
page must flag too. Over the pages that cost at most REGION (1%) under either model, it counts those
cheaper under A and those cheaper under B, and sign-tests them: every cut in that region counts, none
decides alone. Beside it, each model's recall within the budgets RECALL_BUDGETS.

Both tables hold the two models fixed: the p-value says whether these two artifacts rank the spun pages
differently, not whether the code that trained one is better. Retraining the same code with another seed
moves the counts as much as the changes tried: 050928 (seed 7) against 123730 (seed 8, the same code)
is 46 / 26 in place above the cut and 242 / 139 without one, and 474 / 242 (p 3e-18) in plain pages without
a cut (docs/measurements.md, "Session 21"), and two arms of two seeds each are not enough either: the topical-fit
change of session 35 was 6 / 46 in place above the cut with seeds 7 + 8 on both sides and 42 / 28 with seeds
9 + 10 against 7 + 8 (docs/measurements.md, "Session 36"). To judge a change, set it against the spread between
seeds: several seeds an arm ("+" below averages their scores), or a retrain of the unchanged code beside it.

REPORT_A and REPORT_B are `reports/<version>` directories holding `generalisation_scores.json.gz`
(`python -m training.generalisation` writes it). Either may be several directories joined by "+": the
models' scores averaged page by page (`average_scores`), to measure what an ensemble of retrains would do
before building one. Prints a Markdown table per protocol: per dictionary and in all, pages flagged by
both, by A only and by B only, and the two-sided p-value; then the cut-free table.
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any, Callable

import numpy as np

from training.generalisation import SCORES_NAME
from training.protocol import PLAIN_ARTICLE_SHARE, REAL_PAGE_SHARE, cut_flagging

# (protocol, its spun scores' key, its real scores' key, the share of real ones flagged at the common cut)
PROTOCOLS = (("in place", "in_place", "real_pages", REAL_PAGE_SHARE),
             ("plain pages", "plain", "plain_real", PLAIN_ARTICLE_SHARE))
REGION = 0.01                           # the cut-free table looks at pages costing at most 1% of the real ones:
                                        # the issues' limits are 0.5% (pages) and 1% (plain articles)
RECALL_BUDGETS = (0.002, 0.005, 0.01)   # recall within these shares of real pages flagged; 0.2% is about
                                        # where the service's threshold lands on held-out real pages


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


def fp_costs(record: dict[str, Any], spun_key: str, real_key: str) -> dict[tuple[str, str], float]:
    """Per spun page ((cell, page) -> cost): the share of the record's real scores at or above the page's
    score, i.e. the smallest share of real pages a cut that flags it must flag too (lower is better)."""
    real = np.sort(np.asarray(list(record[real_key].values()), dtype=float))
    if not len(real):
        raise ValueError(f"no {real_key!r} scores to measure costs against")
    out: dict[tuple[str, str], float] = {}
    for cell, pages in record[spun_key].items():
        names = list(pages)
        scores = np.asarray([pages[n] for n in names], dtype=float)
        at_or_above = len(real) - np.searchsorted(real, scores, side="left")
        out.update({(cell, n): float(c) / len(real) for n, c in zip(names, at_or_above)})
    return out


def cost_counts(a: dict[str, Any], b: dict[str, Any], spun_key: str, real_key: str,
                region: float = REGION) -> dict[str, tuple[int, int, int]]:
    """Per dictionary, over pages both scored whose cost is at most `region` under A or B: (pages in the
    region, pages cheaper under A, pages cheaper under B). Equal costs count for neither."""
    ca, cb = fp_costs(a, spun_key, real_key), fp_costs(b, spun_key, real_key)
    out: dict[str, tuple[int, int, int]] = {}
    for key in sorted(set(ca) & set(cb)):
        x, y = ca[key], cb[key]
        if min(x, y) > region:
            continue
        name = key[0].rsplit(" ", 1)[0]
        n, a_cheaper, b_cheaper = out.get(name, (0, 0, 0))
        out[name] = (n + 1, a_cheaper + (x < y), b_cheaper + (y < x))
    return out


def recall_within(record: dict[str, Any], spun_key: str, real_key: str,
                  budgets: tuple[float, ...] = RECALL_BUDGETS) -> list[float]:
    """Share of the spun pages whose cost is at most each budget: recall at the cut flagging that share."""
    costs = np.asarray(list(fp_costs(record, spun_key, real_key).values()))
    return [float((costs <= budget).mean()) if len(costs) else 0.0 for budget in budgets]


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
        cost_table(a, b, title, spun_key, real_key, emit)


def cost_table(a: dict[str, Any], b: dict[str, Any], title: str, spun_key: str, real_key: str,
               emit: Callable[[str], None]) -> None:
    """Emit the cut-free table of one protocol (see module doc) and each model's recall within budgets."""
    counts = cost_counts(a, b, spun_key, real_key)
    emit(f"\n{title}, without a cut: spun pages costing at most {REGION:.0%} of the real ones under either "
         f"model, by which model ranks them below fewer real ones:\n")
    emit("| dictionary | pages | A cheaper | B cheaper | p (sign test) |")
    emit("|---|---:|---:|---:|---:|")
    total = [0, 0, 0]
    for name, row in counts.items():
        total = [t + v for t, v in zip(total, row)]
        emit(f"| {name} | {row[0]} | {row[1]} | {row[2]} | {sign_test(row[1], row[2]):.3g} |")
    emit(f"| all | {total[0]} | {total[1]} | {total[2]} | {sign_test(total[1], total[2]):.3g} |")
    budgets = " / ".join(f"{x:.1%}" for x in RECALL_BUDGETS)
    ra, rb = (recall_within(r, spun_key, real_key) for r in (a, b))
    emit(f"\nrecall within {budgets} of real pages flagged: A " + " / ".join(f"{x:.1%}" for x in ra) +
         ", B " + " / ".join(f"{x:.1%}" for x in rb))


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
