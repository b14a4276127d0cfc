"""The swap-model cache (`training.swapcache`, `train --swap-model-cache`): a key that changes with every input
of the swap models' fits and with nothing else, and a training that loads what it fitted before."""
from __future__ import annotations

import argparse
import pickle

from training import swapcache
from training.dataset import SourceDoc
from training.spinner import Spinner


def docs(text: str = "The council said the new plan for the harbour would bring jobs.") -> list[SourceDoc]:
    return [SourceDoc(group="g0", fold=0, title="Harbour", text=text), SourceDoc(group="g1", fold=1, title="", text=text)]


def spinners(syns: list[str] | None = None) -> dict[str, Spinner]:
    return {"toy": Spinner({"harbour": syns or ["seaport", "haven"], "said": ["stated"]}, name="toy",
                           phrase_table={"prime minister": ["key minister"]})}


def digest(**changes) -> str:
    inputs = dict(options={"folds": 2, "spins_per_text": 2}, docs=docs(), tables_by_fold={0: [1, 2], 1: [3]},
                  spinners=spinners())
    inputs.update(changes)
    return swapcache.inputs_digest(**inputs)


def test_canonical_form_does_not_depend_on_set_or_dict_order():
    a = {"x": frozenset({"prime", "key", "state"}), "y": {3, 1, 2}}
    b = {"y": {2, 3, 1}, "x": frozenset({"state", "prime", "key"})}
    assert pickle.dumps(swapcache.canonical(a)) == pickle.dumps(swapcache.canonical(b))
    assert swapcache.canonical(a) != swapcache.canonical({**a, "y": {1, 2}})       # near miss: other contents


def test_the_digest_changes_with_every_input_of_the_fits():
    base = digest()
    assert digest() == base                                                      # the same inputs, the same key
    assert digest(docs=docs("The council said the plan would bring jobs.")) != base    # a text
    assert digest(options={"folds": 2, "spins_per_text": 3}) != base             # an option
    assert digest(tables_by_fold={0: [1, 2], 1: [4]}) != base                    # a fold's tables
    assert digest(spinners=spinners(["seaport"])) != base                        # a dictionary's synonyms
    assert digest(functions=(digest,)) != base                                   # the caller's fitting code
    assert swapcache.member_key(base, 7) != swapcache.member_key(base, 8)        # the member's seed


def test_load_returns_what_save_stored_and_none_for_a_miss_or_a_broken_file(tmp_path):
    assert swapcache.load(tmp_path, "k") is None
    swapcache.save(tmp_path, "k", ({(0, None): "fold model"}, "all"))
    assert swapcache.load(tmp_path, "k") == ({(0, None): "fold model"}, "all")
    assert not list(tmp_path.glob("*.tmp"))
    (tmp_path / "broken.joblib").write_bytes(b"not a joblib file")
    assert swapcache.load(tmp_path, "broken") is None


def test_training_loads_the_swap_models_it_fitted_before(tmp_path, monkeypatch):
    import training.train as T

    fits = []

    def fake_fit(tok_data, K, seed, workers, unseen_dictionaries=False):
        fits.append(seed)
        return {key: f"model {key} {seed}" for key in T.model_keys(K, unseen_dictionaries)}, f"all {seed}"

    monkeypatch.setattr(T, "SWAP_MODEL_CACHE", tmp_path)
    monkeypatch.setattr(T, "token_training_data", lambda *a, **k: {})
    monkeypatch.setattr(T, "fit_token_models", fake_fit)
    args = argparse.Namespace(token_dictionary_weights={}, token_texts_per_fold=10, token_spins_per_text=1,
                              unseen_dictionaries=True, workers=1)
    first = T.member_swap_models(args, 7, docs(), {}, spinners(), 4, inputs="abc")
    again = T.member_swap_models(args, 7, docs(), {}, spinners(), 4, inputs="abc")
    assert first[2] == "fitted" and again[2] == "loaded" and again[:2] == first[:2] and fits == [7]
    assert T.member_swap_models(args, 8, docs(), {}, spinners(), 4, inputs="abc")[2] == "fitted"   # another seed
    assert T.member_swap_models(args, 7, docs(), {}, spinners(), 4, inputs="abd")[2] == "fitted"   # other inputs
    assert T.member_swap_models(args, 7, docs(), {}, spinners(), 4)[2] == "fitted"     # no cache asked for
    assert fits == [7, 8, 7, 7]


def test_the_cache_is_off_unless_asked_for():
    from training.train import parse_args

    assert parse_args([]).swap_model_cache is False
    assert parse_args(["--swap-model-cache"]).swap_model_cache is True


def test_the_training_key_changes_with_the_rates_the_swap_models_spins_draw_from(monkeypatch):
    """`token_training_data` draws each spin's rate from `training.dataset.SPIN_RATES`, a module the cache
    does not hash: the rates are one of the key's options, so a change to them is a miss, not a stale hit."""
    import training.dataset as D
    import training.train as T

    args = argparse.Namespace(token_dictionary_weights={}, token_texts_per_fold=10, token_spins_per_text=1,
                              unseen_dictionaries=True)

    def key() -> str:
        return T.swap_models_inputs(args, docs(), {0: [1, 2], 1: [3]}, spinners(), 4)

    base = key()
    assert key() == base                                                         # near miss: nothing changed
    monkeypatch.setattr(D, "SPIN_RATES", D.SPIN_RATES[:-1])
    assert key() != base
