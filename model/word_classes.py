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

Per token i, with `ReferenceTables.class_pmi` and the best one-word or phrase original o of `spun_phrases`,
the PMI of (class(i-1), class(w)) and of (class(w), class(i+1)) is compared with the same with o in w's place:
- `class_gain_l`, `class_gain_r`: how much higher the PMI would be with o (NaN without an original, or where
  the neighbour is not joined by one space); `class_gain_max` the larger.

Only the gains are features. The written word's own class PMI flags whatever reads oddly, and a real
page's main text has plenty that does (headings, captions, lists). A scratch run of the
`training.tokenexp` protocol (swap models fitted on the same fold-2 spins with three column sets, 300
fold-3 texts, classes from the fold-0/1 texts) put the 99th percentile of the unspun texts' log-likelihood
ratio at 0.017 without class features, 0.087 with the PMI and the gains, and 0.003 with the gains alone.
With the gains alone, the recall at 1% of unspun texts at 1.5 / 3.5% of words changed rose from 0.413 /
0.807 to 0.480 / 0.863 ("private"), 0.520 / 0.827 to 0.563 / 0.880 (Moby), 0.397 / 0.623 to 0.420 / 0.667
("private_consistent") and 0.233 to 0.257 at 3.5% ("seed"; 0.093 against 0.087 at 1.5%). With the PMI as
well it fell (0.323 / 0.737 for "private"), and a full model trained that way (2026.11.30-092915,
docs/measurements.md "Session 20") ranked real pages higher and in-place spins lower.
"""
from __future__ import annotations

import numpy as np

from model import patterns as P
from model.tables import ReferenceTables
from model.tokens import NUM, Tokens

FEATURES = ("class_gain_l", "class_gain_r", "class_gain_max")
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
        out[:] = np.column_stack([g_l, g_r, np.fmax(g_l, g_r)])
    return out
