import numpy as np

from model.signals import FEATURE_NAMES
from training.dataset import Sample
from training.train import save_features


def test_saved_features_keep_every_row_with_what_it_is(tmp_path):
    samples = [Sample(id="a", html=b"<p>x</p>", label=0, kind="ham", group="g1", fold=0, source="s"),
               Sample(id="b", html=b"<p>y</p>", label=1, kind="inplace_spun", group="g2", fold=3, source="s",
                      spin_rate=0.035, dictionary="moby")]
    X = np.arange(2 * len(FEATURE_NAMES), dtype=float).reshape(2, -1)
    X[0, 1] = np.nan
    path = tmp_path / "sub" / "f.npz"
    save_features(path, samples, X, np.array([0, 1]), np.array([0, 3]))
    got = np.load(path)
    np.testing.assert_array_equal(got["X"], X)          # NaNs (missing features) survive
    assert list(got["feature_names"]) == list(FEATURE_NAMES)
    assert list(got["kind"]) == ["ham", "inplace_spun"] and list(got["dictionary"]) == ["", "moby"]
    assert np.isnan(got["spin_rate"][0]) and got["spin_rate"][1] == 0.035
    assert list(got["folds"]) == [0, 3] and list(got["y"]) == [0, 1]


def test_each_token_training_text_is_spun_several_times():
    import random

    from tablekit import small_tables
    from training import train
    from training.dataset import TRAIN_DICTIONARIES, SourceDoc
    from training.spinner import Spinner

    text = " ".join(["The council said the new plan for the harbour would bring jobs to the town."] * 6)
    docs = [SourceDoc(group=f"g{i}", fold=0, title="", text=text) for i in range(3)]
    spinner = Spinner({"council": ["assembly"], "harbour": ["port"]}, name="tiny")
    spinners = {name: spinner for name in TRAIN_DICTIONARIES}
    tables = {0: small_tables({"assembly": ["council"], "port": ["harbour"]})}

    def rows(spins: int | None) -> int:
        part = train.token_training_data(docs, tables, spinners, random.Random(3), spins_per_text=spins)[0]
        assert len(part.X) == len(part.y) == len(part.dictionary)
        assert set(part.dictionary) <= {""} | set(TRAIN_DICTIONARIES)     # each text's spinner, "" unspun
        return len(part.X)

    assert rows(None) == 3 * train.TOKEN_SPINS_PER_TEXT == 6            # the default
    assert rows(3) == 9                                 # `--token-spins-per-text 3`
    assert rows(1) == 3                                 # near miss: one spin a text, as before session 14


def test_token_spins_per_text_must_be_a_positive_whole_number(capsys):
    import pytest

    from training.train import TOKEN_SPINS_PER_TEXT, parse_args

    assert parse_args(["--token-spins-per-text", "3"]).token_spins_per_text == 3
    assert parse_args([]).token_spins_per_text == TOKEN_SPINS_PER_TEXT
    assert parse_args(["--token-spins-per-text", "1"]).token_spins_per_text == 1     # near miss: one spin is allowed
    with pytest.raises(SystemExit):
        parse_args(["--token-spins-per-text", "0"])
    assert "--token-spins-per-text" in capsys.readouterr().err


def test_token_training_takes_at_most_texts_per_fold_of_each_fold():
    import random

    from tablekit import small_tables
    from training import train
    from training.dataset import TRAIN_DICTIONARIES, SourceDoc
    from training.spinner import Spinner

    text = " ".join(["The council said the new plan for the harbour would bring jobs to the town."] * 6)
    docs = [SourceDoc(group=f"g{i}", fold=i % 2, title="", text=text) for i in range(6)]   # 3 texts in each fold
    spinner = Spinner({"council": ["assembly"], "harbour": ["port"]}, name="tiny")
    spinners = {name: spinner for name in TRAIN_DICTIONARIES}
    tables = dict.fromkeys((0, 1), small_tables({"assembly": ["council"], "port": ["harbour"]}))
    spins = train.TOKEN_SPINS_PER_TEXT

    def rows(texts_per_fold: int | None) -> dict[int, int]:
        data = train.token_training_data(docs, tables, spinners, random.Random(3), texts_per_fold=texts_per_fold)
        return {fold: len(part.X) for fold, part in data.items()}

    assert rows(2) == {0: 2 * spins, 1: 2 * spins}
    assert rows(50) == rows(None) == {0: 3 * spins, 1: 3 * spins}    # near miss: a cap above a fold's size takes all


def test_token_texts_per_fold_must_be_a_positive_whole_number():
    import argparse

    import pytest

    from training.train import positive_int

    assert positive_int("2000") == 2000
    for bad in ("0", "-3", "1.5", "many"):
        with pytest.raises(argparse.ArgumentTypeError):
            positive_int(bad)


def test_members_must_be_a_positive_whole_number(capsys):
    import pytest

    from training.train import parse_args

    assert parse_args(["--members", "1"]).members == 1      # near miss: one member is a single model
    with pytest.raises(SystemExit):
        parse_args(["--members", "0"])
    assert "--members: expected a whole number of at least 1" in capsys.readouterr().err


