"""The default frozen evaluation set: built from ../shared, named by the SHA-256 of its manifest, and
pinned in `training/evalsets/default.sha256` (committed). The quality gate compares the current and the
candidate model on it; a rebuild that does not reproduce the pinned digest is refused, so neither the
corpus nor the page generator can change under the gate silently (re-pin deliberately with --repin).

It holds the held-out fold's real pages (hams), their in-place spun copies and farm pages, spun by the
dictionaries of EVAL_DICTIONARIES: four that training uses, and three it never does ("private", the same
rewriting every occurrence of a word form alike, and "seed", the held-out half of the hand-written swaps).
Spun by the first five alone, the set passed session 20's two models, ahead at both operating points,
while the paired protocols put them behind; on this one, models that differ on the unseen hand-written
swaps show it (050928 catches 48.2% of its "seed" pages, 142902 56.4%; docs/measurements.md, "Session 22").

The gate scores it with reference tables counted without that fold and built with the model's own
lexical options (`held_out_tables_for`), not with the model's own tables: the bundled tables counted these
very texts, which hides false flags and moves the statistics away from what the page classifier was
trained on (model 2026.11.28-220645: FPR 0.15% and recall 77.1% with its own tables, 0.44% and 80.8% with
these). Figures say which tables they were measured with (`GATE_TABLES`), and the gate compares only
figures measured alike.
"""
from __future__ import annotations

import functools
import random
from pathlib import Path

from training.dataset import build_samples, fold_of, source_docs
from training.evalset import EvalSetError, load_evalset, manifest_digest, write_evalset
from training.operator_data import LabelledPage

REPO = Path(__file__).resolve().parents[1]
PINNED = REPO / "training" / "evalsets" / "default.sha256"
CACHE_DIR = REPO / "data-cache" / "evalset-default"
EVAL_SEED = 20261128
FOLDS = 4
HELD_OUT_FOLD = FOLDS - 1
MAX_PAGES = 350              # real pages sampled from the held-out fold
MAX_TEXTS = 250              # texts put into farm and legit layouts
EVAL_DICTIONARIES = ("moby", "mythes", "tortured", "mixed", "private", "private_consistent", "seed")
GATE_TABLES = "without_eval_fold"   # the gate's figures: reference tables that never counted the eval set's texts


def build_default_items(shared: Path) -> list[LabelledPage]:
    """Deterministically generate the default evaluation pages from ../shared."""
    from training.spinner import SPINNER_DICTIONARIES

    docs, pages = source_docs(shared, FOLDS)
    rng = random.Random(EVAL_SEED)
    pages = sorted((p for p in pages if fold_of(p.site, FOLDS) == HELD_OUT_FOLD), key=lambda p: p.rel_path)
    rng.shuffle(pages)
    pages = pages[:MAX_PAGES]
    keep = {id(p) for p in pages}
    page_docs = [d for d in docs if d.page is not None and id(d.page) in keep]
    text_docs = sorted((d for d in docs if d.page is None and d.fold == HELD_OUT_FOLD), key=lambda d: d.group)
    rng.shuffle(text_docs)
    spinners = {name: SPINNER_DICTIONARIES[name](shared) for name in EVAL_DICTIONARIES}
    samples = build_samples(page_docs + text_docs[:MAX_TEXTS], pages, spinners, EVAL_SEED, FOLDS,
                            dictionaries=EVAL_DICTIONARIES)
    return [LabelledPage(id=s.id, html=s.html, label=s.label, url=s.url or None, kind=s.kind,
                         meta={"spin_rate": s.spin_rate, "source": s.source, "site": s.group,
                               "page_type": s.page_type, "dictionary": s.dictionary})
            for s in samples]


