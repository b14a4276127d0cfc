"""Reference statistics of normal English, in compact hashed form (no text but a list of common words).

- `zipf`: hashed word -> wordfreq Zipf value (log10 per billion words).
- `support`: hashed word pair -> how established the pair is, as a Zipf-like value: the larger of its
  frequency among the 286k commonest bigrams of Google's web corpus (as distributed in the
  `wordsegment` package; a pair absent there is rarer than ~0.17 per million) and its frequency in the
  reference corpus (ham main texts and BBC articles). 0 = never seen.
- `inverse thesaurus`: hashed spun form (one word or a two-word phrase) -> candidate original words,
  taken from several thesauri (Moby, WordNet/MyThes, tortured-phrase pairs). Originals are common
  words, kept as strings so that evidence can name the likely original.
- `triples`: hashed word triple -> its frequency in the reference corpus, as a Zipf-like value (no web
  list: the corpus alone). 0 = never seen. A spinner's swap can leave both of its word pairs common
  ("the genuine problem") while the triple with the original is attested and the written one not.
- `vectors`: hashed word -> unit word vector (float16) from the reference corpus's co-occurrences
  (PPMI + truncated SVD, see `training/tables.py`), for the topical fit of a word in its text
  (`model/coherence.py`). Empty in tables built without them.

Built by `training/tables.py` (during `make train`) as sorted key arrays. Lookups go through a hash
index derived from those arrays at first use (`_KeyIndex`; 0.27 s and 57 MB for the bundled tables):
one or two probes per query instead of a binary search over 1.6M keys, whose cache misses dominated
(3-4x faster per page, same answers). The index is never pickled: the artifact holds only the fields,
and the two big sorted key arrays (pairs, triples) as their low 16 bits and a count per high 16 bits
(`_split16`): 2 bytes a key instead of 4, decoded exactly at load.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

_INDEX_LOAD = 3.0           # hash slots per key: short probes (~1.2 a query) for ~30 MB in all
_BUILD_CHUNK = 1 << 20      # keys placed at a time when an index is built (bounds its temporary memory)
_TRIPLE_INDEX_LOAD = 1.5    # the triples' index: 3.2M keys, asked about only by the tokens the swap model sees;
                            # 24 MB instead of 48 at 3.0, 3.9 ms of triple look-ups on the bench text against 2.2
                            # (and 16.6 by binary search). Peak RSS of a process that loaded the model and scored
                            # a page: 274 MB, against 233 MB without triples
_MAX_RUN = 64               # keys this far from their home slot are not hash-like: keep the binary search
_CACHE = "_index_cache"     # instance attribute holding the derived indexes (not a dataclass field)
_DERIVED = "_derived_cache"  # ... and arrays computed from the fields once (`_derived`): float32 vectors, the
                             # candidate originals' look-ups
_SPLIT_FIELDS = ("pair_keys_", "tri_keys_")   # sorted uint32 keys pickled as `_split16`
_SPLIT_TAG = "split16"


def _split16(keys: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    """Sorted uint32 keys as (tag, how many keys have each value of the high 16 bits, low 16 bits)."""
    high = np.bincount((keys >> np.uint32(16)).astype(np.int64), minlength=1 << 16).astype(np.uint32)
    return _SPLIT_TAG, high, (keys & np.uint32(0xFFFF)).astype(np.uint16)


def _join16(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """The sorted uint32 keys `_split16` encoded."""
    keys = np.repeat(np.arange(1 << 16, dtype=np.uint32), high.astype(np.int64))
    keys <<= np.uint32(16)                  # in place: the 3.2M triples are decoded at every load
    keys |= low
    return keys


def _search(keys: np.ndarray, query: np.ndarray, presort: bool) -> np.ndarray:
    """Position of each query in sorted `keys` (leftmost match), -1 when absent: the plain binary
    search, kept for tables a hash index does not apply to (keys not sorted uint32, queries not
    uint32). `presort` searches the queries in sorted order (4x faster on 1.5M keys), as `zipf` and
    `support` always did; `candidates` did not (the same answers whenever the keys are sorted)."""
    pos = np.full(len(query), -1, dtype=np.int64)
    if len(keys) == 0 or len(query) == 0:
        return pos
    order = np.argsort(query, kind="stable") if presort else slice(None)
    q = query[order]
    at = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
    pos[order] = np.where(keys[at] == q, at, -1)
    return pos


class _KeyIndex:
    """Open-addressing hash map from sorted uint32 keys to a payload (a value or a position).

    A key's home slot is `key * n_slots >> 32`: the keys are hashes, so their high bits are uniform,
    and the map is monotone, so the sorted keys are placed by linear probing in one vectorised pass
    and the table stays in key order. A probe walks right from the home slot and stops at the key, at
    an empty slot or at a larger key; the table ends with an empty slot, so every probe stops inside it.
    With duplicate keys the first one wins, as with a leftmost binary search.
    """

    def __init__(self, keys: np.ndarray, payload: np.ndarray, fill: Any, load: float = _INDEX_LOAD) -> None:
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        if not first.all():
            keys, payload = keys[first], payload[first]
        n = len(keys)
        self.n_slots = max(1, int(load * n))
        slot, self.longest_run = self._place(keys)         # the longest run bounds every probe, hit or miss
        size = max(self.n_slots, int(slot[-1]) + 1 if n else 0) + 1
        self.empty = self._absent(keys)
        self.fill = fill
        self.keys = np.full(size, self.empty, dtype=np.uint32)
        self.vals = np.full(size, fill, dtype=payload.dtype)
        self.keys[slot] = keys
        self.vals[slot] = payload

    def _place(self, keys: np.ndarray) -> tuple[np.ndarray, int]:
        """Slot of each sorted key, max(home, previous slot + 1) = max over j <= i of (home_j - j) + i, and
        the longest distance from home. Computed _BUILD_CHUNK keys at a time with the running maximum
        carried over, so that only one chunk's int64 temporaries exist at once (the triples' 3.2M keys
        would need ~100 MB of them in one pass)."""
        n = len(keys)
        slot = np.empty(n, np.int32 if self.n_slots + n < 2**31 else np.int64)
        running, longest = -(2**62), 0
        for lo in range(0, n, _BUILD_CHUNK):
            home = self._home(keys[lo:lo + _BUILD_CHUNK])
            rank = np.arange(lo, lo + len(home))
            top = np.maximum.accumulate(home - rank)
            np.maximum(top, running, out=top)
            running = int(top[-1])
            top += rank
            slot[lo:lo + len(home)] = top
            longest = max(longest, int((top - home).max()))
        return slot, longest

    @staticmethod
    def _absent(keys: np.ndarray) -> np.uint32:
        """The smallest uint32 that is not a key (marks empty slots); `keys` sorted and unique."""
        if len(keys) == 0 or keys[0] != 0:
            return np.uint32(0)
        gap = np.flatnonzero(np.diff(keys) != 1)
        return np.uint32(keys[gap[0]] + 1 if len(gap) else keys[-1] + 1)

    def _home(self, keys: np.ndarray) -> np.ndarray:
        """Home slot of each uint32 key (int64 products: below 2**63 for any table under 2**31 slots)."""
        return (keys.astype(np.int64) * self.n_slots) >> 32

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.vals.nbytes

    def get(self, query: np.ndarray) -> np.ndarray:
        """Payload of each uint32 query key, `fill` where it is absent."""
        slot = self._home(query)
        k = self.keys[slot]
        out = self.vals[slot]
        out[k != query] = self.fill                     # empty slots hold `fill` already
        todo = np.flatnonzero((k < query) & (k != self.empty))
        while len(todo):                                # ~20% of queries need a second probe
            slot[todo] += 1
            s = slot[todo]
            k = self.keys[s]
            q = query[todo]
            hit = k == q
            out[todo[hit]] = self.vals[s[hit]]
            todo = todo[(k < q) & (k != self.empty)]
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
    vec_keys_: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))   # uint32 sorted word hashes
    vec_: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float16))  # unit vectors, row per key
    tri_keys_: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))   # uint32 sorted triple keys
    tri_support_: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))  # uint8 Zipf-like x 10

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the fields only: the derived indexes are rebuilt at first use, so artifacts keep
        their layout and bytes."""
        state = dict(self.__dict__)
        state.pop(_CACHE, None)
        state.pop(_DERIVED, None)
        for name in _SPLIT_FIELDS:
            keys = state.get(name)
            if isinstance(keys, np.ndarray) and keys.dtype == np.uint32 and bool(np.all(keys[1:] >= keys[:-1])):
                state[name] = _split16(keys)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Tables pickled before word vectors or triples existed load with none."""
        for name in _SPLIT_FIELDS:
            value = state.get(name)
            if isinstance(value, tuple) and value[0] == _SPLIT_TAG:
                state[name] = _join16(value[1], value[2])
        self.__dict__.update(state)
        self.__dict__.setdefault("vec_keys_", np.zeros(0, np.uint32))
        self.__dict__.setdefault("vec_", np.zeros((0, 0), np.float16))
        self.__dict__.setdefault("tri_keys_", np.zeros(0, np.uint32))
        self.__dict__.setdefault("tri_support_", np.zeros(0, np.uint8))

    def _index(self, name: str, keys: np.ndarray, payload: np.ndarray | None, fill: Any,
               load: float = _INDEX_LOAD) -> _KeyIndex | None:
        """The hash index `name` of `keys` (payload: `payload`, or the key positions when None), built
        at first use and cached on the instance; None when it does not apply (keys not sorted uint32, or
        not hash-like: crowded in a few slots)."""
        cache = self.__dict__.setdefault(_CACHE, {})
        entry = cache.get(name)
        if entry is None or entry[0] is not keys or entry[1] is not payload:   # rebuilt if a field is replaced
            index = None
            if keys.dtype == np.uint32 and bool(np.all(keys[1:] >= keys[:-1])):
                index = _KeyIndex(keys, np.arange(len(keys), dtype=np.int32) if payload is None else payload, fill,
                                  load)
                if index.longest_run > _MAX_RUN:
                    index = None
            entry = cache[name] = (keys, payload, index)
        return entry[2]

    def _lookup(self, name: str, keys: np.ndarray, values: np.ndarray, query: np.ndarray,
                 load: float = _INDEX_LOAD) -> np.ndarray:
        """`values` at each query key, 0 where it is absent."""
        index = self._index(name, keys, values, 0, load)
        if index is not None and query.dtype == np.uint32:
            return index.get(query)
        pos = _search(keys, query, presort=True)
        out = np.zeros(len(query), dtype=values.dtype)
        found = pos >= 0
        out[found] = values[pos[found]]
        return out

    def _positions(self, name: str, keys: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Position of each query key in `keys`, -1 where it is absent."""
        index = self._index(name, keys, None, -1)
        if index is not None and query.dtype == np.uint32:
            return index.get(query)
        return _search(keys, query, presort=False)

    def zipf(self, hashes: np.ndarray) -> np.ndarray:
        return self._lookup("zipf", self.zipf_keys_, self.zipf_vals_, hashes).astype(np.float64) / 10.0

    def support(self, keys: np.ndarray) -> np.ndarray:
        """How established each word pair is (see module doc); 0 = never seen."""
        return self._lookup("support", self.pair_keys_, self.pair_support_, keys).astype(np.float64) / 10.0

    def triple_support(self, keys: np.ndarray) -> np.ndarray:
        """How common each word triple is in the reference corpus (see module doc); 0 = never seen."""
        return self._lookup("triples", self.tri_keys_, self.tri_support_, keys,
                            _TRIPLE_INDEX_LOAD).astype(np.float64) / 10.0

    def build_indexes(self) -> None:
        """Build every look-up index now rather than at the first page (0.3 s and 57 MB for the bundled
        tables): what "the tables are ready" costs, as `bench.spun_phrases` measures it."""
        probe = np.zeros(1, np.uint32)
        self.zipf(probe)
        self.support(probe)
        self.triple_support(probe)
        self.candidates(probe)
        self.candidates(probe, phrase=True)
        self.vector_rows(probe)
        self.vectors()
        self.orig_zipf()
        self.orig_vector_rows()

    def vectors(self) -> np.ndarray:
        """`vec_` as float32, converted once (stored as float16 to halve the artifact)."""
        return self._derived("vectors32", (self.vec_,), lambda: self.vec_.astype(np.float32))

    def _derived(self, name: str, sources: tuple[np.ndarray, ...], make: Callable[[], np.ndarray]) -> np.ndarray:
        """`make()`, computed once and cached on the instance until one of the `sources` fields is replaced."""
        cache = self.__dict__.setdefault(_DERIVED, {})
        entry = cache.get(name)
        if entry is None or any(a is not b for a, b in zip(entry[0], sources)):
            entry = cache[name] = (sources, make())
        return entry[1]

    def orig_zipf(self) -> np.ndarray:
        """`zipf` of each candidate original (`orig_hashes_`), looked up once rather than for the ~15k
        candidates of every 3,000-word text."""
        return self._derived("orig_zipf", (self.orig_hashes_, self.zipf_keys_, self.zipf_vals_),
                             lambda: self.zipf(self.orig_hashes_))

    def orig_vector_rows(self) -> np.ndarray:
        """`vector_rows` of each candidate original (`orig_hashes_`), looked up once (see `orig_zipf`)."""
        return self._derived("orig_vector_rows", (self.orig_hashes_, self.vec_keys_),
                             lambda: self.vector_rows(self.orig_hashes_))

    def vector_rows(self, hashes: np.ndarray) -> np.ndarray:
        """Row of `vec_` for each word hash, -1 for words without a vector."""
        if len(self.vec_keys_) == 0:
            return np.full(len(hashes), -1, dtype=np.int64)
        return self._positions("vectors", self.vec_keys_, hashes).astype(np.int64)

    def candidates(self, spun_keys: np.ndarray, phrase: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(query index, original index) for every candidate original of each query key."""
        keys = self.inv_phrase_keys_ if phrase else self.inv_keys_
        ptr = self.inv_phrase_ptr_ if phrase else self.inv_ptr_
        orig = self.inv_phrase_orig_ if phrase else self.inv_orig_
        if len(keys) == 0 or len(spun_keys) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        pos = self._positions("phrase" if phrase else "inv", keys, spun_keys)
        q = np.flatnonzero(pos >= 0)
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


def small_numbers_of(tables: ReferenceTables | None) -> bool:
    """Whether `tables` counted a digit 1-9 as a word of its own (`model.tokens.tokenize(small_numbers=True)`),
    so that a text is tokenised the way they were. Tables that do not say were built before the option, with
    every number as `model.tokens.NUM`."""
    return tables is not None and bool(tables.description_.get("small_numbers", False))
