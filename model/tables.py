"""Reference statistics of normal English, in compact hashed form (no text but a list of common words).

- `unigram`: hashed word -> count in the reference corpus, and hashed word -> wordfreq Zipf value.
- `bigram`: hashed word pair -> count (clipped to 65535) in the reference corpus.
- `web`: hashed word pair -> Zipf value of the 286k commonest English bigrams of Google's web corpus
  (as distributed in the `wordsegment` package); a pair absent there is rarer than ~0.17 per million.
- `inverse thesaurus`: hashed spun form (one word or a two-word phrase) -> candidate original words,
  taken from several thesauri (Moby, WordNet/MyThes, tortured-phrase pairs). Originals are common
  words, kept as strings so that evidence can name the likely original.

Built by `training/tables.py` (`make tables`); lookups are vectorised with `np.searchsorted`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray, default: int = 0) -> np.ndarray:
    if len(keys) == 0 or len(query) == 0:
        return np.full(len(query), default, dtype=values.dtype if len(values) else np.int64)
    pos = np.searchsorted(keys, query)
    pos = np.minimum(pos, len(keys) - 1)
    hit = keys[pos] == query
    out = np.where(hit, values[pos], default)
    return out


@dataclass
class ReferenceTables:
    """Hashed reference counts; see module doc. Learned from data, so attributes end in `_`."""

    uni_keys_: np.ndarray       # uint32 sorted word hashes
    uni_counts_: np.ndarray     # uint32 counts in the reference corpus
    zipf_keys_: np.ndarray      # uint32 sorted word hashes
    zipf_vals_: np.ndarray      # uint8 Zipf x 10 (wordfreq)
    bi_keys_: np.ndarray        # uint32 sorted pair keys
    bi_counts_: np.ndarray      # uint16 clipped counts
    web_keys_: np.ndarray       # uint32 sorted pair keys of common web bigrams (Google, via wordsegment)
    web_vals_: np.ndarray       # uint8 bigram Zipf x 10 (log10 per billion words)
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

    def unigram(self, hashes: np.ndarray) -> np.ndarray:
        return _lookup(self.uni_keys_, self.uni_counts_, hashes).astype(np.float64)

    def zipf(self, hashes: np.ndarray) -> np.ndarray:
        return _lookup(self.zipf_keys_, self.zipf_vals_, hashes).astype(np.float64) / 10.0

    def bigram(self, keys: np.ndarray) -> np.ndarray:
        return _lookup(self.bi_keys_, self.bi_counts_, keys).astype(np.float64)

    def web_zipf(self, keys: np.ndarray) -> np.ndarray:
        return _lookup(self.web_keys_, self.web_vals_, keys).astype(np.float64) / 10.0

    def support(self, keys: np.ndarray) -> np.ndarray:
        """How established a word pair is, as a Zipf-like value (log10 per billion words; 0 = never seen):
        the larger of the web bigram list and the reference corpus."""
        web = self.web_zipf(keys)
        c = self.bigram(keys)
        corpus = np.where(c > 0, np.log10(np.maximum(c, 1.0) * 1e9 / max(self.total_tokens_, 1)), 0.0)
        return np.maximum(web, corpus)

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