@functools.lru_cache(maxsize=2)
def held_out_tables(shared: Path, function_word_forms: bool,  # noqa: ANN201 (ReferenceTables; imported lazily)
                    small_numbers: bool = False):
    """Reference tables counted from every source text outside HELD_OUT_FOLD (about two minutes, so built
    once per process: in `make test`, CI's quality gate and the generalisation test share them, 5 min 20 s
    for the suite against 7 min): the default eval set's texts are all in that fold, so with these its
    pages are as new to the model as the service's pages are (see the module doc). Callers must not
    modify them. `function_word_forms`, `small_numbers`: the lexical options of the model they are for
    (`held_out_tables_for`)."""
    from training.tables import default_lexical, tables_from_texts

    docs, _ = source_docs(shared, FOLDS)
    return tables_from_texts((d.text for d in docs if d.fold != HELD_OUT_FOLD),
                             default_lexical(shared, function_word_forms=function_word_forms,
                                             small_numbers=small_numbers))


def held_out_tables_for(shared: Path, det):  # noqa: ANN001, ANN201 (Detector -> ReferenceTables)
    """`held_out_tables` built the way `det`'s own tables were (its swap models were trained on tables built
    so): a model from before function words could be spun forms is scored without them, one from before
    small numbers had tokens of their own with every number as one token."""
    from model.tables import small_numbers_of
    from training.tables import function_word_forms_of

    tables = det.bundle["tables"]
    return held_out_tables(shared, function_word_forms_of(tables), small_numbers_of(tables))


def with_tables(det, tables):  # noqa: ANN001, ANN201 (Detector, ReferenceTables -> Detector)
    """The same model as `det` with other reference tables (its bundle shallow-copied, its compiled page
    classifiers shared, `det` untouched)."""
    from model.detector import Detector

    return Detector({**det.bundle, "tables": tables}, det.card, det.sha256, det.classifiers, det.bare_classifiers)


def pinned_digest() -> str | None:
    return PINNED.read_text().split()[0] if PINNED.exists() else None


def default_evalset(shared: Path, *, repin: bool = False) -> tuple[list[LabelledPage], str]:
    """(pages, digest) of the default set, from the cache or rebuilt; refuses a digest that is not pinned."""
    pinned = None if repin else pinned_digest()
    if (CACHE_DIR / "manifest.jsonl").exists():
        try:
            return load_evalset(CACHE_DIR, pinned), manifest_digest(CACHE_DIR)
        except EvalSetError:
            pass   # a stale or damaged cache: rebuild below and compare with the pin
    items = build_default_items(shared)
    write_evalset(CACHE_DIR, items, overwrite=True)
    digest = manifest_digest(CACHE_DIR)
    if pinned is not None and digest != pinned:
        raise EvalSetError(
            f"the default evaluation set rebuilt from ../shared has digest {digest[:16]}…, but "
            f"{PINNED.relative_to(REPO)} pins {pinned[:16]}…: the corpus or the page generator changed. "
            f"Review the change, then re-pin with `python -m training.frozen --repin`.")
    if pinned is None:
        PINNED.parent.mkdir(parents=True, exist_ok=True)
        PINNED.write_text(f"{digest}  default evaluation set (python -m training.frozen)\n")
    return load_evalset(CACHE_DIR, digest), digest


def resolve_evalset(eval_dir: Path | None, shared: Path | None) -> tuple[list[LabelledPage], str]:
    """The gate's evaluation set: EVAL=dir when given, else the default one built from ../shared."""
    if eval_dir is not None:
        items = load_evalset(eval_dir)
        return items, manifest_digest(eval_dir)
    if shared is None:
        raise EvalSetError("no evaluation set for the quality gate: ../shared is absent, so name one with EVAL=dir "
                           "(see training/evalset.py for its layout)")
    return default_evalset(shared)


def gate_figures(det, items: list[LabelledPage], digest: str, tables=None) -> dict:  # noqa: ANN001
    """The figures the gate compares for `det` on an eval set: scored with `tables` (`held_out_tables`, for
    the default set), or with the model's own when None (an operator's EVAL=dir)."""
    return gate_figures_and_scores(det, items, digest, tables)[0]


