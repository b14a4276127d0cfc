"""Reference statistics of normal English, in compact hashed form (no text but a list of common words).

- `zipf`: hashed word -> wordfreq Zipf value (log10 per billion words).
- `support`: hashed word pair -> how established the pair is, as a Zipf-like value: the larger of its
  frequency among the 286k commonest bigrams of Google's web corpus (as distributed in the
  `wordsegment` package; a pair absent there is rarer than ~0.17 per million) and its frequency in the
  reference corpus (ham main texts and BBC articles). 0 = never seen.
- `inverse thesaurus`: hashed spun form (one word or a two-word phrase) -> candidate original words,
  taken from several thesauri (Moby, WordNet/MyThes, tortured-phrase pairs). Originals are common
  words, kept as strings so that evidence can name the likely original.

Built by `training/tables.py` (during `make train`); lookups are vectorised with `np.searchsorted` on
sorted queries (4x faster than unsorted ones on 1.5M keys).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    out = np.zeros(len(query), dtype=values.dtype)
    if len(keys) == 0 or len(query) == 0:
        return out
    order = np.argsort(query, kind="stable")
    q = query[order]
    pos = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
    out[order] = np.where(keys[pos] == q, values[pos], 0)
    return out


@dataclass
class ReferenceTables:
    """Hashed reference statistics; see module doc. Learned from data, so attributes end in `_`."""

    zipf_keys_: np.ndarray      # uint32 sorted word hashes
    zipf_vals_: np.ndarray      # uint8 Zipf x 10 (wordfreq)
    pair_keys_: np.ndarray      # uint32 sorted pair keys
    pair_support_: np.ndarray   # uint8 support x 10
    inv_keys_: np.ndarray       # uint32 sorted hashes of spun forms (unique)
    inv_ptr_: np.ndarray        # int32 offsets into inv_orig_, len = len(inv_keys_) + 1
    inv_orig_: np.ndarray       # int32 indices into orig_words_
    orig_words_: list[str]      # candidate originals (common English words)
    orig_hashes_: np.ndarray    # uint32 hashes of orig_words_
    inv_phrase_keys_: np.ndarray  # uint32 sorted pair keys of two-word spun forms (unique)
    inv_phrase_ptr_: np.ndarray
    inv_phrase_orig_: np.ndarray
    total_tokens_: int
    description_: dict

    def zipf(self, hashes: np.ndarray) -> np.ndarray:
        return _lookup(self.zipf_keys_, self.zipf_vals_, hashes).astype(np.float64) / 10.0

    def support(self, keys: np.ndarray) -> np.ndarray:
        """How established each word pair is (see module doc); 0 = never seen."""
        return _lookup(self.pair_keys_, self.pair_support_, keys).astype(np.float64) / 10.0

    def candidates(self, spun_keys: np.ndarray, phrase: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(query index, original index) for every candidate original of each query key."""
        keys = self.inv_phrase_keys_ if phrase else self.inv_keys_
        ptr = self.inv_phrase_ptr_ if phrase else self.inv_ptr_
        orig = self.inv_phrase_orig_ if phrase else self.inv_orig_
        if len(keys) == 0 or len(spun_keys) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        pos = np.minimum(np.searchsorted(keys, spun_keys), len(keys) - 1)
        hit = keys[pos] == spun_keys
        q = np.nonzero(hit)[0]
        if len(q) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        lo = ptr[pos[q]].astype(np.int64)
        hi = ptr[pos[q] + 1].astype(np.int64)
        lens = hi - lo
        qi = np.repeat(q, lens)
        offs = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
        oi = orig[np.repeat(lo, lens) + offs].astype(np.int64)
        return qi, oi

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, k).nbytes for k in self.__dataclass_fields__
                   if isinstance(getattr(self, k), np.ndarray))
