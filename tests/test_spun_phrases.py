"""spun_phrases rules, each with a positive fixture and a near miss, over small hand-made reference tables
(no ../shared needed: the statistics below are made up for the test, in the tables' own units)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from model.signals import spun_phrases as S
from model.tables import ReferenceTables
from model.tokens import NUM, tokenize
from tablekit import small_tables

ZIPF = {"the": 7.7, "key": 5.0, "prime": 4.7, "minister": 5.0, "said": 6.0, "on": 7.0, "tuesday": 5.0,
        "talks": 4.8, "would": 6.5, "go": 6.2, "ahead": 5.3, "and": 7.5, "a": 7.6, "deal": 5.3, "was": 7.0,
        "near": 5.2, "he": 7.0, "told": 5.6, "reporters": 4.3, "in": 7.6, "capital": 4.9, "as": 7.0,
        "well": 6.2, "properly": 4.4, "people": 6.1, "three": 5.9}
PAIRS = {("the", "key"): 5.0, ("the", "prime"): 4.5, ("prime", "minister"): 5.3, ("minister", "said"): 4.0,
         ("said", "on"): 4.8, ("on", "tuesday"): 5.0, ("tuesday", "that"): 4.0, ("talks", "would"): 3.5,
         ("would", "go"): 5.0, ("go", "ahead"): 5.0, ("and", "a"): 6.0, ("a", "deal"): 5.0, ("deal", "was"): 4.5,
         ("was", "near"): 4.0, ("he", "told"): 5.0, ("told", "reporters"): 4.6, ("reporters", "in"): 4.2,
         ("in", "the"): 7.0, ("the", "capital"): 5.0, ("as", "well"): 5.8}
INVERSE = {"key": ["prime"]}      # "key" is listed as a synonym of "prime" by some thesaurus
BODY = " said on Tuesday that talks would go ahead and a deal was near, he told reporters in the capital."


@pytest.fixture(scope="module")
def tables() -> ReferenceTables:
    return small_tables(INVERSE, zipf=ZIPF, pairs=PAIRS, total_tokens=1_000_000)


def _scores(text: str, tables: ReferenceTables, word: str) -> dict[str, float]:
    tok = tokenize(text)
    X, best_o, _ = S.token_matrix(tok, tables)
    i = tok.words.index(word)
    row = {name: float(X[i, k]) for k, name in enumerate(S.TOKEN_FEATURES)}
    row["best_original"] = tables.orig_words_[best_o[i]] if best_o[i] >= 0 else None
    return row


def test_swapped_word_gains_from_its_original(tables):
    row = _scores("The Key Minister" + BODY, tables, "key")
    assert row["best_original"] == "prime"
    assert row["inv_gain"] >= S.STRONG           # (key, minister) never seen, (prime, minister) established
    assert row["fit_ratio"] > S.RATIO_CANDIDATE  # "minister" is far likelier after "prime" than after "key"


def test_original_wording_gains_nothing(tables):
    row = _scores("The Prime Minister" + BODY, tables, "prime")
    assert row["inv_gain"] == 0 and row["fit_ratio"] == 0 and row["best_original"] is None


def test_original_elsewhere_in_the_text_is_noticed(tables):
    text = "The Prime Minister" + BODY + " Later the Key Minister" + BODY
    assert _scores(text, tables, "key")["orig_in_text"] == 2      # "the prime" and "prime minister" occur


def test_original_absent_from_the_text_is_not_claimed(tables):
    assert _scores("The Key Minister" + BODY, tables, "key")["orig_in_text"] == 0


def test_candidate_mask_takes_a_token_whose_original_fits_better_even_when_its_pairs_are_seen():
    X = np.zeros((2, len(S.TOKEN_FEATURES)), np.float32)
    X[:, S.TOKEN_FEATURES.index("sup_l")] = 4.0
    X[:, S.TOKEN_FEATURES.index("sup_r")] = 4.0
    X[0, S.TOKEN_FEATURES.index("fit_ratio")] = S.RATIO_CANDIDATE + 0.5
    X[1, S.TOKEN_FEATURES.index("fit_ratio")] = S.RATIO_CANDIDATE - 0.5
    assert S.candidate_mask(X).tolist() == [True, False]


def test_half_spelled_number_is_evidence(tables):
    feats, sig = S.compute("About three,000 people" + BODY + BODY, tables)
    assert feats["half_spelled_numbers"] == 1 and sig.fired
    assert [e.text for e in sig.evidence if e.detail == "half_spelled_number"] == ["three,000"]


def test_number_in_digits_or_in_words_is_not(tables):
    feats, sig = S.compute("About 3,000 people, three thousand in all," + BODY + BODY, tables)
    assert feats["half_spelled_numbers"] == 0
    assert not [e for e in sig.evidence if e.detail == "half_spelled_number"]


def test_spelled_number_in_numeral_notation_is_evidence(tables):
    feats, sig = S.compute("Sales rose three% to $five million" + BODY + BODY, tables)
    assert feats["half_spelled_numbers"] == 2 and sig.fired
    assert [e.text for e in sig.evidence if e.detail == "half_spelled_number"] == ["three%", "$five"]


def test_spelled_number_in_two_notations_is_one_footprint(tables):
    feats, sig = S.compute("It cost $ten,000 in all" + BODY + BODY, tables)
    assert feats["half_spelled_numbers"] == 1
    assert [e.text for e in sig.evidence if e.detail == "half_spelled_number"] == ["ten,000"]


def test_digits_in_numeral_notation_are_not(tables):
    feats, sig = S.compute("Sales rose 3% to $5 million, three times over" + BODY + BODY, tables)
    assert feats["half_spelled_numbers"] == 0
    assert not [e for e in sig.evidence if e.detail == "half_spelled_number"]


def test_broken_fixed_expression_is_evidence(tables):
    feats, sig = S.compute("The deal was near as properly" + BODY + BODY, tables)
    assert feats["broken_idioms_per1k"] > 0 and "broken_fixed_expression" in {e.detail for e in sig.evidence}


def test_intact_fixed_expression_is_not(tables):
    feats, sig = S.compute("The deal was near as well" + BODY + BODY, tables)
    assert feats["broken_idioms_per1k"] == 0


def test_not_english_is_said_and_not_scored(tables):
    feats, sig = S.compute("Der Premierminister sagte am Dienstag, die Gespräche würden weitergehen." * 5,
                           tables, english=False)
    assert sig.reason == "not_english" and not sig.fired and not sig.evidence


@pytest.mark.parametrize("filler", ["word ", "3,000,000 ", "a-b-c's "])
def test_long_text_is_cut_at_the_same_token_as_when_tokenised_whole(filler):
    text = filler * (S.PREFIX_CHARS // len(filler) + 50)
    whole, head = tokenize(text), S._tokenize_prefix(text)
    assert len(head) > S.MAX_TOKENS and len(head) < len(whole)
    k = S.MAX_TOKENS + 1
    assert head.words[:k] == whole.words[:k] and np.array_equal(head.starts[:k], whole.starts[:k])
    assert np.array_equal(head.joined[:k], whole.joined[:k])


def test_short_text_is_tokenised_whole():
    text = "word " * 100
    assert S._tokenize_prefix(text).words == tokenize(text).words


def test_head_of_tokens_equals_tokenising_up_to_the_cut():
    text = "The Key Minister, said: 3,000 people’s votes " * 500
    whole = tokenize(text)
    cut = int(whole.starts[S.MAX_TOKENS])
    head, again = whole.head(S.MAX_TOKENS), tokenize(text[:cut])
    assert head.words == again.words
    for field in ("starts", "ends", "hashes", "joined", "capital"):
        assert np.array_equal(getattr(head, field), getattr(again, field)), field


class _SwapModelOn:
    """A stand-in swap model: probability `p` (0.9) for the listed words, 0.1 for any other token it is asked
    about (the real one is a fitted classifier over TOKEN_FEATURES)."""

    def __init__(self, text: str, words: set[str], tables: ReferenceTables, p: float = 0.9) -> None:
        tok = tokenize(text)
        X, _, _ = S.token_matrix(tok, tables)
        mask = S.candidate_mask(X)
        self.probs = np.array([p if w in words else 0.1 for w, m in zip(tok.words, mask) if m])

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.column_stack([1 - self.probs, self.probs])


def _type_counts(text: str, flagged: set[str], tables: ReferenceTables) -> tuple[float, float]:
    feats, _ = S.compute(text, tables, token_model=_SwapModelOn(text, flagged, tables))
    return feats["swap_p50_per100"], feats["swap_types_p50_per100"]


def test_distinct_flagged_words_count_once_each(tables):
    text = "The key reporters told the key capital, a key deal near the key ministers talks." + BODY
    tokens, types = _type_counts(text, {"key"}, tables)
    assert tokens == pytest.approx(4 * types)      # "key" flagged four times is one word type


def test_different_flagged_words_count_as_many_types(tables):  # near miss of the repeated word
    text = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    tokens, types = _type_counts(text, {"key", "prime", "main", "chief"}, tables)
    assert tokens == types > 0


def test_swap_llr_rewards_confident_swaps_and_charges_unflagged_tokens():
    prior = np.full(3, S.SWAP_PRIOR)
    assert np.allclose(S.swap_llr(prior, 0.003), 0.0)              # the prior itself is no evidence
    assert S.swap_llr(np.array([0.95]), 0.003)[0] > 0.0
    assert S.swap_llr(np.array([0.0]), 0.003)[0] == pytest.approx(np.log1p(-0.003), abs=1e-5)


def _llr(text: str, flagged: set[str], tables: ReferenceTables) -> tuple[float, float]:
    feats, _ = S.compute(text, tables, token_model=_SwapModelOn(text, flagged, tables))
    return feats["swap_llr_0p3_per100"], feats["swap_types_llr_0p3_per100"]


def test_text_with_several_confident_swaps_has_a_positive_llr(tables):
    text = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    tokens, types = _llr(text, {"key", "prime", "main", "chief"}, tables)
    assert tokens > 0 and types > 0


def test_text_with_no_confident_swap_has_a_negative_llr(tables):  # near miss: same text, nothing flagged
    text = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    tokens, types = _llr(text, set(), tables)
    assert tokens < 0 and types < 0


def test_the_llr_over_the_root_of_the_length_grows_with_length_at_the_same_density(tables):
    short = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    flagged = {"key", "prime", "main", "chief"}
    feats_s, _ = S.compute(short, tables, token_model=_SwapModelOn(short, flagged, tables))
    longer = " ".join([short] * 4)
    feats_l, _ = S.compute(longer, tables, token_model=_SwapModelOn(longer, flagged, tables))
    assert feats_l["swap_llr_0p3_per100"] == pytest.approx(feats_s["swap_llr_0p3_per100"], rel=0.05)
    assert feats_s["swap_llr_0p3_z"] > 0
    assert feats_l["swap_llr_0p3_z"] == pytest.approx(2 * feats_s["swap_llr_0p3_z"], rel=0.05)
    none, _ = S.compute(longer, tables, token_model=_SwapModelOn(longer, set(), tables))
    assert none["swap_llr_0p3_z"] < 0 and none["swap_llr_0p1_z"] < 0     # near miss: nothing flagged


def test_a_repeated_flag_counts_once_in_the_types_llr(tables):
    repeated = "The key reporters told the key capital, a key deal near the key ministers talks." + BODY
    distinct = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    tokens_r, types_r = _llr(repeated, {"key"}, tables)
    tokens_d, types_d = _llr(distinct, {"key", "prime", "main", "chief"}, tables)
    one_flag = 100 / len(tokenize(repeated)) * float(S.swap_llr(np.array([0.9]), 0.003)[0])
    assert tokens_r == pytest.approx(tokens_d, abs=0.1 * one_flag)  # four flags either way
    assert types_d - types_r > 2.5 * one_flag                       # one word flagged, not four


def _signal(text: str, flagged: set[str], tables: ReferenceTables, p: float):
    return S.compute(text, tables, token_model=_SwapModelOn(text, flagged, tables, p))[1]


def test_two_confident_swaps_fire_by_likelihood_ratio(tables):
    text = "The key reporters told the capital, a main deal was near." + BODY
    signal = _signal(text, {"key", "main"}, tables, 0.99)   # two spans: too few for the count rule
    assert signal.fired and signal.reason == "swap_likelihood_ratio"
    assert any(ev.detail == "swap_likelihood_ratio" for ev in signal.evidence)


def test_two_doubtful_swaps_do_not_fire(tables):  # near miss: the same words, each barely suspected
    text = "The key reporters told the capital, a main deal was near." + BODY
    signal = _signal(text, {"key", "main"}, tables, 0.6)
    assert not signal.fired and signal.reason == "few_swaps"
    assert not any(ev.detail == "swap_likelihood_ratio" for ev in signal.evidence)


def test_the_likelihood_ratio_rule_fires_at_the_cut_the_swap_model_recorded(tables):
    text = "The key reporters told the capital, a main deal was near." + BODY
    model = _SwapModelOn(text, {"key", "main"}, tables, 0.6)     # the doubtful swaps above: under SWAP_LLR_FIRE
    llr = S.compute(text, tables, token_model=model)[0]["swap_llr_0p3_per100"]
    assert 0 < llr < S.SWAP_LLR_FIRE
    model.swap_llr_fire_ = llr * 0.9          # a swap model whose real pages' ratios run lower (make train sets it)
    signal = S.compute(text, tables, token_model=model)[1]
    assert signal.fired and signal.reason == "swap_likelihood_ratio"
    model.swap_llr_fire_ = llr * 1.1          # near miss: a cut just above this text
    assert not S.compute(text, tables, token_model=model)[1].fired


def _token_rows(**columns: list[float]) -> np.ndarray:
    """Token-feature rows with every pair seen (support 3) and the named columns set."""
    n = len(next(iter(columns.values())))
    X = np.zeros((n, len(S.TOKEN_FEATURES)), dtype=np.float32)
    X[:, S.TOKEN_FEATURES.index("sup_l")] = X[:, S.TOKEN_FEATURES.index("sup_r")] = 3.0
    for name, values in columns.items():
        X[:, S.TOKEN_FEATURES.index(name)] = values
    return X


def test_wide_scope_also_scores_words_with_a_candidate_original_in_attested_pairs():
    # "stated" for "said": both pairs attested, no gain; only its candidate original marks it
    X = _token_rows(n_candidates=[3.0])
    assert not S.candidate_mask(X, S.NARROW_SCOPE)[0]
    assert S.candidate_mask(X, S.WIDE_SCOPE)[0]


def test_wide_scope_leaves_out_words_without_candidates():  # near miss: nothing to put back
    X = _token_rows(n_candidates=[0.0])
    assert not S.candidate_mask(X, S.WIDE_SCOPE)[0]
    with pytest.raises(ValueError):
        S.candidate_mask(X, "everything")


class _ConstantModel:
    """A stand-in token model: probability 0.9 for every row it is asked about."""

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.tile([0.1, 0.9], (len(X), 1))


def test_token_model_scores_the_scope_it_was_trained_on():
    X = _token_rows(n_candidates=[3.0, 0.0], inv_gain=[0.0, 1.0])
    old = _ConstantModel()                          # a model from before scopes: narrow
    assert S.swap_probabilities(X, old).tolist() == [0.0, 0.9]
    wide = _ConstantModel()
    wide.candidate_scope_ = S.WIDE_SCOPE
    assert S.swap_probabilities(X, wide).tolist() == [0.9, 0.9]


def test_swap_llr_uses_the_prior_the_token_model_recorded():
    model = _ConstantModel()
    assert S.prior_of(model) == S.SWAP_PRIOR        # models that do not say
    model.swap_prior_ = 0.03                        # fewer swaps among the wider scope's tokens
    assert S.swap_llr(np.array([0.03]), 0.003, S.prior_of(model))[0] == pytest.approx(0.0, abs=1e-9)
    assert S.swap_llr(np.array([0.03]), 0.003)[0] < 0.0   # the same probability under the old prior is evidence against


def _first_max_by_sorting(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """What `_first_max` replaces: the element `np.lexsort((-values, group))` puts first in each group."""
    order = np.lexsort((-values, group))
    g = group[order]
    return order[np.r_[True, g[1:] != g[:-1]]] if len(g) else np.zeros(0, np.int64)


@pytest.mark.parametrize("sorted_groups", [True, False])
def test_first_max_picks_what_the_two_sorts_picked(sorted_groups: bool) -> None:
    rng = np.random.default_rng(21)
    for _ in range(200):
        n = int(rng.integers(0, 40))
        group = np.sort(rng.integers(0, 8, n)) if sorted_groups else rng.integers(0, 8, n)
        values = rng.integers(-2, 3, n).astype(np.float64)      # few distinct values: many ties
        values[values == 0] = -0.0 if rng.random() < 0.5 else 0.0
        assert np.array_equal(S._first_max(group, values), _first_max_by_sorting(group, values))


def test_first_max_takes_the_first_of_tied_maxima() -> None:
    group = np.array([0, 0, 0, 2, 2])
    assert S._first_max(group, np.array([1.0, 3.0, 3.0, 5.0, 5.0])).tolist() == [1, 3]
    assert S._first_max(np.array([2, 0, 2, 0]), np.array([1.0, 1.0, 4.0, 1.0])).tolist() == [1, 2]   # unsorted


def test_a_text_of_long_tokens_is_cut_after_the_longer_prefix() -> None:
    word = "internationalisation "                 # 21 characters a token: the first prefix holds too few
    text = word * (S.PREFIX_CHARS // len(word) + 100)
    assert len(tokenize(text[:S.FIRST_PREFIX_CHARS])) < S.MAX_TOKENS
    assert S.MAX_TOKENS < len(S._tokenize_prefix(text)) < len(tokenize(text))     # the second prefix, not whole
    kept, tok = S.analysed_text(text)
    assert len(tok) == S.MAX_TOKENS and tok.words == tokenize(text).words[:S.MAX_TOKENS]
    assert kept == text[: int(tokenize(text).starts[S.MAX_TOKENS])]


def _same_features(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def test_each_swap_model_of_an_ensemble_gives_its_own_features(tables):
    text = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    confident = _SwapModelOn(text, {"key", "prime", "main", "chief"}, tables, 0.95)
    doubtful = _SwapModelOn(text, {"key"}, tables, 0.6)
    member_feats, _ = S.compute_members(text, tables, token_models=(confident, doubtful))
    assert len(member_feats) == 2
    assert _same_features(member_feats[0], S.compute(text, tables, token_model=confident)[0])
    assert _same_features(member_feats[1], S.compute(text, tables, token_model=doubtful)[0])
    assert member_feats[0]["swap_llr_0p3_per100"] > member_feats[1]["swap_llr_0p3_per100"]


def test_without_a_swap_model_there_is_one_feature_set_with_the_swap_features_missing(tables):
    text = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    member_feats, signal = S.compute_members(text, tables, token_models=())
    assert len(member_feats) == 1 and math.isnan(member_feats[0]["swap_llr_0p3_per100"])
    assert not math.isnan(member_feats[0]["spun_strong_per100"])
    assert not any(ev.detail == "swap_likelihood_ratio" for ev in signal.evidence)


def test_an_ensembles_evidence_carries_the_members_mean_swap_probability(tables):
    text = "The key reporters told the capital, a main deal was near." + BODY
    members = (_SwapModelOn(text, {"key"}, tables, 0.9), _SwapModelOn(text, {"key"}, tables, 0.5))
    _, signal = S.compute_members(text, tables, token_models=members)
    (key,) = [ev for ev in signal.evidence if ev.text.lower() == "key"]
    assert key.confidence == pytest.approx(0.7)


def test_an_ensemble_fires_on_the_mean_likelihood_ratio_against_the_mean_cut(tables):
    text = "The key reporters told the capital, a main deal was near." + BODY
    sure, unsure = _SwapModelOn(text, {"key", "main"}, tables, 0.99), _SwapModelOn(text, set(), tables)
    feats, _ = S.compute_members(text, tables, token_models=(sure, unsure))
    mean = (feats[0]["swap_llr_0p3_per100"] + feats[1]["swap_llr_0p3_per100"]) / 2
    assert feats[0]["swap_llr_0p3_per100"] > mean > 0
    sure.swap_llr_fire_, unsure.swap_llr_fire_ = mean * 0.8, mean * 1.1      # mean cut 0.95 x the mean ratio
    signal = S.compute_members(text, tables, token_models=(sure, unsure))[1]
    assert signal.fired and signal.reason == "swap_likelihood_ratio"
    # near miss: the confident member alone clears its own cut, the members' mean does not clear theirs
    sure.swap_llr_fire_, unsure.swap_llr_fire_ = mean * 0.95, mean * 1.1
    assert feats[0]["swap_llr_0p3_per100"] >= sure.swap_llr_fire_
    assert not S.compute_members(text, tables, token_models=(sure, unsure))[1].fired


def test_pooled_members_all_get_the_features_of_the_mean_swap_probability(tables):
    text = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    confident = _SwapModelOn(text, {"key", "prime", "main", "chief"}, tables, 0.95)
    doubtful = _SwapModelOn(text, {"key"}, tables, 0.55)
    mean = _SwapModelOn(text, set(), tables)
    mean.probs = (confident.probs + doubtful.probs) / 2      # "key" 0.75, "prime", "main", "chief" 0.525
    pooled, _ = S.compute_members(text, tables, token_models=(confident, doubtful), pooled=True)
    own, _ = S.compute_members(text, tables, token_models=(confident, doubtful))
    assert len(pooled) == 2 and _same_features(pooled[0], pooled[1])
    assert _same_features(pooled[0], S.compute(text, tables, token_model=mean)[0])
    assert pooled[0]["swap_prob_sum_per100"] == pytest.approx((own[0]["swap_prob_sum_per100"]
                                                               + own[1]["swap_prob_sum_per100"]) / 2)
    # near miss: without pooling each member keeps its own, and the pooled set is neither of them
    assert not _same_features(own[0], own[1])
    assert not _same_features(pooled[0], own[0]) and not _same_features(pooled[0], own[1])
    assert own[1]["swap_p50_per100"] < pooled[0]["swap_p50_per100"] == own[0]["swap_p50_per100"]
    assert pooled[0]["swap_p80_per100"] < own[0]["swap_p80_per100"]
    # the dictionary-free features do not depend on the swap models
    assert pooled[0]["spun_strong_per100"] == own[0]["spun_strong_per100"] == own[1]["spun_strong_per100"]


def test_pooled_features_use_the_members_mean_prior(tables):
    text = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    a, b, mean = (_SwapModelOn(text, {"key", "prime"}, tables, 0.8) for _ in range(3))
    a.swap_prior_, b.swap_prior_, mean.swap_prior_ = 0.05, 0.15, 0.10
    pooled, _ = S.compute_members(text, tables, token_models=(a, b), pooled=True)
    assert _same_features(pooled[0], S.compute(text, tables, token_model=mean)[0])
    assert not _same_features(pooled[0], S.compute(text, tables, token_model=a)[0])   # near miss: one prior


def test_pooling_one_swap_model_is_that_model(tables):
    text = "The key reporters told the prime capital, a main deal near the chief ministers talks." + BODY
    only = _SwapModelOn(text, {"key", "prime"}, tables, 0.8)
    pooled, _ = S.compute_members(text, tables, token_models=(only,), pooled=True)
    assert _same_features(pooled[0], S.compute(text, tables, token_model=only)[0])


NUMBER_ZIPF = {"he": 7.0, "said": 6.0, "one": 6.5, "of": 7.6, "the": 7.7, "talks": 4.8, "would": 6.5}
NUMBER_PAIRS = {("he", "said"): 5.5, ("said", "one"): 4.2, ("one", "of"): 6.0, ("of", "the"): 7.0,
                ("the", "talks"): 4.8, ("talks", "would"): 3.5}


def _number_row(text: str, small_numbers: bool, word: str) -> dict[str, float]:
    tables = small_tables({"1": ["one"]}, zipf=NUMBER_ZIPF, pairs=NUMBER_PAIRS, total_tokens=1_000_000)
    tables.description_["small_numbers"] = small_numbers
    _, tok = S.analysed_text(text, small_numbers)
    X, best_o, _ = S.token_matrix(tok, tables)
    i = tok.words.index(word)
    return dict(zip(S.TOKEN_FEATURES, X[i].tolist()), best_original=tables.orig_words_[best_o[i]] if best_o[i] >= 0
                else None)


def test_a_digit_for_a_small_number_word_gets_the_word_as_its_original():
    row = _number_row("He said 1 of the talks would resume.", True, "1")
    assert row["best_original"] == "one" and row["n_candidates"] == 1 and row["is_num"] == 1
    assert row["inv_gain"] > 0                    # (said, 1) and (1, of) unseen, (said, one) and (one, of) common


def test_near_miss_the_number_word_itself_and_tables_counted_without_small_numbers():
    row = _number_row("He said one of the talks would resume.", True, "one")
    assert row["best_original"] is None and row["inv_gain"] == 0 and row["is_num"] == 0
    old = _number_row("He said 1 of the talks would resume.", False, NUM)    # every number one token, as before
    assert old["best_original"] is None and old["n_candidates"] == 0 and old["is_num"] == 1
