"""Word classes induced from neighbours and the class-bigram features of the swap model (model/word_classes.py)."""
from __future__ import annotations

import pickle
import random

import numpy as np
import pytest

from model import word_classes as W
from model.signals import spun_phrases as S
from model.tokens import tokenize

NOUNS = "dog cat car house tree book table city river garden window door road child teacher doctor".split()
VERBS = "sees likes finds helps knows wants needs builds opens paints watches follows".split()
ADJECTIVES = "big small red old new green quiet bright cold warm dark long".split()


def grammar_text(rng: random.Random, sentences: int) -> str:
    """Sentences of a toy grammar: determiner, adjective, noun, verb, determiner, noun."""
    out = []
    for _ in range(sentences):
        d1, d2 = rng.choice(("the", "a")), rng.choice(("the", "a"))
        out.append(f"{d1.capitalize()} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(VERBS)} {d2} "
                   f"{rng.choice(NOUNS)}.")
    return " ".join(out)


@pytest.fixture(scope="module")
def toy_tables():
    """Tables of the toy grammar with small class sizes (4 classes: the grammar has four kinds of word), and
    "river" a spun form of "likes" (a sense-blind spinner crossing parts of speech)."""
    import training.tables as TT

    mp = pytest.MonkeyPatch()
    mp.setattr(TT, "CLASS_COUNT", 4)
    mp.setattr(TT, "CLASS_DIM", 8)
    mp.setattr(TT, "CLASS_CONTEXTS", 50)
    try:
        lexical = TT.build_lexical({"fixture": {"likes": ["river"]}})
        tables = TT.tables_from_texts([grammar_text(random.Random(k), 40) for k in range(60)], lexical)
    finally:
        mp.undo()
    return tables


def classes_of(tables, words: list[str]) -> set[int]:  # noqa: ANN001 (model.tables.ReferenceTables)
    return set(W.token_classes(tokenize(" ".join(words)), tables).tolist())


def test_shape_classes_tell_numbers_case_hyphens_and_suffixes_apart() -> None:
    assert W.shape_id("<num>", False) == W.shape_id("1999", False) == 0
    shapes = {W.shape_id(w, cap) for w, cap in [("zorbling", False), ("zorbling", True), ("zorb-ling", False),
                                                ("zorbly", False), ("zorb", False)]}
    assert len(shapes) == 5 and all(0 < s < W.N_SHAPES for s in shapes)
    assert W.shape_id("sing", False) == W.shape_id("zorb", False)      # "-ing" needs a stem of three letters


def test_classes_are_induced_from_the_neighbours(toy_tables) -> None:
    assert W.n_classes(toy_tables) == 4 and toy_tables.description_["word_classes"] >= 40
    nouns, verbs, adjectives = classes_of(toy_tables, NOUNS), classes_of(toy_tables, VERBS), classes_of(toy_tables,
                                                                                                        ADJECTIVES)
    assert len(nouns) == len(verbs) == len(adjectives) == 1
    assert len(nouns | verbs | adjectives | classes_of(toy_tables, ["the"])) == 4
    pmi = toy_tables.class_pmi()
    (the,), (noun,), (verb,) = classes_of(toy_tables, ["the"]), nouns, verbs
    assert pmi[the, noun] > 0 > pmi[the, verb]


def test_words_without_a_class_take_their_shape_class(toy_tables) -> None:
    tok = tokenize("zorbling Zorbling 42")
    assert W.token_classes(tok, toy_tables).tolist() == [4 + W.shape_id("zorbling", False),
                                                         4 + W.shape_id("zorbling", True), 4]


def row(tables, text: str, word: str) -> dict[str, float]:  # noqa: ANN001 (model.tables.ReferenceTables)
    tok = tokenize(text)
    X, _, _ = S.token_matrix(tok, tables, scope=S.WIDE_SCOPE)
    i = tok.words.index(word)
    return {name: float(X[i, S.TOKEN_FEATURES.index(name)]) for name in W.FEATURES}


