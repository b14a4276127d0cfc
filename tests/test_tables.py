"""Tokenisation and reference-table lookups give exactly what the plain per-match loop and the sorted
binary search gave (the fast paths of model/tokens.py and model/tables.py), and the derived hash index
never reaches a pickle."""
from __future__ import annotations

import pickle
import random
import zlib

import numpy as np
import pytest

from model.tables import ReferenceTables
from model.tokens import NUM, TOKEN, pair_keys, tokenize


def reference_tokenize(text: str, small_numbers: bool = False) -> tuple:
    """The original one-match-at-a-time tokeniser: the specification `tokenize` must reproduce."""
    words, starts, ends, hashes, joined, capital = [], [], [], [], [], []
    prev_end = -1
    for m in TOKEN.finditer(text):
        s, e = m.span()
        w = m.group()
        if w[0].isdigit():
            lw = w if small_numbers and w in "123456789" and len(w) == 1 else NUM
            capital.append(False)
        else:
            capital.append(w[0].isupper())
            lw = w.lower().replace("’", "'")
        words.append(lw)
        hashes.append(zlib.crc32(lw.encode("utf-8", "surrogatepass")))
        starts.append(s)
        ends.append(e)
        joined.append(prev_end >= 0 and s == prev_end + 1 and text[prev_end] == " ")
        prev_end = e
    return (words, np.asarray(starts, np.int32), np.asarray(ends, np.int32), np.asarray(hashes, np.uint32),
            np.asarray(joined, bool), np.asarray(capital, bool))


def assert_same_tokens(text: str, small_numbers: bool = False) -> None:
    tok = tokenize(text, small_numbers=small_numbers)
    ref = reference_tokenize(text, small_numbers)
    assert tok.words == ref[0]
    for got, want in zip((tok.starts, tok.ends, tok.hashes, tok.joined, tok.capital), ref[1:]):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(got, want)


TRICKY = [
    "", " ", "a", "A", "7", "x y", "x  y", "x\ty", "x\ny", "x\u00a0y", "It’s Don't rock’n’roll o’ ’tis x’ ’y",
    "3,000 1.5.6 12,345.67 007 3, 000 x3 3x", "well-known co-op -x x- a-b'c a'b-c a--b", "٣٤ ５６ ²³ ½ x٣",
    "İstanbul ǅemal ﬁne Ⅻ naïve ΣΑΣ straße", "caf\udce9 na\udcefve \ud800word w\udfffx", "a\x00b \x00\x00 w\x00w",
    "A" * 5000 + " b", "\n".join(["Title Line", "second  line", " third"]),
]


@pytest.mark.parametrize("small_numbers", [False, True])
@pytest.mark.parametrize("text", TRICKY)
def test_tokenize_matches_reference_on_tricky_text(text: str, small_numbers: bool) -> None:
    assert_same_tokens(text, small_numbers)


@pytest.mark.parametrize("small_numbers", [False, True])
def test_tokenize_matches_reference_on_random_text(small_numbers: bool) -> None:
    rng = random.Random(11)
    alphabet = list("aZq'’-., 019\n\t") + ["\u00a0", "é", "Ω", "٣", "\x00", "\udce9", "  "]
    for _ in range(300):
        assert_same_tokens("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 200))), small_numbers)


def test_a_small_number_keeps_its_digit_when_asked() -> None:
    text = "1 of the 25 rose 1.5% to 1,000 by day 9, not 0"
    assert tokenize(text, small_numbers=True).words == ["1", "of", "the", NUM, "rose", NUM, "to", NUM, "by", "day",
                                                        "9", "not", NUM]
    # near miss: by default (and in every table built before the option) each number is one token
    assert tokenize(text).words == [NUM, "of", "the", NUM, "rose", NUM, "to", NUM, "by", "day", NUM, "not", NUM]


def test_pair_keys_match_64_bit_reference() -> None:
    rng = np.random.default_rng(5)
    for dtype in (np.uint32, np.int64, np.uint64):
        info = np.iinfo(dtype)
        left = rng.integers(info.min, info.max, 1000, dtype=dtype, endpoint=True)
        right = rng.integers(info.min, info.max, 1000, dtype=dtype, endpoint=True)
        a, b = left.astype(np.uint64), right.astype(np.uint64)
        mask = np.uint64(0xFFFFFFFF)
        want = (((a * np.uint64(0x9E3779B1)) & mask)
                ^ ((b * np.uint64(0x85EBCA6B) + np.uint64(0xC2B2AE35)) & mask)).astype(np.uint32)
        got = pair_keys(left, right)
        assert got.dtype == np.uint32 and np.array_equal(got, want)


def reference_lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """The original sorted binary search."""
    out = np.zeros(len(query), dtype=values.dtype)
    if len(keys) == 0 or len(query) == 0:
        return out
    order = np.argsort(query, kind="stable")
    q = query[order]
    pos = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
    out[order] = np.where(keys[pos] == q, values[pos], 0)
    return out


def reference_candidates(keys: np.ndarray, ptr: np.ndarray, orig: np.ndarray, spun: np.ndarray):
    if len(keys) == 0 or len(spun) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pos = np.minimum(np.searchsorted(keys, spun), len(keys) - 1)
    q = np.nonzero(keys[pos] == spun)[0]
    qi = [np.full(ptr[p + 1] - ptr[p], i) for i, p in zip(q, pos[q])]
    oi = [orig[ptr[p]:ptr[p + 1]] for p in pos[q]]
    cat = lambda parts: np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)  # noqa: E731
    return cat(qi), cat(oi)