def gate_figures_and_scores(det, items: list[LabelledPage], digest: str, tables=None):  # noqa: ANN001, ANN201
    """`gate_figures` and the per-page scores they came from (for `training.gate.crossing`)."""
    import numpy as np

    from training.gate import BUNDLED_TABLES, gate_metrics

    scored = det if tables is None else with_tables(det, tables)
    y = np.array([int(it.label) for it in items])
    s = np.array([scored.score(it.html).score for it in items])
    figures = gate_metrics(y, s, det.threshold, evalset=digest, tables=BUNDLED_TABLES if tables is None else GATE_TABLES)
    return figures, s


def recall_by_dictionary(items: list[LabelledPage], scores, threshold: float) -> dict[str, tuple[int, int]]:
    """Per spinner dictionary of the set's spun pages: (pages flagged at `threshold`, pages). The gate decides
    on all pages together; this shows where a candidate gains or loses (an unseen dictionary's spins can
    move apart from the rest)."""
    import numpy as np

    from training.report import group_rates

    rows = group_rates(np.array([int(it.label) for it in items]), np.asarray(scores, dtype=float), threshold,
                       [it.meta.get("dictionary") or "" for it in items], label=1)
    return {r["group"]: (r["flagged"], r["n"]) for r in rows if r["group"]}


def format_recall_by_dictionary(current: dict[str, tuple[int, int]] | None, candidate: dict[str, tuple[int, int]]) -> str:
    """One line: each dictionary's recall, the current model's first when there is one."""
    def pct(hit_n: tuple[int, int]) -> str:
        return f"{100.0 * hit_n[0] / hit_n[1]:.1f}%"

    parts = [f"{name} {pct(current[name]) + ' -> ' if current and name in current else ''}{pct(hit_n)} (n={hit_n[1]})"
             for name, hit_n in candidate.items()]
    return "; ".join(parts)


def record_figures(model_dir: Path, figures: dict, when: str) -> None:
    """Make `figures` the model card's gate figures (what `gate.recorded_figures` and CI's quality gate read),
    keeping the ones they replace under `gate.replaced` with the date and why: for a model promoted before the
    gate measured as it does now, or before the set was re-pinned. Figures equal to the recorded ones (a model
    `make train` just gated the same way) replace nothing and leave the card as it is."""
    import json

    from model.artifact import CARD_NAME

    path = Path(model_dir) / CARD_NAME
    card = json.loads(path.read_text(encoding="utf-8"))
    gate = card.setdefault("gate", {})
    old = gate.get("candidate") or {}
    if old == figures:
        return
    if old.get("evalset") not in (None, figures.get("evalset")):
        why = f"re-measured on the re-pinned evaluation set {str(figures.get('evalset'))[:16]}..."
    else:
        why = f"re-measured with reference tables {figures.get('tables', GATE_TABLES)}"
    gate.setdefault("replaced", []).append({"figures": gate.get("candidate"), "replaced_on": when, "why": why})
    gate["candidate"] = figures
    path.write_text(json.dumps(card, indent=2, sort_keys=True, default=float) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    import argparse
    import datetime as dt
    import json

    from training.corpus import shared_dir

    ap = argparse.ArgumentParser(prog="python -m training.frozen", description=__doc__)
    ap.add_argument("--repin", action="store_true", help="rebuild and pin the current digest")
    ap.add_argument("--measure", type=Path, metavar="MODEL_DIR",
                    help="print the gate's figures for this model (scored with tables without the eval fold)")
    ap.add_argument("--record", action="store_true", help="with --measure: write them into the model's card")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("error: ../shared is absent")
        return 2
    items, digest = default_evalset(shared, repin=args.repin)
    if args.repin:
        PINNED.write_text(f"{digest}  default evaluation set (python -m training.frozen)\n")
    print(f"{len(items)} pages ({sum(i.label for i in items)} spam), digest {digest}")
    if args.measure is not None:
        from model.detector import Detector

        det = Detector.load(args.measure)
        figures, scores = gate_figures_and_scores(det, items, digest, held_out_tables_for(shared, det))
        print(json.dumps(figures, indent=2, default=float))
        print("recall by dictionary:", format_recall_by_dictionary(None, recall_by_dictionary(items, scores,
                                                                                               det.threshold)))
        if args.record:
            record_figures(args.measure, figures, dt.date.today().isoformat())
            print(f"recorded in {args.measure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
