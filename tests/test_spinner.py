"""The augmentation spinner and its dictionaries (training/spinner.py, training/thesauri.py)."""
from __future__ import annotations

import random
import re

import pytest

from training.corpus import shared_dir
from training.dataset import TRAIN_DICTIONARIES
from training.spinner import (CONSISTENT_SUFFIX, EXTRA_TRAIN_SWAPS, PRIVATE_SWAPS, SEED_HELD_OUT_SWAPS,
                              SEED_TRAIN_SWAPS, SPINNER_DICTIONARIES, Spinner, match_case, number_words,
                              seed_half, spell_number)
from training.thesauri import load_moby, merge

SHARED = shared_dir()
needs_shared = pytest.mark.skipif(SHARED is None, reason="../shared is absent (set UNSPUN_SHARED)")

# An invented article (>= 300 words) for rate tests.
ARTICLE = (
    "The regional water authority said on Monday that it would raise prices for the first time in six years, "
    "citing the rising cost of energy and repairs to ageing pipes across the valley. Officials told a public "
    "meeting that the average household bill would increase by about 120 dollars a year, and that the change "
    "would take effect in the spring. The board voted five to two in favour of the plan after a long debate. "
    "Critics argued that families on low incomes would suffer most, while supporters said the network had been "
    "neglected for decades and could fail without urgent investment. The chief engineer described several "
    "recent leaks, including one that flooded a school playground and closed a busy road for three days. "
    "She said the authority had lost nearly 3,000 million litres of treated water last year through broken "
    "mains. Local businesses were divided. A bakery owner said higher bills would force her to cut staff hours, "
    "but the head of the chamber of commerce said reliable supply mattered more than a small increase. The "
    "mayor, who does not sit on the board, said she would ask the state government for help with the cost of "
    "new pipes. Environmental groups welcomed the decision but warned that prices alone would not fix the "
    "problem of waste. They called for meters in every home and for a campaign to teach people how to save "
    "water during the hot summer months. The authority plans to publish a full report on the state of the "
    "network before the end of the year. It will also hold further meetings in towns along the river, where "
    "residents have complained about low pressure and cloudy water. Engineers expect the first stage of the "
    "work to begin next month, starting with the oldest pipes under the main street. The project is likely to "
    "take at least four years to complete, and the total cost could exceed the original estimate if the price "
    "of steel continues to climb. Residents can send comments to the board until the end of the month, and "
    "the final budget will be approved in a public vote later this year."
)