def make_tables(keys: np.ndarray, rng: np.random.Generator) -> ReferenceTables:
    """Small tables whose four key arrays are all `keys`."""
    n = len(keys)
    vals = rng.integers(1, 255, n, dtype=np.uint8)
    lens = rng.integers(0, 4, n)
    ptr = np.r_[0, np.cumsum(lens)].astype(np.int32)
    orig = rng.integers(0, 50, int(ptr[-1]), dtype=np.int32)
    return ReferenceTables(
        zipf_keys_=keys, zipf_vals_=vals, pair_keys_=keys.copy(), pair_support_=vals[::-1].copy(),
        inv_keys_=keys.copy(), inv_ptr_=ptr, inv_orig_=orig, orig_words_=[f"w{i}" for i in range(50)],
        orig_hashes_=np.arange(50, dtype=np.uint32), inv_phrase_keys_=keys.copy(), inv_phrase_ptr_=ptr.copy(),
        inv_phrase_orig_=orig.copy(), total_tokens_=1, description_={},
        tri_keys_=keys.copy(), tri_support_=vals[::2].repeat(2)[:n].copy())


def queries_for(keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    edge = np.array([0, 1, 2, 2**31, 2**32 - 2, 2**32 - 1], dtype=np.uint32)
    rand = rng.integers(0, 2**32, 3000, dtype=np.uint64).astype(np.uint32)
    q = np.concatenate([keys, keys + np.uint32(1), keys - np.uint32(1), edge, rand, keys[::-1]])
    return q[rng.permutation(len(q))]


def check_tables(t: ReferenceTables, query: np.ndarray) -> None:
    for got, want in ((t.zipf(query), reference_lookup(t.zipf_keys_, t.zipf_vals_, query) / 10.0),
                      (t.support(query), reference_lookup(t.pair_keys_, t.pair_support_, query) / 10.0),
                      (t.triple_support(query), reference_lookup(t.tri_keys_, t.tri_support_, query) / 10.0)):
        assert got.dtype == np.float64 and np.array_equal(got, want)
    for phrase in (False, True):
        keys = t.inv_phrase_keys_ if phrase else t.inv_keys_
        ptr = t.inv_phrase_ptr_ if phrase else t.inv_ptr_
        orig = t.inv_phrase_orig_ if phrase else t.inv_orig_
        got = t.candidates(query, phrase=phrase)
        want = reference_candidates(keys, ptr, orig, query)
        assert all(g.dtype == np.int64 and np.array_equal(g, w) for g, w in zip(got, want))


@pytest.mark.parametrize("case", ["random", "dense_from_zero", "with_zero_and_max", "clustered", "one", "empty"])
def test_lookups_match_binary_search(case: str) -> None:
    rng = np.random.default_rng(zlib.crc32(case.encode()))
    if case == "random":
        keys = np.unique(rng.integers(0, 2**32, 20000, dtype=np.uint64).astype(np.uint32))
    elif case == "dense_from_zero":          # not hash-like (all in one slot): the binary search is kept
        keys = np.arange(5000, dtype=np.uint32)
    elif case == "with_zero_and_max":        # 0..9 are keys: empty slots are marked with 10
        keys = np.unique(np.r_[np.arange(10), 2**32 - 1, rng.integers(0, 2**32, 3000, dtype=np.uint64)]
                         .astype(np.uint32))
    elif case == "clustered":                # long probe runs: runs of 20 keys share a home slot
        bases = rng.integers(0, 2**32 - 20, 30, dtype=np.uint64)
        keys = np.unique(np.r_[(bases[:, None] + np.arange(20, dtype=np.uint64)).ravel(),
                               rng.integers(0, 2**32, 2000, dtype=np.uint64)].astype(np.uint32))
    elif case == "one":
        keys = np.array([12345], dtype=np.uint32)
    else:
        keys = np.zeros(0, dtype=np.uint32)
    t = make_tables(keys, rng)
    check_tables(t, queries_for(keys, rng) if len(keys) else np.array([0, 5, 2**32 - 1], dtype=np.uint32))
    check_tables(t, np.zeros(0, dtype=np.uint32))
    hashed = all(entry[2] is not None for entry in t._index_cache.values())
    assert hashed == (case != "dense_from_zero")     # which path answered: the hash index or the search


def test_duplicate_unsorted_and_wide_inputs_keep_binary_search_answers() -> None:
    rng = np.random.default_rng(3)
    base = np.unique(rng.integers(0, 2**32, 2000, dtype=np.uint64).astype(np.uint32))
    dup = make_tables(np.sort(np.r_[base, base[::7]]), rng)          # duplicates: the leftmost wins
    check_tables(dup, queries_for(base, rng))
    messy = make_tables(base[rng.permutation(len(base))], rng)      # unsorted: falls back to the search
    check_tables(messy, queries_for(base, rng))
    t = make_tables(base, rng)
    wide = np.r_[base.astype(np.int64), -1, 2**32 + int(base[0]), 2**40]   # non-uint32 queries
    assert np.array_equal(t.support(wide), reference_lookup(t.pair_keys_, t.pair_support_, wide) / 10.0)
    assert all(np.array_equal(g, w) for g, w in zip(t.candidates(wide),
                                                       reference_candidates(t.inv_keys_, t.inv_ptr_, t.inv_orig_, wide)))


def test_index_is_not_pickled_and_follows_replaced_fields() -> None:
    rng = np.random.default_rng(9)
    keys = np.unique(rng.integers(0, 2**32, 1000, dtype=np.uint64).astype(np.uint32))
    t = make_tables(keys, rng)
    before = pickle.dumps(t, protocol=5)
    check_tables(t, queries_for(keys, rng))
    assert pickle.dumps(t, protocol=5) == before
    check_tables(pickle.loads(before), queries_for(keys, rng))
    t.zipf_vals_ = t.zipf_vals_[::-1].copy()                        # a replaced array gets a new index
    t.pair_keys_ = np.unique(rng.integers(0, 2**32, 500, dtype=np.uint64).astype(np.uint32))
    t.pair_support_ = rng.integers(1, 255, len(t.pair_keys_), dtype=np.uint8)
    check_tables(t, np.r_[queries_for(keys, rng), t.pair_keys_])


def test_big_key_arrays_pickle_at_two_bytes_a_key_and_load_exactly() -> None:
    rng = np.random.default_rng(11)
    keys = np.unique(rng.integers(0, 2**32, 300_000, dtype=np.uint64).astype(np.uint32))
    t = make_tables(keys, rng)
    state = t.__getstate__()
    assert state["pair_keys_"][0] == "split16" and state["tri_keys_"][0] == "split16"
    assert state["pair_keys_"][2].dtype == np.uint16 and state["zipf_keys_"] is t.zipf_keys_   # the others as they are
    data = pickle.dumps(t, protocol=5)
    raw = pickle.dumps({k: v for k, v in t.__dict__.items() if k != "_index_cache"}, protocol=5)
    # 2 bytes saved a key in each of the two arrays, less their 65,536 high-bit counts (4 bytes each)
    assert len(raw) - len(data) > 2 * (2 * len(keys) - 4 * 65536) - 1000
    back = pickle.loads(data)
    for name in ("pair_keys_", "tri_keys_"):
        assert getattr(back, name).dtype == np.uint32 and np.array_equal(getattr(back, name), keys)
    check_tables(back, queries_for(keys, rng))


def test_unsorted_key_arrays_pickle_as_they_are() -> None:
    rng = np.random.default_rng(12)
    keys = np.unique(rng.integers(0, 2**32, 5000, dtype=np.uint64).astype(np.uint32))
    t = make_tables(keys[rng.permutation(len(keys))], rng)
    assert isinstance(t.__getstate__()["pair_keys_"], np.ndarray)
    back = pickle.loads(pickle.dumps(t))
    assert np.array_equal(back.pair_keys_, t.pair_keys_) and np.array_equal(back.tri_keys_, t.tri_keys_)


def test_tables_pickled_before_triples_existed_load_with_none() -> None:
    rng = np.random.default_rng(13)
    t = make_tables(np.unique(rng.integers(0, 2**32, 100, dtype=np.uint64).astype(np.uint32)), rng)
    state = {k: v for k, v in t.__dict__.items() if k not in ("tri_keys_", "tri_support_", "_index_cache")}
    old = ReferenceTables.__new__(ReferenceTables)
    old.__setstate__(state)
    assert len(old.tri_keys_) == 0 and np.array_equal(old.triple_support(t.pair_keys_), np.zeros(len(t.pair_keys_)))


def test_triples_are_counted_only_over_single_spaces() -> None:
    from model.tokens import triple_keys
    from training.tables import count_texts, merge_counts

    def key(*words: str) -> int:
        h = tokenize(" ".join(words)).hashes
        return int(triple_keys(h[:1], h[1:2], h[2:3])[0])

    counts = count_texts(["The real problem, they said, is the real problem.", "real  problem here"])
    got = dict(zip(counts.tri_keys.tolist(), counts.tri_counts.tolist()))
    assert got == {key("the", "real", "problem"): 2, key("is", "the", "real"): 1}   # not over "," or two spaces
    merged = merge_counts([counts, count_texts(["the real problem"])])
    assert dict(zip(merged.tri_keys.tolist(), merged.tri_counts.tolist()))[key("the", "real", "problem")] == 3


def test_inverse_thesaurus_gets_inflected_forms_when_both_are_words() -> None:
    from training.tables import _add_inflected

    zipf = {"points": 4.5, "levels": 4.6, "demands": 4.2, "requires": 4.4, "cities": 4.9, "towns": 4.5}
    inv = {"point": {"level"}, "demand": {"require"}, "town": {"city"}}
    _add_inflected(inv, zipf)
    assert inv["points"] == {"levels"} and inv["demands"] == {"requires"} and inv["towns"] == {"cities"}


def test_inverse_thesaurus_skips_inflections_that_are_not_common_words() -> None:
    from training.tables import MIN_ORIGINAL_ZIPF, _add_inflected

    zipf = {"points": 4.5, "levels": MIN_ORIGINAL_ZIPF - 0.5}     # near miss: the original's plural is rare
    inv = {"point": {"level"}, "tied": {"level"}, "prime minister": {"premier"}}
    _add_inflected(inv, zipf)
    assert "points" not in inv          # no common original left for it
    assert "tieds" not in inv           # not a word
    assert set(inv) == {"point", "tied", "prime minister"}


# a thesaurus that lists function words as synonyms, as Moby does ("to": "on", "onto")
FUNCTION_WORD_THESAURUS = {"fixture": {"to": ["on", "onto"], "while": ["when"], "big": ["large"]}}


def originals_of(lexical, word: str) -> list[str]:  # noqa: ANN001 (training.tables.Lexical)
    from model.tokens import word_hash

    return [lexical.orig_words[i] for i in lexical.inv.get(word_hash(word), [])]


def test_function_words_are_spun_forms_when_asked_and_the_tables_say_so() -> None:
    from training.tables import build_lexical, function_word_forms_of, tables_from_texts

    lexical = build_lexical(FUNCTION_WORD_THESAURUS, function_word_forms=True)
    assert originals_of(lexical, "on") == ["to"] and originals_of(lexical, "when") == ["while"]
    assert originals_of(lexical, "large") == ["big"]
    assert function_word_forms_of(tables_from_texts(["We drove on the road while it rained."], lexical))


def test_by_default_only_words_that_are_not_function_words_get_originals() -> None:
    from training.tables import FUNCTION_WORD_FORMS, build_lexical, function_word_forms_of, tables_from_texts

    assert not FUNCTION_WORD_FORMS
    lexical = build_lexical(FUNCTION_WORD_THESAURUS)
    assert originals_of(lexical, "on") == [] and originals_of(lexical, "when") == []
    assert originals_of(lexical, "onto") == ["to"] and originals_of(lexical, "large") == ["big"]   # near miss
    tables = tables_from_texts(["We drove on the road while it rained."], lexical)
    assert not function_word_forms_of(tables)
    tables.description_.pop("function_word_forms")      # tables built before the option: without them
    assert not function_word_forms_of(tables)


def test_small_numbers_are_counted_as_words_with_their_number_word_as_original_when_asked() -> None:
    from model.tables import small_numbers_of
    from training.tables import build_lexical, tables_from_texts

    lexical = build_lexical(FUNCTION_WORD_THESAURUS, small_numbers=True)
    assert originals_of(lexical, "1") == ["one"] and originals_of(lexical, "9") == ["nine"]
    assert originals_of(lexical, "large") == ["big"]
    tables = tables_from_texts(["She bought 3 cups and one of the plates."] * 3, lexical)
    assert small_numbers_of(tables)
    three_cups, num_cups = (pair_keys(np.array([zlib.crc32(w.encode())], np.uint32),
                                      np.array([zlib.crc32(b"cups")], np.uint32)) for w in ("3", NUM))
    assert tables.support(three_cups)[0] > 0 and tables.support(num_cups)[0] == 0


def test_by_default_numbers_are_one_token_without_originals() -> None:  # near miss
    from model.tables import small_numbers_of
    from training.tables import SMALL_NUMBERS, build_lexical, tables_from_texts

    assert not SMALL_NUMBERS
    lexical = build_lexical(FUNCTION_WORD_THESAURUS)
    assert originals_of(lexical, "1") == [] and originals_of(lexical, "large") == ["big"]
    tables = tables_from_texts(["She bought 3 cups and one of the plates."] * 3, lexical)
    assert not small_numbers_of(tables)
    three_cups, num_cups = (pair_keys(np.array([zlib.crc32(w.encode())], np.uint32),
                                      np.array([zlib.crc32(b"cups")], np.uint32)) for w in ("3", NUM))
    assert tables.support(three_cups)[0] == 0 and tables.support(num_cups)[0] > 0
    tables.description_.pop("small_numbers")      # tables built before the option: every number one token
    assert not small_numbers_of(tables) and not small_numbers_of(None)


def test_held_out_tables_are_built_the_way_the_models_own_were(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    import training.frozen as F

    monkeypatch.setattr(F, "held_out_tables", lambda shared, forms, small_numbers: (forms, small_numbers))
    for description, expected in (({"function_word_forms": True, "small_numbers": False}, (True, False)),
                                  ({"function_word_forms": False, "small_numbers": True}, (False, True)),
                                  ({}, (False, False))):       # tables from before either option: without them
        det = SimpleNamespace(bundle={"tables": SimpleNamespace(description_=description)})
        assert F.held_out_tables_for("shared", det) == expected


def test_an_index_built_in_chunks_is_the_one_built_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import model.tables as MT

    rng = np.random.default_rng(14)
    bases = rng.integers(0, 2**32 - 20, 30, dtype=np.uint64)       # clustered: runs cross chunk borders
    keys = np.unique(np.r_[(bases[:, None] + np.arange(20, dtype=np.uint64)).ravel(),
                           rng.integers(0, 2**32, 2000, dtype=np.uint64)].astype(np.uint32))
    whole = MT._KeyIndex(keys, np.arange(len(keys), dtype=np.int32), -1)
    monkeypatch.setattr(MT, "_BUILD_CHUNK", 7)
    chunked = MT._KeyIndex(keys, np.arange(len(keys), dtype=np.int32), -1)
    assert chunked.longest_run == whole.longest_run > 1
    assert np.array_equal(chunked.keys, whole.keys) and np.array_equal(chunked.vals, whole.vals)
    query = queries_for(keys, rng)
    assert np.array_equal(chunked.get(query), whole.get(query))


def test_build_indexes_readies_every_lookup_with_the_same_answers() -> None:
    rng = np.random.default_rng(15)
    keys = np.unique(rng.integers(0, 2**32, 3000, dtype=np.uint64).astype(np.uint32))
    t = make_tables(keys, rng)
    assert not getattr(t, "_index_cache", {})
    t.build_indexes()
    assert {"zipf", "support", "triples", "inv", "phrase"} <= set(t._index_cache)
    assert all(entry[2] is not None for name, entry in t._index_cache.items() if name != "vectors32")
    check_tables(t, queries_for(keys, rng))
