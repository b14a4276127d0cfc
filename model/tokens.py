"""Tokenisation and the stable hashes the reference tables are keyed by.

Words are lower-cased, curly apostrophes folded, a number is one token, `NUM` (with `small_numbers`, a
digit 1-9 written alone keeps its own: see `tokenize`). Two tokens form a bigram
only when a single space stands between them (punctuation breaks a collocation). Hashes are
CRC-32 of the UTF-8 word: stable across processes and platforms, unlike Python's `hash`.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np

TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+)*|\d+(?:[.,]\d+)*")
_SPLIT = re.compile(f"({TOKEN.pattern})")      # TOKEN captured: split() keeps the words between separators
NUM = "<num>"
# Numbers edited English spells out (news style writes one to nine in words): a spinner that turns "one" into "1"
# leaves "1 of the", which the reference tables can tell from "one of the" only if the digit is a word of its own.
SMALL_NUMBER_WORDS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven",
                      "8": "eight", "9": "nine"}
NUMBER_TOKENS = frozenset({NUM, *SMALL_NUMBER_WORDS})   # every word a number can be tokenised as
_MIX = np.uint32(0x9E3779B1)
_MIX_RIGHT = np.uint32(0x85EBCA6B)
_ADD_RIGHT = np.uint32(0xC2B2AE35)


@dataclass
class Tokens:
    """Tokens of a text with offsets, hashes and collocation boundaries."""

    words: list[str]            # lower-cased
    starts: np.ndarray          # int32 character offsets
    ends: np.ndarray
    hashes: np.ndarray          # uint32
    joined: np.ndarray          # bool: token i-1 and i form a bigram (one space between)
    capital: np.ndarray         # bool: token starts with an upper-case letter

    def __len__(self) -> int:
        return len(self.words)

    def head(self, k: int) -> "Tokens":
        """The first `k` tokens: the same as tokenising the text up to where token `k` starts."""
        return Tokens(self.words[:k], self.starts[:k], self.ends[:k], self.hashes[:k], self.joined[:k],
                      self.capital[:k])


def is_number(word: str) -> bool:
    """Whether token `word` (a `Tokens.words` entry) is a number: `NUM` or a small number's digit."""
    return word in NUMBER_TOKENS


def word_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8", "surrogatepass"))


def tokenize(text: str, *, small_numbers: bool = False) -> Tokens:
    """Tokens of `text` (see module doc). `small_numbers`: a digit 1-9 written alone ("1", not "1.5" or
    "1,000") is the word "1" ... "9" rather than `NUM` (SMALL_NUMBER_WORDS). Reference tables record which
    way they were counted (`model.tables.small_numbers_of`), and a text is tokenised the same way.

    Vectorised rather than one Python step per match: a single regex split yields words and the
    separators between them (offsets are their cumulative lengths), lower-casing runs once over all
    words joined, and the character tests read the text's code points as a numpy array."""
    parts = _SPLIT.split(text)                  # [separator, word, separator, word, ..., separator]
    raw = parts[1::2]
    n = len(raw)
    bounds = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
    starts, ends = bounds[0:-1:2], bounds[1::2]
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    first = codes[starts]                       # an ASCII letter, or a digit for a number
    capital = (first >= ord("A")) & (first <= ord("Z"))
    number = ~capital & ((first < ord("a")) | (first > ord("z")))
    # words hold only ASCII letters, apostrophes, hyphens and digits: no newline, no case-changing
    # character whose lower-casing depends on its neighbours, so lower-casing them joined is per word.
    words = "\n".join(raw).lower().replace("’", "'").split("\n") if n else []
    for i in np.flatnonzero(number).tolist():
        if not (small_numbers and words[i] in SMALL_NUMBER_WORDS):
            words[i] = NUM
    encoded = "\n".join(words).encode("utf-8", "surrogatepass").split(b"\n") if n else []
    hashes = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint32, count=n)
    joined = np.zeros(n, dtype=bool)            # only one space between: the separator is " "
    joined[1:] = (starts[1:] == ends[:-1] + 1) & (codes[ends[:-1]] == ord(" "))
    return Tokens(words=words, starts=starts.astype(np.int32), ends=ends.astype(np.int32), hashes=hashes,
                  joined=joined, capital=capital)


def pair_keys(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """32-bit keys of word pairs (order matters). Collisions cost ~0.05% false 'seen' at 2M pairs.

    Arithmetic modulo 2**32, done in uint32 arrays (they wrap silently; 64-bit products were ~20x
    slower on large arrays): other integer dtypes count modulo 2**32, as in uint64 then masked."""
    a = np.asarray(left).astype(np.uint32)
    b = np.asarray(right).astype(np.uint32)
    return np.bitwise_xor(np.multiply(a, _MIX), np.add(np.multiply(b, _MIX_RIGHT), _ADD_RIGHT))


def triple_keys(left: np.ndarray, middle: np.ndarray, right: np.ndarray) -> np.ndarray:
    """32-bit keys of word triples: the pair key of (pair key of the first two, the third)."""
    return pair_keys(pair_keys(left, middle), right)
