"""triples: whether the word's three-word contexts are attested, against those of the words it may have replaced.

A swap can leave both of its word pairs common while the phrase is not: "the genuine problem" for "the
real problem", "in the work environment" for "in the workplace". The pair statistics of `spun_phrases`
cannot see it; the reference corpus's word triples can, when the triple with an original is attested and
the written one is not. The corpus is small (7M words), so an unseen triple is weak evidence on its own:
the swap model weighs it against the pair features. On held-out texts (a scratch run of the
`training.tokenexp` protocol, 400 fold-3 texts) the seven features below raised the document ROC-AUC at
3.5% of words changed from 0.974 to 0.978 ("private" dictionary) and from 0.897 to 0.917 ("frequent"),
and the recall at 1% of unspun texts from 0.73 to 0.78 and from 0.37 to 0.40.

Per token i, with `ReferenceTables.triple_support` (0 = never seen, -1 = no such triple because a
neighbour is not joined to it by a single space), for the written word w and the best of its one-word
candidate originals o (the inverse thesaurus's, as in `spun_phrases`):
- `tri_mid` (i-1, w, i+1) and `tri_mid_orig` (i-1, o, i+1), and `tri_mid_gain` = their difference (the
  written triple counting 0 when unseen; -9 without a candidate);
- `tri_left` (i-2, i-1, w) and `tri_left_orig`; `tri_right` (w, i+1, i+2) and `tri_right_orig`.
"""
from __future__ import annotations

import numpy as np

from model.tables import ReferenceTables
from model.tokens import Tokens, triple_keys

FEATURES = ("tri_mid", "tri_mid_orig", "tri_mid_gain", "tri_left", "tri_right", "tri_left_orig", "tri_right_orig")
NO_CANDIDATE_GAIN = -9.0


def _best_at(n: int, qi: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Largest value per token index (-1 for tokens without one)."""
    out = np.full(n, -1.0)
    if len(qi):
        np.maximum.at(out, qi, values)
    return out


def triple_matrix(tok: Tokens, tables: ReferenceTables, which: np.ndarray | None = None,
                  candidates: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """(len(tok), len(FEATURES)) float32 matrix of the features above for the tokens `which` (all by
    default; the others are NaN: the swap model never sees them). `candidates`:
    `tables.candidates(tok.hashes)`, when the caller has them already."""
    n = len(tok)
    h = tok.hashes
    asked = np.ones(n, bool)
    if which is not None:
        asked = np.zeros(n, bool)
        asked[np.asarray(which, dtype=np.int64)] = True
    mid = np.zeros(n, bool)       # (i-1, i, i+1) joined
    left = np.zeros(n, bool)      # (i-2, i-1, i) joined
    right = np.zeros(n, bool)     # (i, i+1, i+2) joined
    if n > 2:
        both = tok.joined[1:-1] & tok.joined[2:]     # at k: (k-1, k, k+1) joined, for k = 1 .. n-2
        mid[1:-1] = both
        left[2:] = both
        right[:-2] = both
    mid, left, right = mid & asked, left & asked, right & asked
    qi, oi = tables.candidates(h) if candidates is None else candidates
    o = tables.orig_hashes_[oi] if len(oi) else np.zeros(0, np.uint32)

    def written(at: np.ndarray, a: int, b: int, c: int) -> np.ndarray:
        out = np.full(n, -1.0)
        i = np.flatnonzero(at)
        out[i] = tables.triple_support(triple_keys(h[i + a], h[i + b], h[i + c]))
        return out

    def replaced(at: np.ndarray, where: int) -> np.ndarray:
        """Best support over candidates with the original at position `where` (0, 1 or 2) of the triple."""
        m = at[qi]
        q, oo = qi[m], o[m]
        parts = [h[q + k - where] if k != where else oo for k in range(3)]
        return _best_at(n, q, tables.triple_support(triple_keys(*parts)) if len(q) else np.zeros(0))

    tri_mid, tri_mid_orig = written(mid, -1, 0, 1), replaced(mid, 1)
    gain = np.where(tri_mid_orig >= 0, tri_mid_orig - np.maximum(tri_mid, 0.0), NO_CANDIDATE_GAIN)
    out = np.column_stack([tri_mid, tri_mid_orig, gain, written(left, -2, -1, 0), written(right, 0, 1, 2),
                           replaced(left, 2), replaced(right, 0)]).astype(np.float32)
    out[~asked] = np.nan
    return out