def words(text: str) -> int:
    return len(re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d[\d,]*", text))


def undo(result_text: str, changes) -> str:
    """Put the originals back at the recorded offsets (which are in the spun text)."""
    out = result_text
    for ch in sorted(changes, key=lambda c: c.start, reverse=True):
        assert out[ch.start:ch.end] == ch.replacement
        out = out[:ch.start] + ch.original + out[ch.end:]
    return out


TOY = {
    "prime": ["key"], "between": ["in between"], "state": ["point out"], "company": ["firm"], "day": ["time"],
    "house": ["home"], "iraq": ["mesopotamia"], "news": ["information"], "example": ["sample"], "com": ["commie"],
}


def toy(**kw) -> Spinner:
    return Spinner(TOY, name="toy", **kw)


# -- behaviour on small fixtures ------------------------------------------------------------------------------

def test_case_is_carried_over() -> None:
    r = toy().spin("Prime prime PRIME", 1.0, random.Random(0))
    assert r.text == "Key key KEY"
    assert match_case("Secretary", "point out") == "Point out"
    assert match_case("House", "home") == "Home"
    assert match_case("Secretary of State", "secretary of point out") == "Secretary of Point out"
    assert match_case("White House", "white home") == "White Home"
    assert match_case("the prime minister", "key minister") == "key minister"


def test_function_words_and_multiword_synonyms() -> None:
    r = toy().spin("relations between the allies", 1.0, random.Random(0))
    assert r.text == "relations in between the allies"
    assert [(c.original, c.replacement) for c in r.changes] == [("between", "in between")]


def test_words_the_dictionary_lacks_are_left_alone() -> None:
    text = "relations among the allies"
    r = toy().spin(text, 1.0, random.Random(0))
    assert r.text == text and r.changes == [] and r.rate == 0.0


def test_changes_offsets_and_untouched_bytes() -> None:
    text = "The  State Company, (between)\tthe House;\n\"prime\" -- days!"
    r = toy().spin(text, 1.0, random.Random(3))
    assert r.text != text
    assert undo(r.text, r.changes) == text          # everything outside the changes is byte-identical
    assert r.words == 8 and r.rate == len(r.changes) / 8


def test_numbers_partly_spelled_out() -> None:
    s = toy()
    r = s.spin("about 3,000 troops for 120 days since 2003", 1.0, random.Random(0))
    assert "three,000" in r.text and "one hundred twenty" in r.text and "2003" in r.text
    assert spell_number("3.5") is None and spell_number("2019") is None and spell_number("60") == "sixty"
    assert number_words(120) == "one hundred twenty" and number_words(45) == "forty-five"
    near = toy(spell_numbers=False).spin("about 3,000 troops for 120 weeks", 1.0, random.Random(0))
    assert near.text == "about 3,000 troops for 120 weeks"


def test_small_spelled_numbers_become_digits() -> None:
    r = toy().spin("two to three months, Five ships", 1.0, random.Random(0))
    assert r.text == "2 to 3 months, 5 ships"
    # near misses: compound numbers and UPPER case stay as they are
    assert toy().spin("forty-five ships and THREE boats", 1.0, random.Random(0)).text == \
        "forty-five ships and THREE boats"
    assert toy(spell_numbers=False).spin("two to three", 1.0, random.Random(0)).text == "two to three"


def test_numbers_glued_to_words_are_not_spelled() -> None:
    text = "COVID-19 hit 10th street at 3.5 percent in v2"
    assert toy().spin(text, 1.0, random.Random(0)).text == text


def test_urls_and_emails_untouched() -> None:
    text = "see example.com or write to news@example.com"
    assert toy().spin(text, 1.0, random.Random(0)).text == text
    assert toy().spin("the news today", 1.0, random.Random(0)).text == "the information today"


def test_plural_and_possessive() -> None:
    r = toy().spin("three days in Iraq's capital", 1.0, random.Random(0))
    assert "times" in r.text and "Mesopotamia's" in r.text
    # "news" is not the plural of "new", "this" not of "thi"
    s = Spinner({"new": ["fresh"], "thi": ["x"]}, name="t")
    assert s.spin("this news", 1.0, random.Random(0)).text == "this news"


def test_phrase_table_title_case_and_near_miss() -> None:
    s = Spinner({}, name="p", phrase_table={"prime minister": ["key minister"]})
    assert s.spin("the Prime Minister said", 1.0, random.Random(0)).text == "the Key Minister said"
    # words split by punctuation are not the phrase
    assert s.spin("prime, minister", 1.0, random.Random(0)).text == "prime, minister"
    r = s.spin("the prime minister", 1.0, random.Random(0))
    assert r.rate == pytest.approx(2 / 3)


def test_deterministic_given_rng() -> None:
    s = Spinner(load_moby(), name="moby")
    a = s.spin(ARTICLE, 0.1, random.Random(42))
    b = s.spin(ARTICLE, 0.1, random.Random(42))
    c = s.spin(ARTICLE, 0.1, random.Random(43))
    assert a.text == b.text and a.changes == b.changes
    assert a.text != c.text


def test_rate_bounds() -> None:
    assert toy().spin("prime state", 0.0, random.Random(0)).text == "prime state"
    with pytest.raises(ValueError):
        toy().spin("x", 1.5, random.Random(0))


@pytest.mark.parametrize("rate", [0.01, 0.03, 0.08, 0.15])
def test_achieved_rate_within_30_percent_moby(rate: float) -> None:
    s = Spinner(load_moby(), name="moby")
    assert words(ARTICLE) >= 300
    for seed in range(5):
        r = s.spin(ARTICLE, rate, random.Random(seed))
        assert r.words >= 300
        assert abs(r.rate - rate) <= 0.3 * rate, (seed, r.rate)
        assert undo(r.text, r.changes) == ARTICLE


def test_spin_many_spreads_one_budget_over_pieces() -> None:
    s = Spinner(load_moby(), name="moby")
    pieces = [ARTICLE[i:i + 60] for i in range(0, len(ARTICLE), 60)]
    results = s.spin_many(pieces, 0.1, random.Random(1))
    total = sum(r.words for r in results)
    changed = sum(round(r.rate * r.words) for r in results)
    assert abs(changed / total - 0.1) <= 0.03
    for piece, r in zip(pieces, results):
        assert undo(r.text, r.changes) == piece


# Several synonyms each, so that a per-occurrence spinner seldom picks the same one every time.
MANY = {"state": ["point out", "condition", "nation", "province"], "policy": ["coverage", "plan", "strategy", "rule"]}
REPEATS = " ".join(["The State said its policy would not change."] * 6 + ["Policy and state matter."] * 4)


def replacements_by_original(changes) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in changes:
        out.setdefault(c.original.lower(), set()).add(c.replacement.lower())
    return out


def test_consistent_spinner_rewrites_a_word_the_same_way_everywhere() -> None:
    s = Spinner(MANY, name="many", consistent=1.0)
    for seed in range(10):
        r = s.spin(REPEATS, 0.2, random.Random(seed))
        by_original = replacements_by_original(r.changes)
        assert by_original and all(len(reps) == 1 for reps in by_original.values()), (seed, by_original)
        assert undo(r.text, r.changes) == REPEATS
        # one word form's occurrences are taken together: a chosen word is replaced nearly throughout
        most = max(sum(c.original.lower() == w for c in r.changes) for w in by_original)
        assert most >= 6, (seed, r.changes)
    r = s.spin(REPEATS, 0.2, random.Random(3))
    capitalised = [c for c in r.changes if c.original[:1].isupper()]
    assert all(c.replacement[:1].isupper() for c in capitalised)


def test_per_occurrence_spinner_varies_a_words_synonym() -> None:
    """Near miss: the default spinner draws a synonym for each occurrence on its own."""
    s = Spinner(MANY, name="many")
    varied = [any(len(reps) > 1 for reps in replacements_by_original(s.spin(REPEATS, 0.2, random.Random(seed)).changes)
                  .values()) for seed in range(10)]
    assert sum(varied) >= 8


def test_consistent_share_mixes_the_two_kinds_of_spin() -> None:
    s = Spinner(MANY, name="many", consistent=0.5)
    kinds = [all(len(reps) == 1 for reps in replacements_by_original(s.spin(REPEATS, 0.2, random.Random(seed)).changes)
                 .values()) for seed in range(40)]
    assert 8 <= sum(kinds) <= 32


def test_consistent_dictionaries_are_the_held_out_ones_rewritten_consistently() -> None:
    s = SPINNER_DICTIONARIES["seed" + CONSISTENT_SUFFIX](None)
    assert s.consistent == 1.0 and s.name == "seed" + CONSISTENT_SUFFIX
    assert SPINNER_DICTIONARIES["seed"](None).consistent == 0.0


def test_with_consistency_leaves_the_spinner_it_copies_alone() -> None:
    base = Spinner(MANY, name="many")
    mixed = base.with_consistency(0.5)
    assert mixed.consistent == 0.5 and base.consistent == 0.0 and mixed.thesaurus is base.thesaurus
    with pytest.raises(ValueError):
        base.with_consistency(1.5)
    with pytest.raises(ValueError):
        Spinner(MANY, name="many", consistent=-0.1)


TOY_ZIPF = {"key": 5.0, "in": 7.0, "between": 5.5, "point": 5.0, "out": 6.0, "firm": 4.5, "time": 6.0,
            "home": 5.5, "mesopotamia": 2.0, "information": 5.0, "sample": 4.0, "commie": 1.5, "main": 5.0,
            "white": 5.5}


def toy_zipf(synonym: str) -> float:
    """The Zipf value of a synonym's rarest word, from TOY_ZIPF (0 for a word it lacks)."""
    return min(TOY_ZIPF.get(word, 0.0) for word in synonym.lower().split())


def test_common_synonyms_drop_rare_words_and_keep_common_phrases() -> None:
    s = Spinner(TOY | {"chief": ["main", "commie"]}, name="toy",
                phrase_table={"white house": ["white home", "mesopotamia home"]})
    common = s.with_common_synonyms(2.5, toy_zipf)
    assert common.synonyms("chief") == ["main"]                 # the rare one of two is gone
    assert common.synonyms("iraq") == [] and common.synonyms("com") == []   # only rare ones: not spun at all
    assert common.synonyms("state") == ["point out"]             # every word of a phrase is common
    assert common.phrases["white house"] == ["white home"]
    assert common.synonyms("prime") == ["key"]
    r = common.spin("Iraq and the Prime of the White House, 3,000 days", 1.0, random.Random(0))
    assert "Iraq" in r.text and "Mesopotamia" not in r.text
    assert "Key" in r.text and "White Home" in r.text and "three,000" in r.text   # numbers are spun as before
    assert s.synonyms("iraq") == ["mesopotamia"] and s.phrases["white house"] == ["white home", "mesopotamia home"]


def test_common_synonyms_at_zero_keep_every_synonym() -> None:
    s = Spinner(TOY, name="toy")
    kept = s.with_common_synonyms(0.0, toy_zipf)
    assert kept.thesaurus == s.thesaurus
    text = "The State Company said Prime news from Iraq"
    assert kept.spin(text, 1.0, random.Random(4)).text == s.spin(text, 1.0, random.Random(4)).text


# -- dictionaries -----------------------------------------------------------------------------------------------

def test_moby_loads_lowercase_and_cached() -> None:
    moby = load_moby()
    assert len(moby) > 25_000
    assert moby is load_moby()
    assert "chief" in moby["prime"] and "firm" in moby["company"]
    for key in ("state", "house", "natural"):
        assert key == key.lower() and key not in moby[key]


def test_merge_keeps_order_and_dedupes() -> None:
    m = merge({"a": ["x", "y"]}, {"a": ["y", "z"], "b": ["q"]})
    assert m == {"a": ["x", "y", "z"], "b": ["q"]}


def test_moby_factory_needs_no_shared() -> None:
    s = SPINNER_DICTIONARIES["moby"](None)
    assert s.name == "moby"
    with pytest.raises(FileNotFoundError):
        SPINNER_DICTIONARIES["mythes"](None)


@needs_shared
def test_shared_thesauri_parse() -> None:
    from training.thesauri import load_mythes, load_tortured_pairs, load_tortured_phrases

    mythes = load_mythes(SHARED)
    assert len(mythes) > 50_000 and "province" in mythes["state"]
    assert not any("(" in s for s in mythes["state"])            # pos tags and "(generic term)" stripped
    tortured = load_tortured_pairs(SHARED)
    assert "corrosive" in tortured["acid"]
    phrases = load_tortured_phrases(SHARED)
    assert "selection tree" in phrases["decision tree"]
    assert all(" " in k for k in phrases)


@needs_shared
@pytest.mark.parametrize("name", sorted(SPINNER_DICTIONARIES))
def test_every_spinner_reaches_its_rate(name: str) -> None:
    s = SPINNER_DICTIONARIES[name](SHARED)
    # the tortured list and the seed's swaps are small: real spinners are limited too
    rate = 0.03 if name.removesuffix(CONSISTENT_SUFFIX) in ("tortured", "seed", "seed_train") else 0.1
    r = s.spin(ARTICLE, rate, random.Random(7))
    assert abs(r.rate - rate) <= 0.3 * rate, r.rate
    assert undo(r.text, r.changes) == ARTICLE


@needs_shared
def test_private_dictionary_is_common_words_plus_novel_swaps() -> None:
    from wordfreq import zipf_frequency

    from training.thesauri import load_mythes

    s = SPINNER_DICTIONARIES["private"](SHARED)
    moby, mythes = load_moby(), load_mythes(SHARED)
    sample = sorted(s.thesaurus)[::200]
    assert len(s.thesaurus) > 3000
    for key in sample:
        assert zipf_frequency(key, "en") >= 3.5
        assert all(zipf_frequency(w, "en") >= 3.5 for syn in s.thesaurus[key] for w in syn.split())
    assert s.overrides or s.phrases
    assert set(s.phrases) & set(PRIVATE_SWAPS) <= set(SEED_HELD_OUT_SWAPS)   # never the half that trains
    for key, swaps in list(s.overrides.items()) + [(k, v) for k, v in s.phrases.items() if k in PRIVATE_SWAPS]:
        for swap in swaps:
            assert swap not in moby.get(key, []) and swap not in mythes.get(key, [])
    assert SPINNER_DICTIONARIES["private"](SHARED).thesaurus == s.thesaurus   # deterministic


def test_seed_spinner_makes_only_the_hand_written_swaps() -> None:
    s = SPINNER_DICTIONARIES["seed"](None)                  # no ../shared needed
    assert not s.thesaurus
    text = "The Prime Minister said the company would visit the state every day."
    r = s.spin(text, 0.5, random.Random(1))
    assert r.changes and undo(r.text, r.changes) == text
    for c in r.changes:
        assert c.replacement.lower() in SEED_HELD_OUT_SWAPS[c.original.lower()]
        assert c.replacement.lower() != c.original.lower()      # "news" -> "news" is not a swap


def test_seed_halves_split_the_hand_written_swaps_and_only_one_trains() -> None:
    assert SEED_HELD_OUT_SWAPS.keys() == {k for k in PRIVATE_SWAPS if seed_half(k) == 1}
    assert not SEED_TRAIN_SWAPS.keys() & SEED_HELD_OUT_SWAPS.keys()
    assert SEED_TRAIN_SWAPS.keys() <= PRIVATE_SWAPS.keys() | EXTRA_TRAIN_SWAPS.keys()
    held_forms = {s for v in SEED_HELD_OUT_SWAPS.values() for s in v}
    held_swaps = {s for k, v in SEED_HELD_OUT_SWAPS.items() for s in v if s != k}
    for key, forms in SEED_TRAIN_SWAPS.items():         # training never writes a held-out form ...
        assert not set(forms) & held_forms, key
        for form in forms:                              # ... nor one inside a longer form
            assert not any(f" {h} " in f" {form} " and f" {h} " not in f" {key} " for h in held_swaps), (key, form)
    # "prime" -> "key" is held out, so "prime minister" -> "key minister" does not train; near miss: "each"
    # -> "each and every" does, although "both" -> "each" is held out, because "each" is its own headword
    assert "key" in SEED_HELD_OUT_SWAPS["prime"] and "key minister" in PRIVATE_SWAPS["prime minister"]
    assert "key minister" not in SEED_TRAIN_SWAPS.get("prime minister", [])
    assert "each" in SEED_HELD_OUT_SWAPS["both"] and "each and every" in SEED_TRAIN_SWAPS["each"]
    assert min(len(SEED_TRAIN_SWAPS), len(SEED_HELD_OUT_SWAPS)) > 0.35 * len(PRIVATE_SWAPS)
    assert "seed_train" in TRAIN_DICTIONARIES
    assert not {"seed", "private"} & set(TRAIN_DICTIONARIES)
    # "said" trains, "state" is held out: the training half never swaps a held-out headword
    assert "said" in SEED_TRAIN_SWAPS and "state" in SEED_HELD_OUT_SWAPS
    text = "Officials said the state would visit the house while the prime minister stayed."
    r = SPINNER_DICTIONARIES["seed_train"](None).spin(text, 0.5, random.Random(3))
    assert r.changes
    assert all(c.original.lower() in SEED_TRAIN_SWAPS for c in r.changes)


def test_frequent_dictionary_keeps_close_common_synonyms():
    from training.spinner import build_frequent_dictionary

    moby = {"company": ["firm", "troupe", "get"], "firm": ["company"], "people": ["get", "individuals"],
            "individuals": ["people"]}
    mythes = {"company": ["firm", "caller"], "people": ["individuals"]}
    table = build_frequent_dictionary(moby, mythes)
    assert table["company"] == ["firm"]            # listed by both thesauri and by Moby both ways
    assert table["people"] == ["individuals"]


def test_frequent_dictionary_drops_loose_and_rare_synonyms():
    from training.spinner import build_frequent_dictionary

    moby = {"people": ["get"], "company": ["troupe", "aktiebolag"], "aktiebolag": ["company"]}
    mythes = {"company": ["aktiebolag"]}
    table = build_frequent_dictionary(moby, mythes)
    assert "people" not in table                   # one thesaurus, one direction: a loose pair
    assert "company" not in table                  # "aktiebolag" is close but far too rare to be spun in


def test_training_spinners_keep_synonyms_common_in_wordfreq() -> None:
    from training.train import with_common_synonyms

    s = Spinner({"purge": ["scammony", "cleanse"]}, name="x")
    assert with_common_synonyms({"x": s}, 2.5)["x"].synonyms("purge") == ["cleanse"]
    assert with_common_synonyms({"x": s}, 0.0)["x"] is s