def test_a_swap_that_crosses_parts_of_speech_gains_with_its_original(toy_tables) -> None:
    spun = row(toy_tables, "The old dog river a cat.", "river")          # "river" for "likes"
    assert spun["class_gain_l"] > 1 and spun["class_gain_r"] > 1 and spun["class_gain_max"] > 1
    pmi = toy_tables.class_pmi()
    (dog, river, a), = [W.token_classes(tokenize("dog river a"), toy_tables).tolist()]
    assert pmi[dog, river] < 0 and pmi[river, a] < 0                     # a noun between a noun and "a"


def test_the_same_word_in_its_own_place_does_not(toy_tables) -> None:
    near_miss = row(toy_tables, "The old dog likes a river.", "river")   # near miss: a noun where nouns go
    assert np.isnan(near_miss["class_gain_r"])                           # nothing joined after it
    assert not near_miss["class_gain_max"] > 0
    tok = tokenize("The old dog likes a river.")             # even with "likes" offered as its original
    best_o = np.full(len(tok), -1)
    best_o[tok.words.index("river")] = toy_tables.orig_words_.index("likes")
    forced = W.class_matrix(tok, toy_tables, best_o)[tok.words.index("river")]
    assert forced[W.FEATURES.index("class_gain_l")] < -1 and forced[W.FEATURES.index("class_gain_max")] < -1


def test_tables_too_small_for_classes_give_no_class_features() -> None:
    from training.tables import build_lexical, tables_from_texts

    tables = tables_from_texts(["We drove on the road while it rained."], build_lexical({"fixture": {}}))
    assert W.n_classes(tables) == 0 and tables.description_["word_classes"] == 0
    assert np.isnan(W.class_matrix(tokenize("We drove on the road."), tables, np.full(5, -1))).all()


def test_tables_pickled_before_word_classes_existed_load_with_none(toy_tables) -> None:
    state = pickle.loads(pickle.dumps(toy_tables)).__getstate__()
    for name in ("class_keys_", "class_ids_", "class_pmi_"):
        state.pop(name)
    old = type(toy_tables).__new__(type(toy_tables))
    old.__setstate__(state)
    assert W.n_classes(old) == 0 and (old.word_classes(toy_tables.class_keys_) == -1).all()
    again = pickle.loads(pickle.dumps(toy_tables))
    assert np.array_equal(again.word_classes(toy_tables.class_keys_), toy_tables.word_classes(toy_tables.class_keys_))


def _fit(X: np.ndarray, y: np.ndarray):  # noqa: ANN202
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y)


def test_swap_models_read_the_columns_they_were_fitted_on() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, len(S.TOKEN_FEATURES))).astype(np.float32)
    X[:, S.TOKEN_FEATURES.index("inv_gain")] = 1.0            # every row inside the candidate mask
    legacy_cols = [S.TOKEN_FEATURES.index(n) for n in S.LEGACY_TOKEN_FEATURES]
    y = X[:, -1] + X[:, 0] > 0                                 # the last column is a word-class feature
    legacy = _fit(X[:, legacy_cols], y)
    assert S.features_of(legacy) == S.LEGACY_TOKEN_FEATURES
    assert np.array_equal(S.swap_probabilities(X, legacy), legacy.predict_proba(X[:, legacy_cols])[:, 1])
    current = _fit(X, y)
    current.token_features_ = S.TOKEN_FEATURES
    assert np.array_equal(S.swap_probabilities(X, current), current.predict_proba(X)[:, 1])


def test_a_bundle_names_its_swap_models_columns_and_unknown_ones_are_refused(tmp_path) -> None:
    from model import Detector
    from model.artifact import load_artifact, write_model_dir
    from model.detector import DEFAULT_MODEL_DIR
    from model.errors import ArtifactError

    bundle, card, sha = load_artifact(DEFAULT_MODEL_DIR)
    det = Detector.from_bundle(dict(bundle, token_features=list(S.LEGACY_TOKEN_FEATURES)), card, sha)
    assert all(S.features_of(m) == S.LEGACY_TOKEN_FEATURES for m in det.token_models)
    write_model_dir(tmp_path, dict(bundle, token_features=[*S.LEGACY_TOKEN_FEATURES, "not_a_feature"]), card)
    with pytest.raises(ArtifactError, match="other features"):
        Detector.load(tmp_path)
