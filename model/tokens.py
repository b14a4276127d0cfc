"""Tokenisation and the stable hashes the reference tables are keyed by.

Words are lower-cased, curly apostrophes folded, digits kept as one token. Two tokens form a bigram
only when nothing but spaces stands between them (punctuation breaks a collocation). Hashes are
CRC-32 of the UTF-8 word: stable across processes and platforms, unlike Python's `hash`.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np

TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+)*|\d+(?:[.,]\d+)*")
NUM = "<num>"
_MIX = np.uint64(0x9E3779B1)
_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass
class Tokens:
    """Tokens of a text with offsets, hashes and collocation boundaries."""

    words: list[str]            # lower-cased
    starts: np.ndarray          # int32 character offsets
    ends: np.ndarray
    hashes: np.ndarray          # uint32
    joined: np.ndarray          # bool: token i-1 and i form a bigram (only spaces between)
    capital: np.ndarray         # bool: token starts with an upper-case letter

    def __len__(self) -> int:
        return len(self.words)


def word_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8", "surrogatepass"))


def tokenize(text: str) -> Tokens:
    """Tokens of `text` (see module doc)."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    joined: list[bool] = []
    capital: list[bool] = []
    prev_end = -1
    crc = zlib.crc32
    hashes: list[int] = []
    for m in TOKEN.finditer(text):
        s, e = m.span()
        w = m.group()
        first = w[0]
        if first.isdigit():
            lw = NUM
            capital.append(False)
        else:
            capital.append(first.isupper())
            lw = w.lower()
            if "’" in lw:
                lw = lw.replace("’", "'")
        words.append(lw)
        hashes.append(crc(lw.encode("utf-8", "surrogatepass")))
        starts.append(s)
        ends.append(e)
        joined.append(prev_end >= 0 and (s == prev_end + 1 and text[prev_end] == " "))
        prev_end = e
    return Tokens(
        words=words,
        starts=np.asarray(starts, dtype=np.int32),
        ends=np.asarray(ends, dtype=np.int32),
        hashes=np.asarray(hashes, dtype=np.uint32),
        joined=np.asarray(joined, dtype=bool),
        capital=np.asarray(capital, dtype=bool),
    )


def pair_keys(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """32-bit keys of word pairs (order matters). Collisions cost ~0.05% false 'seen' at 2M pairs."""
    a = left.astype(np.uint64)
    b = right.astype(np.uint64)
    return (((a * _MIX) & _MASK32) ^ ((b * np.uint64(0x85EBCA6B) + np.uint64(0xC2B2AE35)) & _MASK32)).astype(np.uint32)
