"""word_classes: whether a word's class fits the classes of its neighbours, and would with an original.

A sense-blind spinner often crosses parts of speech ("the Point out Office", "a key minister" is fine but
"the stated of the art" is not), and a real text's rare words usually keep the syntax of their place
("the chessman can move"). Word pairs are too sparse to tell the two apart when neither pair was seen;
word classes are not. Classes are induced from the reference corpus alone, in the manner of Schütze's
distributional part-of-speech induction (1995): each common word's left and right neighbours (the
commonest words as contexts), positive PMI, truncated SVD, k-means. Rare words fall into classes by
their shape (capitalised, hyphenated, suffix; `patterns.WORD_SHAPE_SUFFIXES`). The class-bigram PMI
table is counted over the same corpus, the class-based n-gram of Brown et al. (1992). Built by
`training/tables.py` (`word_class_tables`); tables built without it give NaN features.

Per token i, with `ReferenceTables.class_pmi` and the best one-word or phrase original o of `spun_phrases`:
- `class_pmi_l`, `class_pmi_r`: PMI of (class(i-1), class(w)) and (class(w), class(i+1)), NaN where the
  neighbour is not joined by one space; `class_pmi_min` the smaller;
- `class_gain_l`, `class_gain_r`: how much higher the PMI would be with o in w's place (NaN without an
  original); `class_gain_max` the larger.

On held-out texts (a scratch run of the `training.tokenexp` protocol, 200 fold-3 texts, classes from the
fold-0/1 texts) the six features raised the share of swaps found at 0.3 false flags per 100 words from
0.269 to 0.280 ("private"), 0.333 to 0.349 (Moby), 0.158 to 0.165 ("seed") and 0.325 to 0.367
("private_consistent"), and the recall at 1% of unspun texts by the log-likelihood ratio at 1.5% of
words changed from 0.430 to 0.500, 0.435 to 0.525, 0.075 to 0.155 and 0.355 to 0.395.
"""
from __future__ import annotations

import numpy as np

from model import patterns as P
from model.tables import ReferenceTables
from model.tokens import NUM, Tokens

FEATURES = ("class_pmi_l", "class_pmi_r", "class_pmi_min", "class_gain_l", "class_gain_r", "class_gain_max")
_SUFFIXES = P.WORD_SHAPE_SUFFIXES
N_SHAPES = 1 + 4 * (len(_SUFFIXES) + 1)   # numbers, then (lower/capital) x (plain/hyphenated) x (suffix or none)


def shape_id(word: str, capital: bool) -> int:
    """The shape class of a word without a class of its own: numbers are 0; otherwise capitalisation,
    a hyphen, and the first of `WORD_SHAPE_SUFFIXES` it ends with (a stem of three letters or more left)."""
    if word == NUM or word[:1].isdigit():
        return 0
    suffix = next((k for k, s in enumerate(_SUFFIXES) if word.endswith(s) and len(word) > len(s) + 2), len(_SUFFIXES))
    return 1 + ((2 * bool(capital) + ("-" in word)) * (len(_SUFFIXES) + 1) + suffix)


def n_classes(tables: ReferenceTables) -> int:
    """How many induced classes `tables` hold (0 when built without classes); shape classes follow them."""
    return max(0, len(tables.class_pmi_) - N_SHAPES)


def token_classes(tok: Tokens, tables: ReferenceTables) -> np.ndarray:
    """Class of each token: its word's induced class, else `n_classes + shape_id`."""
    cls = tables.word_classes(tok.hashes)
    missing = np.flatnonzero(cls < 0)
    if len(missing):
        k = n_classes(tables)
        words, capital = tok.words, tok.capital
        cls[missing] = [k + shape_id(words[i], capital[i]) for i in missing.tolist()]
    return cls


def orig_classes(tables: ReferenceTables) -> np.ndarray:
    """Class of each candidate original (`orig_words_`, lower case), computed once per tables."""
    def make() -> np.ndarray:
        cls = tables.word_classes(tables.orig_hashes_)
        k = n_classes(tables)
        for i in np.flatnonzero(cls < 0).tolist():
            cls[i] = k + shape_id(tables.orig_words_[i], False)
        return cls
    return tables._derived("orig_classes", (tables.orig_hashes_, tables.class_keys_, tables.class_pmi_), make)


def class_matrix(tok: Tokens, tables: ReferenceTables, best_o: np.ndarray) -> np.ndarray:
    """(len(tok), len(FEATURES)) float32 matrix of the features above; all NaN for tables without classes.
    `best_o`: each token's best candidate original (index into `orig_words_`, -1 for none)."""
    n = len(tok)
    out = np.full((n, len(FEATURES)), np.nan, dtype=np.float32)
    if n == 0 or n_classes(tables) == 0:
        return out
    pmi = tables.class_pmi()
    c = token_classes(tok, tables)
    left_ok = np.r_[False, tok.joined[1:]]
    right_ok = np.r_[tok.joined[1:], False]
    c_l = np.r_[0, c[:-1]]
    c_r = np.r_[c[1:], 0]
    p_l = np.where(left_ok, pmi[c_l, c], np.nan)
    p_r = np.where(right_ok, pmi[c, c_r], np.nan)
    has_o = best_o >= 0
    o = orig_classes(tables)[np.maximum(best_o, 0)] if len(tables.orig_hashes_) else np.zeros(n, np.int64)
    g_l = np.where(left_ok & has_o, pmi[c_l, o] - np.nan_to_num(p_l), np.nan)
    g_r = np.where(right_ok & has_o, pmi[o, c_r] - np.nan_to_num(p_r), np.nan)
    with np.errstate(invalid="ignore"):
        out[:] = np.column_stack([p_l, p_r, np.fmin(p_l, p_r), g_l, g_r, np.fmax(g_l, g_r)])
    return out