def test_the_likelihood_ratio_cut_is_the_real_hams_high_quantile():
    from model.signals.spun_phrases import SWAP_LLR_FIRE, SWAP_LLR_FIRE_QUANTILE
    from training.train import llr_fire_cut

    col = FEATURE_NAMES.index("swap_llr_0p3_per100")
    X = np.zeros((1003, len(FEATURE_NAMES)))
    X[:1000, col] = np.linspace(-1.0, 1.0, 1000)     # the real hams of the training folds
    X[1000, col] = np.nan                             # a ham with too little English text has no ratio
    X[1001:, col] = 50.0                              # spams (or test-fold hams): not counted
    real_hams = np.r_[np.ones(1001, bool), np.zeros(2, bool)]
    cut = llr_fire_cut(X, real_hams)
    assert cut == np.quantile(np.linspace(-1.0, 1.0, 1000), SWAP_LLR_FIRE_QUANTILE)
    assert (X[:1000, col] >= cut).sum() == 2          # 0.2% of them reach it
    assert llr_fire_cut(X, np.r_[np.zeros(1000, bool), True, False, False]) == SWAP_LLR_FIRE   # near miss: none has one


def test_token_dictionary_weights_repeat_a_dictionary_in_the_draw():
    from training.dataset import TRAIN_DICTIONARIES
    from training.train import token_dictionaries

    assert token_dictionaries({}) == TRAIN_DICTIONARIES       # no weights: the uniform draws of 233754 and before
    drawn = token_dictionaries({"frequent": 2, "seed_train": 3})
    assert drawn.count("frequent") == 2 and drawn.count("seed_train") == 3
    assert all(drawn.count(name) == 1 for name in TRAIN_DICTIONARIES if name not in ("frequent", "seed_train"))
    assert token_dictionaries({"frequent": 1}) == TRAIN_DICTIONARIES   # near miss: a weight of 1 changes nothing


def test_the_default_weights_favour_the_common_word_dictionaries():
    from training.dataset import TRAIN_DICTIONARIES
    from training.train import TOKEN_DICTIONARY_WEIGHTS, token_dictionaries

    drawn = token_dictionaries(TOKEN_DICTIONARY_WEIGHTS)
    assert drawn.count("frequent") == drawn.count("seed_train") == 2
    assert set(drawn) == set(TRAIN_DICTIONARIES) and len(drawn) == len(TRAIN_DICTIONARIES) + 2


def test_token_dictionary_weights_refuse_held_out_and_malformed_entries():
    import argparse

    import pytest

    from training.train import parse_dictionary_weight, token_dictionaries

    with pytest.raises(ValueError, match="not a training dictionary: private"):
        token_dictionaries({"private": 2})      # a held-out dictionary must never train
    with pytest.raises(ValueError, match="at least 1"):
        token_dictionaries({"moby": 0})
    assert parse_dictionary_weight(" frequent = 2") == ("frequent", 2)
    for bad in ("frequent", "frequent=two", "frequent=-1", "private=2", "moby=0"):   # the last two: usage errors
        with pytest.raises(argparse.ArgumentTypeError):
            parse_dictionary_weight(bad)


def test_token_training_spins_draw_only_the_dictionaries_given():
    import random

    from tablekit import small_tables
    from training import train
    from training.dataset import TRAIN_DICTIONARIES, SourceDoc
    from training.spinner import Spinner

    text = " ".join(["The council said the new plan for the harbour would bring jobs to the town."] * 6)
    docs = [SourceDoc(group=f"g{i}", fold=0, title="", text=text) for i in range(40)]
    spinner = Spinner({"council": ["assembly"], "harbour": ["port"]}, name="tiny")
    spinners = {name: spinner for name in TRAIN_DICTIONARIES}
    tables = {0: small_tables({"assembly": ["council"], "port": ["harbour"]})}
    only = train.token_training_data(docs, tables, spinners, random.Random(3), ("seed_train",))[0]
    assert set(only.dictionary) == {"", "seed_train"}
    every = train.token_training_data(docs, tables, spinners, random.Random(3))[0]
    assert len(set(every.dictionary) - {""}) > 1        # near miss: the default draws from all of them


def test_the_card_records_the_options_that_shaped_the_model():
    import json

    from training.evaluation import TRAINING_OPTIONS, training_options
    from training.train import (POOLED_SWAPS, READ_COMMENTS, TOKEN_DICTIONARY_WEIGHTS, TOKEN_SPINS_PER_TEXT,
                                TOKEN_TEXTS_PER_FOLD,
                                parse_args)

    options = training_options(parse_args(["--members", "2", "--token-texts-per-fold", "1500",
                                           "--token-spins-per-text", "3", "--synonym-min-zipf", "2.5",
                                           "--token-dictionary-weight", "moby=3", "--pooled-swaps",
                                           "--read-comments"]))
    assert tuple(options) == TRAINING_OPTIONS
    assert (options["members"], options["token_texts_per_fold"], options["synonym_min_zipf"]) == (2, 1500, 2.5)
    assert options["token_spins_per_text"] == 3
    assert options["token_dictionary_weights"] == {**TOKEN_DICTIONARY_WEIGHTS, "moby": 3}
    assert json.loads(json.dumps(options)) == options          # the card is JSON
    defaults = training_options(parse_args([]))
    assert defaults["token_texts_per_fold"] == TOKEN_TEXTS_PER_FOLD and defaults["members"] != 2   # near miss
    assert defaults["token_spins_per_text"] == TOKEN_SPINS_PER_TEXT != 3
    assert options["pooled_swaps"] is True and defaults["pooled_swaps"] is POOLED_SWAPS is False
    assert options["read_comments"] is True and defaults["read_comments"] is READ_COMMENTS is False


def test_an_operator_card_records_only_the_options_operator_training_reads():
    from training.evaluation import training_options
    from training.train import TARGET_FPR, parse_args

    options = training_options(parse_args(["--data", "pages/", "--members", "2", "--folds", "3"]))
    assert options == {"folds": 3, "target_fpr": TARGET_FPR}   # its swap models are the base model's
