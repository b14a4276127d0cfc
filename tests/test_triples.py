"""Three-word contexts of words and of their candidate originals (model/triples.py), over small hand-made
tables and texts."""
from __future__ import annotations

import numpy as np

from model import triples as T
from model.signals.spun_phrases import TOKEN_FEATURES, token_matrix
from model.tables import ReferenceTables
from model.tokens import tokenize
from tablekit import small_tables

INVERSE = {"genuine": ["real"]}          # "genuine" is listed as a synonym of "real"
ATTESTED = {("the", "real", "problem"): 3.0, ("real", "problem", "is"): 2.5, ("we", "discussed", "the"): 2.0}


def _tables(attested: dict[tuple[str, str, str], float] = ATTESTED) -> ReferenceTables:
    return small_tables(INVERSE, triples=attested)


def _row(text: str, word: str, tables: ReferenceTables) -> dict[str, float]:
    tok = tokenize(text)
    m = T.triple_matrix(tok, tables)
    assert m.shape == (len(tok), len(T.FEATURES)) and m.dtype == np.float32
    return dict(zip(T.FEATURES, m[tok.words.index(word)].tolist()))


def test_swap_whose_original_makes_an_attested_triple_gains() -> None:
    row = _row("We discussed the genuine problem is costly.", "genuine", _tables())
    assert row["tri_mid"] == 0.0                          # "the genuine problem" never seen
    assert row["tri_mid_orig"] == 3.0                     # "the real problem" seen (support 3.0)
    assert row["tri_mid_gain"] == 3.0
    assert row["tri_left"] == 0.0 and row["tri_left_orig"] == 0.0      # "discussed the real": unseen too
    assert row["tri_right"] == 0.0 and row["tri_right_orig"] == 2.5    # "real problem is": seen


def test_the_original_itself_has_no_gain() -> None:
    row = _row("We discussed the real problem is costly.", "real", _tables())   # near miss: unspun
    assert row["tri_mid"] == 3.0
    assert row["tri_mid_orig"] == -1.0 and row["tri_mid_gain"] == T.NO_CANDIDATE_GAIN   # no candidates


def test_an_attested_written_triple_lowers_the_gain() -> None:
    tables = _tables({**ATTESTED, ("the", "genuine", "problem"): 2.0})
    assert _row("We discussed the genuine problem is costly.", "genuine", tables)["tri_mid_gain"] == 1.0


def test_punctuation_breaks_a_triple() -> None:
    row = _row("We discussed the genuine, problem is costly.", "genuine", _tables())
    assert row["tri_mid"] == -1.0 and row["tri_mid_orig"] == -1.0 and row["tri_mid_gain"] == T.NO_CANDIDATE_GAIN
    assert row["tri_right"] == -1.0 and row["tri_left"] == 0.0
    assert _row("We discussed the genuine problem is costly.", "we", _tables())["tri_left"] == -1.0  # text start


def test_swap_model_features_carry_the_triples() -> None:
    tok = tokenize("We discussed the genuine problem is costly.")
    X, _, _ = token_matrix(tok, _tables())
    i = tok.words.index("genuine")
    assert X.shape == (len(tok), len(TOKEN_FEATURES))
    assert X[i, TOKEN_FEATURES.index("tri_mid_gain")] == 3.0


def test_only_the_tokens_asked_about_are_computed() -> None:
    tok = tokenize("We discussed the genuine problem is costly.")
    full = T.triple_matrix(tok, _tables())
    which = np.array([1, 3])
    part = T.triple_matrix(tok, _tables(), which)
    assert np.array_equal(part[which], full[which])
    rest = np.setdiff1d(np.arange(len(tok)), which)
    assert np.isnan(part[rest]).all()
