"""Topical fit of words and of their candidate originals (model/coherence.py), and the word vectors
`make train` derives for it (training/tables.py), over small hand-made tables and texts."""
from __future__ import annotations

import numpy as np
import pytest

from model import coherence as C
from model.tables import ReferenceTables
from model.tokens import tokenize, word_hash
from tablekit import hashes as _hashes
from tablekit import small_tables

# two topics in a 3-d space: mathematics along x, chemistry along y (z: a little of everything)
VECTORS = {"matrix": (1.0, 0.0, 0.2), "conjugate": (0.9, 0.1, 0.2), "eigenvalue": (1.0, 0.05, 0.1),
           "complex": (0.8, 0.3, 0.3), "compound": (0.1, 1.0, 0.2), "acid": (0.0, 1.0, 0.1),
           "reacted": (0.1, 0.9, 0.2), "solution": (0.3, 0.8, 0.3)}
INVERSE = {"compound": ["complex"]}     # "compound" is listed as a synonym of "complex"
MATHS_SPUN = "The compound conjugate of the matrix has the same eigenvalue."
MATHS_PLAIN = "The complex conjugate of the matrix has the same eigenvalue."
CHEMISTRY = "The compound reacted with the acid and the solution turned blue."


def _tables(vectors: dict[str, tuple[float, ...]] | None = VECTORS) -> ReferenceTables:
    return small_tables(INVERSE, vectors=vectors)


def _row(text: str, word: str, tables: ReferenceTables) -> dict[str, float]:
    tok = tokenize(text)
    m = C.coherence_matrix(tok.hashes, tables)
    return dict(zip(C.FEATURES, m[tok.words.index(word)].tolist()))


def test_off_topic_synonym_gains_from_its_original() -> None:
    row = _row(MATHS_SPUN, "compound", _tables())
    assert row["topic_gain"] > 0.3                       # "complex" fits a text about matrices far better
    assert row["topic_best"] > row["topic_fit"]


def test_on_topic_word_with_the_same_candidate_does_not_gain() -> None:
    row = _row(CHEMISTRY, "compound", _tables())         # near miss: same word, same candidate, chemistry
    assert row["topic_gain"] < 0
    assert row["topic_fit"] > 0.8


def test_words_without_vectors_or_candidates_are_missing() -> None:
    tables = _tables()
    row = _row(MATHS_PLAIN, "complex", tables)           # has a vector, no candidate original
    assert row["topic_fit"] > 0.8 and np.isnan(row["topic_gain"]) and np.isnan(row["topic_best"])
    assert all(np.isnan(v) for v in _row(MATHS_PLAIN, "same", tables).values())   # no vector at all


def test_tables_without_vectors_give_nan() -> None:
    tok = tokenize(MATHS_SPUN)
    assert np.isnan(C.coherence_matrix(tok.hashes, _tables(None))).all()


def test_only_the_requested_tokens_are_scored_with_the_whole_text_as_context() -> None:
    tables = _tables()
    tok = tokenize(MATHS_SPUN)
    full = C.coherence_matrix(tok.hashes, tables)
    i = tok.words.index("compound")
    part = C.coherence_matrix(tok.hashes, tables, np.array([i]))
    np.testing.assert_array_equal(part[i], full[i])
    others = np.delete(np.arange(len(tok)), i)
    assert np.isnan(part[others]).all() and not np.isnan(full[tok.words.index("matrix")]).all()


def test_word_vectors_put_words_of_one_topic_together(monkeypatch: pytest.MonkeyPatch) -> None:
    from training import tables as TT

    monkeypatch.setattr(TT, "VEC_DIM", 2)
    monkeypatch.setattr(TT, "VEC_MIN_COUNT", 5)
    maths = "matrix eigenvalue conjugate vector".split()
    chem = "acid reacted solution molecule".split()
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.permutation(topic * 3)) for topic in (maths, chem) for _ in range(20)]
    vocab = np.unique(_hashes(maths + chem + ["rare"]))
    counts = TT.count_texts(texts, vocab)
    assert counts.cooc.shape == (len(vocab), len(vocab))
    keys, vec = TT.word_vectors(counts, vocab)
    assert vec.dtype == np.float16 and len(keys) == 8                 # "rare" never occurs: no vector
    v = {w: vec[np.searchsorted(keys, word_hash(w))].astype(np.float64) for w in maths + chem}
    assert v["matrix"] @ v["eigenvalue"] > 0.9
    assert v["matrix"] @ v["acid"] < 0.5
    merged = TT.merge_counts([counts, TT.count_texts(texts, vocab)])
    assert merged.cooc.sum() == 2 * counts.cooc.sum()


def test_word_vectors_are_fitted_with_one_blas_thread_whatever_the_caller_allows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The randomized SVD's matrix products sum in an order that depends on the BLAS thread count: held-out
    tables built with two threads gave other vectors than with one, and a real page 0.128 against 0.121
    (docs/measurements.md, session 38). The fit runs with one, as `make train`'s does."""
    from sklearn.decomposition import TruncatedSVD
    from threadpoolctl import threadpool_info, threadpool_limits

    from training import tables as TT

    monkeypatch.setattr(TT, "VEC_DIM", 2)
    monkeypatch.setattr(TT, "VEC_MIN_COUNT", 5)
    seen: list[int] = []
    fit_transform = TruncatedSVD.fit_transform

    def recording(self, X, y=None):  # noqa: ANN001, ANN202
        seen.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        return fit_transform(self, X, y)

    monkeypatch.setattr(TruncatedSVD, "fit_transform", recording)
    words = "matrix eigenvalue conjugate vector acid reacted solution molecule".split()
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.permutation(words * 3)) for _ in range(20)]
    vocab = np.unique(_hashes(words))
    counts = TT.count_texts(texts, vocab)
    with threadpool_limits(limits=2, user_api="blas"):
        assert all(i["num_threads"] == 2 for i in threadpool_info() if i["user_api"] == "blas")  # near miss: 2 here
        keys, _ = TT.word_vectors(counts, vocab)
    assert len(keys) == len(words) and seen and set(seen) == {1}


def test_tables_pickled_without_vectors_load_with_none() -> None:
    import pickle

    old = _tables(None)
    state = old.__getstate__()
    del state["vec_keys_"], state["vec_"]                 # as pickled before the fields existed
    loaded = ReferenceTables.__new__(ReferenceTables)
    loaded.__setstate__(state)
    assert loaded.vec_.size == 0 and len(loaded.vector_rows(np.array([1, 2], np.uint32))) == 2
    assert np.isnan(C.coherence_matrix(tokenize(MATHS_SPUN).hashes, loaded)).all()
    assert pickle.loads(pickle.dumps(_tables())).vec_.shape == (len(VECTORS), 3)


def test_repeated_words_get_the_values_of_their_first_occurrence() -> None:
    tables = _tables()
    text = MATHS_SPUN + " The compound conjugate and the complex matrix. " + MATHS_SPUN
    tok = tokenize(text)
    whole = C.coherence_matrix(tok.hashes, tables)
    one_at_a_time = np.vstack([C.coherence_matrix(tok.hashes, tables, np.array([i]))[i] for i in range(len(tok))])
    assert np.array_equal(whole, one_at_a_time, equal_nan=True)
    rows = [i for i, w in enumerate(tok.words) if w == "compound"]
    assert len(rows) == 3 and all(np.array_equal(whole[rows[0]], whole[i], equal_nan=True) for i in rows)
