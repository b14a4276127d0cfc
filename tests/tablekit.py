"""Small hand-made `ReferenceTables` for the tests of the swap model's features: the words, pairs,
triples, thesaurus entries and vectors a test names, and nothing else."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from model.tables import ReferenceTables
from model.tokens import pair_keys, triple_keys, word_hash


def hashes(words: Iterable[str]) -> np.ndarray:
    return np.array([word_hash(w) for w in words], dtype=np.uint32)


def _sorted(keys: np.ndarray, values: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """Keys in order and their values as the tables store them (x 10 in a byte)."""
    order = np.argsort(keys)
    return keys[order], np.array([round(v * 10) for v in values], np.uint8)[order]


def small_tables(inverse: dict[str, list[str]], *, zipf: dict[str, float] | None = None,
                 pairs: dict[tuple[str, str], float] | None = None,
                 triples: dict[tuple[str, str, str], float] | None = None,
                 vectors: dict[str, tuple[float, ...]] | None = None, total_tokens: int = 1) -> ReferenceTables:
    """Tables with `inverse` as the one-word inverse thesaurus (spun word -> its candidate originals),
    Zipf values, pair and triple supports as given (the tables' units), and unit word vectors."""
    zipf, pairs, triples = zipf or {}, pairs or {}, triples or {}
    originals = sorted({o for origs in inverse.values() for o in origs})
    ik = hashes(inverse)
    io = np.argsort(ik)
    lists = [[originals.index(o) for o in inverse[w]] for w in inverse]
    zk, zv = _sorted(hashes(zipf), zipf.values())
    pk, pv = _sorted(pair_keys(hashes(a for a, _ in pairs), hashes(b for _, b in pairs)), pairs.values())
    tk, tv = _sorted(triple_keys(*(hashes(t[k] for t in triples) for k in range(3))), triples.values())
    extra = {}
    if vectors:
        vk = hashes(vectors)
        vo = np.argsort(vk)
        v = np.array(list(vectors.values()), dtype=np.float64)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        extra = {"vec_keys_": vk[vo], "vec_": v[vo].astype(np.float16)}
    return ReferenceTables(
        zipf_keys_=zk, zipf_vals_=zv, pair_keys_=pk, pair_support_=pv,
        inv_keys_=ik[io], inv_ptr_=np.cumsum([0] + [len(lists[i]) for i in io]).astype(np.int32),
        inv_orig_=np.array([i for k in io for i in lists[k]], np.int32),
        orig_words_=originals, orig_hashes_=hashes(originals),
        inv_phrase_keys_=np.zeros(0, np.uint32), inv_phrase_ptr_=np.zeros(1, np.int32),
        inv_phrase_orig_=np.zeros(0, np.int32), total_tokens_=total_tokens, description_={},
        tri_keys_=tk, tri_support_=tv, **extra)
