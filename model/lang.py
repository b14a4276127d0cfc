"""Which language the main text is in, from its commonest words (and script for CJK, Cyrillic...).

Enough to say "not English" and to stop English statistics from judging other languages; not a
general language identifier."""
from __future__ import annotations

import re

from model import patterns as P

_WORD = re.compile(r"[^\W\d_]+", re.U)
_SCRIPTS = (("ja", re.compile(r"[\u3040-\u30ff]")), ("zh", re.compile(r"[\u4e00-\u9fff]")),
            ("ko", re.compile(r"[\uac00-\ud7af]")), ("ru", re.compile(r"[\u0400-\u04ff]")),
            ("ar", re.compile(r"[\u0600-\u06ff]")), ("he", re.compile(r"[\u0590-\u05ff]")),
            ("el", re.compile(r"[\u0370-\u03ff]")), ("th", re.compile(r"[\u0e00-\u0e7f]")),
            ("hi", re.compile(r"[\u0900-\u097f]")))
SAMPLE = 5000
MIN_WORDS = 8
# word -> the languages it marks, so that each word of the sample is looked up once
_MARKED_BY: dict[str, tuple[str, ...]] = {}
for _lang, _markers in P.LANGUAGE_MARKERS.items():
    for _w in _markers:
        _MARKED_BY[_w] = _MARKED_BY.get(_w, ()) + (_lang,)


def detect_language(text: str) -> tuple[str, float]:
    """(language code or "und", English score 0..1: share of marker hits that are English)."""
    sample = text[:SAMPLE]
    if not sample.strip():
        return "und", 0.0
    letters = sum(map(str.isalpha, sample))
    for code, pat in _SCRIPTS:
        if letters and len(pat.findall(sample)) / letters > 0.3:
            return code, 0.0
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < MIN_WORDS:
        return "und", 0.0
    hits = dict.fromkeys(P.LANGUAGE_MARKERS, 0)
    for w in words:
        for lang in _MARKED_BY.get(w, ()):
            hits[lang] += 1
    best = max(hits, key=hits.get)
    total = sum(hits.values())
    if hits[best] < 2 or hits[best] / len(words) < 0.04:
        return "und", hits["en"] / total if total else 0.0
    return best, hits["en"] / total if total else 0.0
