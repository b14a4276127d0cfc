"""Token-level experiment for the swap model: `python -m training.tokenexp [--texts N]`.

A quick loop for changing token features or the token model without a full `make train`: reference
tables from folds 0-1, a token model fitted on fold-2 texts (spun as `make train` spins them), tested on
fold-3 texts unspun and spun at 3.5% and 5% by "private" and "seed" (held out) and Moby, each also rewriting
a word form the same way throughout ("_consistent", `Spinner.consistent`). Prints, per
dictionary, the share of swaps found at 0.1 / 0.3 / 1 false flags per 100 words of the unspun texts, and for the
documents the ROC-AUC and the recall at 1% of unspun texts of three simple scores: the swap probabilities
summed per 100 words ("sum"), the distinct words of probability >= 0.5 per 100 words ("types"), and the
mixture log-likelihood ratio at a swap share of 0.3% per 100 words ("llr", `spun_phrases.swap_llr`). It
also prints the share of swaps among the candidate tokens the model is fitted on (its `swap_prior_`).
This is how the token model's size and features were chosen (training/train.py); it takes about 5
minutes on 2 cores.

How far to trust it (docs/measurements.md, session 38): the swaps found move by 0.01 at most between runs of
one configuration, but the recall at 1% of unspun texts rests on the third-highest of 300 unspun scores and
moved by up to 13 points ("seed", 0.273 / 0.403 / 0.367 for `--seed` 1 / 2 / 3), and by 8 points when the
run had two threads instead of the one set below (the tables' word vectors differed then, which
`training.tables.word_vectors` now prevents; the boosting fit's parallel sums may still). Compare arms with
several `--seed` values.
"""
from __future__ import annotations

import argparse
import os
import random

import numpy as np

# one OpenMP thread before scikit-learn loads: the swap model predicts a few hundred rows per text, and two
# runs side by side with two threads each took over 20 minutes instead of 4 (the protocols do the same)
os.environ.setdefault("OMP_NUM_THREADS", "1")

DICTIONARIES = ("private", "moby", "seed", "private_consistent", "moby_consistent", "seed_consistent")
RATES = (0.035, 0.05)
HAM_RATES = (0.1, 0.3, 1.0)    # false flags per 100 words of unspun text


