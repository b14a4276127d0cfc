"""coherence: how well each word fits the topic of its text, against the words it may have replaced.

A spinner picks a synonym without regard to sense: "compound" for "complex" in an article about
matrices, "human body" for "form", "coverage" for "policy". The synonym is off-topic in its text
where the word it replaced was on-topic. This is the lexical-cohesion test for real-word errors
(malapropisms) of Hirst & St-Onge (1998) and Hirst & Budanitsky (2005). Here relatedness is the cosine
of distributional word vectors (`ReferenceTables.vectors`, PPMI + SVD), not WordNet paths.

Per token, against the centroid of the other words' vectors in the text:
- `topic_fit`: the cosine of the word's own vector with it;
- `topic_best`: the best cosine among the word's candidate originals (the inverse thesaurus's, as in
  `spun_phrases`);
- `topic_gain`: `topic_best - topic_fit`, how much better the best original fits than the word.
A value is NaN where the word or every candidate lacks a vector, and for tokens the caller does not
ask about; the swap model's trees take NaN as missing. (A centroid of the words within a sentence or so
of the token did no better in the token-level experiment of `training/tokenexp.py`, 24.1% against 24.2%
of held-out swaps found at 0.3 false flags per 100 words, and cost twice as much.)
"""
from __future__ import annotations

import numpy as np

from model.tables import ReferenceTables

FEATURES = ("topic_fit", "topic_gain", "topic_best")


def _unit_rows(m: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, norm, out=np.zeros_like(m), where=norm > 0)


def _best_per_query(qi: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Largest value per query index (NaN for queries without one); `qi` sorted, as
    `ReferenceTables.candidates` returns it."""
    best = np.full(n, np.nan)
    if len(qi):
        starts = np.flatnonzero(np.r_[True, qi[1:] != qi[:-1]])
        best[qi[starts]] = np.maximum.reduceat(values, starts)
    return best


def coherence_matrix(hashes: np.ndarray, tables: ReferenceTables, which: np.ndarray | None = None,
                     candidates: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """(len(hashes), len(FEATURES)) float32 matrix of the features above for the tokens `which`
    (ascending indices; all by default; the others stay NaN). All NaN when the tables have no vectors.
    The centroid always uses every token of the text. `candidates`: `tables.candidates(hashes)`, when
    the caller has them already (those of each word's first occurrence are used for all of them)."""
    n = len(hashes)
    out = np.full((n, len(FEATURES)), np.nan, dtype=np.float32)
    which = np.arange(n) if which is None else np.asarray(which, dtype=np.int64)
    if n == 0 or len(which) == 0 or tables.vec_.size == 0:
        return out
    vecs = tables.vectors()
    rows = tables.vector_rows(hashes)
    has = rows >= 0
    total = vecs[rows[has]].sum(axis=0)
    # A token's values depend on its word only (its vector, the centroid without it, its candidates): they
    # are computed once per distinct word asked about, numbered in order of first occurrence so that the
    # candidates of those first occurrences stay in ascending order (about half the rows on real texts).
    _, first, word_of = np.unique(hashes[which], return_index=True, return_inverse=True)
    by_first = np.argsort(first)
    number = np.empty(len(first), dtype=np.int64)
    number[by_first] = np.arange(len(first))
    word_of = number[word_of.ravel()]
    first_tok = which[first[by_first]]                             # ascending
    mine = np.zeros((len(first_tok), vecs.shape[1]), dtype=np.float32)
    mine_has = has[first_tok]
    mine[mine_has] = vecs[rows[first_tok][mine_has]]
    topic = _unit_rows(total[None, :] - mine)                      # the other words of the text
    qi, oi = tables.candidates(hashes) if candidates is None else candidates
    slot = np.full(n, -1, dtype=np.int64)
    slot[first_tok] = np.arange(len(first_tok))
    asked = slot[qi] >= 0
    qi, oi = slot[qi[asked]], oi[asked]                            # still ascending: `first_tok` is
    o_rows = tables.orig_vector_rows()[oi]
    ok = o_rows >= 0
    qi = qi[ok]
    fit = np.where(mine_has, np.einsum("ij,ij->i", mine, topic), np.nan)
    best = _best_per_query(qi, np.einsum("ij,ij->i", vecs[o_rows[ok]], topic[qi]), len(first_tok))
    out[which, 0] = fit[word_of]
    out[which, 1] = (best - fit)[word_of]
    out[which, 2] = best[word_of]
    return out
