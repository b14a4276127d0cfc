"""`make train --unseen-dictionaries` (training/train.py): the page classifier's spun training pages are
featurised by swap models fitted without their dictionary's group, as an unseen spinner's pages are by the
bundled swap models; the test fold is featurised as the service featurises a page."""
from __future__ import annotations

import numpy as np

from model.signals.spun_phrases import TOKEN_FEATURES
from training.dataset import TRAIN_DICTIONARIES, Sample
from training.train import (DICTIONARY_GROUPS, TokenData, fit_token_model, fit_token_models, model_key_of,
                            model_keys, without_dictionaries)

K = 4


def _sample(fold: int, dictionary: str = "", id: str = "page", label: int = 1) -> Sample:
    return Sample(id=id, html=b"", label=label, kind="farm_full", group="site", fold=fold, source="test",
                  dictionary=dictionary)


def test_the_groups_split_the_training_dictionaries():
    names = [n for group in DICTIONARY_GROUPS for n in group]
    assert sorted(names) == sorted(TRAIN_DICTIONARIES)      # each in exactly one group


def test_keys_are_folds_unless_dictionaries_are_held_out():
    assert model_keys(K, False) == [(0, None), (1, None), (2, None), (3, None)]
    assert model_keys(K, True) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1), (3, None)]


def test_a_spun_page_gets_the_model_that_never_saw_its_dictionary_group():
    moby, mythes = DICTIONARY_GROUPS[0][0], DICTIONARY_GROUPS[1][0]
    assert model_key_of(_sample(1, moby), K, True) == (1, 0)
    assert model_key_of(_sample(1, mythes), K, True) == (1, 1)
    assert model_key_of(_sample(1, moby), K, False) == (1, None)  # off: its fold's model, as before


def test_a_share_of_spun_pages_gets_the_model_that_saw_its_group():
    moby = DICTIONARY_GROUPS[0][0]
    keys = [model_key_of(_sample(1, moby, id=f"farm:{i}"), K, True, 0.5) for i in range(400)]
    unseen = sum(key == (1, 0) for key in keys)
    assert set(keys) == {(1, 0), (1, 1)}        # the other group's model saw moby's spins
    assert 150 < unseen < 250                   # about half, by a hash of the id
    assert all(model_key_of(_sample(1, moby, id=f"farm:{i}"), K, True, 1.0) == (1, 0) for i in range(50))
    assert all(model_key_of(_sample(1, moby, id=f"farm:{i}"), K, True, 0.0) == (1, 1) for i in range(50))


def test_the_test_fold_is_featurised_as_the_service_featurises_a_page():
    assert model_key_of(_sample(K - 1, "moby"), K, True) == (K - 1, None)


def test_unspun_pages_are_spread_over_both_groups_whatever_their_label():
    keys = {label: [model_key_of(_sample(2, "", id=f"ham:{i}", label=label), K, True) for i in range(200)]
            for label in (0, 1)}
    for label, got in keys.items():
        groups = [g for _, g in got]
        assert {fold for fold, _ in got} == {2}
        assert 60 < sum(groups) < 140, label                      # about half each, for hams and spam alike
    # the same id gets the same model every time (features are reproducible)
    assert model_key_of(_sample(2, id="ham:7"), K, True) == model_key_of(_sample(2, id="ham:7"), K, True)


def test_without_dictionaries_drops_only_the_excluded_dictionaries_texts():
    X = [np.full((2, 3), i, np.float32) for i in range(4)]
    y = [np.array([True, False])] * 4
    part = TokenData(X, y, ["moby", "", "mythes", "tortured"])
    kept = without_dictionaries(part, frozenset({"moby", "tortured"}))
    assert kept.dictionary == ["", "mythes"]
    assert [x[0, 0] for x in kept.X] == [1.0, 2.0]
    assert without_dictionaries(part, frozenset()).dictionary == part.dictionary


def test_held_out_group_models_are_fitted_without_that_group():
    rng = np.random.default_rng(3)

    def text(name: str) -> tuple[np.ndarray, np.ndarray]:
        X = rng.normal(size=(120, len(TOKEN_FEATURES))).astype(np.float32)
        shift = 1.0 if name in DICTIONARY_GROUPS[0] else -1.0      # the groups' swaps look different
        y = X[:, 0] * shift + rng.normal(scale=0.5, size=120) > 1.0
        return X, y

    names = [DICTIONARY_GROUPS[0][0], DICTIONARY_GROUPS[1][0], ""] * 2
    data = {k: TokenData(*map(list, zip(*[text(n) for n in names])), list(names)) for k in range(K)}
    by_key, everything = fit_token_models(data, K, seed=5, workers=1, unseen_dictionaries=True)
    assert list(by_key) == model_keys(K, True)
    probe = rng.normal(size=(50, len(TOKEN_FEATURES))).astype(np.float32)
    expected = fit_token_model([without_dictionaries(data[j], frozenset(DICTIONARY_GROUPS[0])) for j in (0, 2, 3)], 5)
    assert np.array_equal(by_key[(1, 0)].predict_proba(probe), expected.predict_proba(probe))
    assert not np.array_equal(by_key[(1, 0)].predict_proba(probe), by_key[(1, 1)].predict_proba(probe))
    test_fold = fit_token_model([data[j] for j in (0, 1, 2)], 5)       # every dictionary, without fold K-1
    assert np.array_equal(by_key[(K - 1, None)].predict_proba(probe), test_fold.predict_proba(probe))
    assert everything is not None