def main(argv: list[str] | None = None) -> int:
    from sklearn.metrics import roc_auc_score

    from model.signals.spun_phrases import prior_of, scope_of, swap_llr, swap_probabilities, token_matrix
    from model.tokens import tokenize
    from training import train as T
    from training.corpus import shared_dir
    from training.dataset import TRAIN_DICTIONARIES, source_docs
    from training.spinner import SPINNER_DICTIONARIES
    from training.tables import FUNCTION_WORD_FORMS, SMALL_NUMBERS, default_lexical, tables_from_texts

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--texts", type=int, default=200, help="fold-3 texts tested")
    ap.add_argument("--consistent-share", type=float, default=0.0,
                    help="share of the swap model's training spins that rewrite a word form the same way throughout "
                         "(make train's: none)")
    ap.add_argument("--function-word-forms", action=argparse.BooleanOptionalAction, default=FUNCTION_WORD_FORMS,
                    help="let function words be spun forms in the reference tables (training.tables.FUNCTION_WORD_FORMS)")
    ap.add_argument("--small-numbers", action=argparse.BooleanOptionalAction, default=SMALL_NUMBERS,
                    help="count digits 1-9 as words of their own in the reference tables "
                         "(training.tables.SMALL_NUMBERS)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the swap model's training spins")
    ap.add_argument("--synonym-min-zipf", type=float, default=None,
                    help="training spinners offer only synonyms at least this common (make train's: "
                         "training.train.SYNONYM_MIN_ZIPF)")
    ap.add_argument("--token-dictionary-weight", type=T.parse_dictionary_weight, action="append", default=[],
                    metavar="NAME=K", help="draw training dictionary NAME K times as often for the swap model's spins "
                                           "(repeatable; make train's: training.train.TOKEN_DICTIONARY_WEIGHTS)")
    ap.add_argument("--token-texts-per-fold", type=T.positive_int, default=T.TOKEN_TEXTS_PER_FOLD,
                    help="fold-2 texts spun for the swap model's training (make train's: "
                         "training.train.TOKEN_TEXTS_PER_FOLD)")
    ap.add_argument("--token-spins-per-text", type=T.positive_int, default=T.TOKEN_SPINS_PER_TEXT,
                    help="times each of those texts is spun (make train's: training.train.TOKEN_SPINS_PER_TEXT)")
    args = ap.parse_args(argv)
    weights = dict(T.TOKEN_DICTIONARY_WEIGHTS, **dict(args.token_dictionary_weight))
    if args.synonym_min_zipf is None:
        args.synonym_min_zipf = T.SYNONYM_MIN_ZIPF
    shared = shared_dir()
    if shared is None:
        print("../shared is absent")
        return 2
    docs, _ = source_docs(shared, 4)
    lexical = default_lexical(shared, function_word_forms=args.function_word_forms, small_numbers=args.small_numbers)
    tables = tables_from_texts((d.text for d in docs if d.fold in (0, 1)), lexical)
    spinners = {n: SPINNER_DICTIONARIES[n](shared) for n in DICTIONARIES}
    train_spinners = T.with_common_synonyms(
        {n: SPINNER_DICTIONARIES[n](shared).with_consistency(args.consistent_share) for n in TRAIN_DICTIONARIES},
        args.synonym_min_zipf)
    data = T.token_training_data([d for d in docs if d.fold == 2], {2: tables}, train_spinners,
                                 random.Random(args.seed), T.token_dictionaries(weights),
                                 args.token_texts_per_fold, args.token_spins_per_text)
    print(f"swaps among candidate tokens: {np.concatenate(data[2].y).mean():.3f}", flush=True)
    model = T.fit_token_model([data[2]], 1)
    test = [d for d in docs if d.fold == 3 and (d.page is None or (d.page.lang or "en") == "en")
            and len(d.text.split()) >= 150]
    random.Random(7).shuffle(test)
    test = test[: args.texts]

    def probs(text: str):  # noqa: ANN202
        tok = tokenize(text, small_numbers=lexical.small_numbers)
        X, _, _ = token_matrix(tok, tables, scope=scope_of(model))
        return tok, swap_probabilities(X, model)

    def doc_scores_of(tok, p) -> tuple[float, float, float]:  # noqa: ANN001
        per100 = 100.0 / len(p)
        return (p.sum() * per100, len(np.unique(tok.hashes[p >= 0.5])) * per100,
                swap_llr(p, 0.003, prior_of(model)).sum() * per100)

    ham = [probs(d.text[:20000]) for d in test]
    ham_tokens = np.concatenate([p for _, p in ham])
    ham_docs = np.array([doc_scores_of(tok, p) for tok, p in ham])
    rng = random.Random(11)
    for name in DICTIONARIES:
        swaps: list[float] = []
        doc_scores: dict[float, list[tuple[float, float]]] = {r: [] for r in RATES}
        for rate in RATES:
            for d in test:
                res = spinners[name].spin(d.text[:20000], rate, rng)
                tok, p = probs(res.text)
                doc_scores[rate].append(doc_scores_of(tok, p))
                if rate == RATES[-1]:
                    for c in res.changes:
                        idx = np.flatnonzero((tok.starts < c.end) & (tok.ends > c.start))
                        if len(idx):
                            swaps.append(float(p[idx].max()))
        found = np.array(swaps)
        cells = [f"swaps found at {hr}/100 words: {(found > np.quantile(ham_tokens, 1 - hr / 100)).mean():.3f}"
                 for hr in HAM_RATES]
        for k, score_name in enumerate(("sum", "types", "llr")):
            cut = np.quantile(ham_docs[:, k], 0.99)
            for rate, pairs in doc_scores.items():
                scores = np.array(pairs)[:, k]
                auc = roc_auc_score(np.r_[np.zeros(len(ham_docs)), np.ones(len(scores))], np.r_[ham_docs[:, k], scores])
                cells.append(f"{score_name} {rate:.1%}: AUC {auc:.4f}, recall at 1% {(scores > cut).mean():.3f}")
        print(f"{name}: " + "; ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
