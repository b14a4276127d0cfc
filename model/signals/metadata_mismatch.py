"""metadata_mismatch: the page's own metadata quotes its article with other words than the article has.

A page's description, social titles and structured data (JSON-LD headline, description, articleBody) are
written from its article, usually by copying its title and lede word for word. A scraper that copies a
page's HTML and spins only the visible text leaves them as they were, so the spun words stand next to
their originals in the same page: the text says "Key Minister" where the description says "Prime
Minister". This is the one place where a spun page carries its own unspun original, and it needs no
reference statistics to be read.

Each metadata text is aligned with the main text in windows of WINDOW tokens, located by trigrams that
occur once in the main text (at least MIN_ANCHORS), then compared word by word (difflib's matching
blocks, Ratcliff/Obershelp). A *substitution* is one or two metadata words standing where the main text
has one to three others, with at least FLANK identical words around it and one on each side: an edited lede (cut,
shortened, a clause added) differs by insertions and deletions, not by one word swapped inside an
otherwise identical sentence. Numbers and spelling variants ("e-mail"/"email") are not counted. A
substitution is a *thesaurus* one when the written words list the metadata word among their candidate
originals in the reference tables' inverse thesaurus (the same look-up as `spun_phrases`).
"""
from __future__ import annotations

import difflib
from collections import Counter
from typing import Callable

import numpy as np

from model.page import Page
from model.tables import ReferenceTables, small_numbers_of
from model.tokens import Tokens, is_number, pair_keys, tokenize, triple_keys, word_hash
from model.verdict import Evidence, Signal

NAME = "metadata_mismatch"
DESCRIPTION = ("The page's own description, title or structured data repeats its article word for word "
               "except for words swapped for synonyms: the visible text was spun after the page was made.")
FEATURES = ("meta_aligned_words", "meta_substitutions", "meta_thesaurus_substitutions", "meta_substitutions_per100")
WINDOW = 40                 # metadata tokens aligned at a time (a lede or title is one window)
STEP = 30                   # windows overlap by WINDOW - STEP tokens, so no substitution falls on a border
MIN_ANCHORS = 2             # trigrams shared with the main text (each unique there) to place a window
FLANK = 6                   # identical words around a substitution, at least one on each side
MAX_META_TOKENS = 1500      # tokens of one metadata text compared at most (a long articleBody: its start)
STEM = 5                    # leading letters two forms of one word share ("choos-e", "choos-ing")
MAX_SUBST_WORDS = (2, 3)    # metadata words, main-text words of one substitution at most
FIRE_THESAURUS = 1          # thesaurus substitutions at which the signal fires ...
FIRE_ANY = 3                # ... or substitutions of any kind (an edited lede can differ in two: 1 of 120 real pages)
MAX_EVIDENCE = 20


def _same_spelling(a: list[str], b: list[str], known: Callable[[str], bool] | None = None) -> bool:
    """Differences that are not swaps: spelling variants ("e-mail"/"email", "well known"/"well-known"),
    words run together where the markup had a break ("GlasswareWhen" for a heading and "When"), and
    inflections of the same word. A run-together is one token that starts or ends with the other side's
    letters and is not itself a word (`known`, the reference tables' vocabulary; without it, every such
    token is taken for one): "towards" for "to" and "inside" for "in" are swaps."""
    if any(len(u) >= STEM and len(v) >= STEM and u[:STEM] == v[:STEM] for u in a for v in b):
        return True     # the same word inflected ("choose"/"choosing"): an edit, not a synonym
    x = "".join(a).replace("-", "").replace("'", "")
    y = "".join(b).replace("-", "").replace("'", "")
    if x == y:
        return True
    longer, shorter, whole = (x, y, a) if len(x) > len(y) else (y, x, b)
    if not (longer.startswith(shorter) or longer.endswith(shorter)):
        return False
    return len(whole) == 1 and (known is None or not known(whole[0]))


def _vocabulary(tables: ReferenceTables) -> Callable[[str], bool]:
    """Whether a (lower-cased) word has a Zipf value in `tables`."""
    return lambda word: bool(tables.zipf(np.array([word_hash(word)], np.uint32))[0] > 0)


def _thesaurus_swap(written: np.ndarray, original: np.ndarray, tables: ReferenceTables) -> bool:
    """Whether the inverse thesaurus lists the one-word original (its token hashes `original`) as a
    candidate for the written words (`written`, one or two token hashes)."""
    if len(original) != 1 or not 1 <= len(written) <= 2:
        return False
    if len(written) == 1:
        _, oi = tables.candidates(written)
    else:
        _, oi = tables.candidates(pair_keys(written[:1], written[1:]), phrase=True)
    return bool(np.any(tables.orig_hashes_[oi] == original[0]))


def _anchor_index(main: Tokens, meta: list[Tokens]) -> dict[tuple[str, str, str], int]:
    """Trigram -> its position in the main text, for the metadata's trigrams that occur there once
    (hashed and vectorised: the main text can be thousands of words, its metadata a few dozen)."""
    h = main.hashes
    if len(h) < 3:
        return {}
    keys = triple_keys(h[:-2], h[1:-1], h[2:])
    wanted = np.concatenate([triple_keys(m.hashes[:-2], m.hashes[1:-1], m.hashes[2:]) for m in meta if len(m) >= 3]
                            or [np.zeros(0, np.uint32)])
    hit = np.flatnonzero(np.isin(keys, wanted))
    if len(hit) == 0:
        return {}
    _, first, counts = np.unique(keys[hit], return_index=True, return_counts=True)
    words = main.words
    return {(words[i], words[i + 1], words[i + 2]): i for i in hit[first[counts == 1]].tolist()}


def substitutions(main: Tokens, meta_words: list[str], anchors: dict[tuple[str, str, str], int],
                  known: Callable[[str], bool] | None = None) -> tuple[set[int], list[tuple[int, int, int, int]]]:
    """Align one metadata text with the main text. Returns the main-text token positions it repeats and
    its substitutions as (main start, main end, meta start, meta end) token ranges. `known`: whether a
    word is in the vocabulary (see `_same_spelling`)."""
    words = main.words
    aligned: set[int] = set()
    found: list[tuple[int, int, int, int]] = []
    for w0 in range(0, max(1, len(meta_words) - FLANK // 2), STEP):
        chunk = meta_words[w0:w0 + WINDOW]
        offsets = Counter(anchors[t] - i for i in range(len(chunk) - 2)
                          if (t := (chunk[i], chunk[i + 1], chunk[i + 2])) in anchors)
        if not offsets:
            continue
        diag, votes = offsets.most_common(1)[0]
        if votes < MIN_ANCHORS:
            continue
        if diag >= 0 and words[diag:diag + len(chunk)] == chunk:     # a word-for-word copy (most metadata)
            aligned.update(range(diag, diag + len(chunk)))
            continue
        lo = max(0, diag - FLANK - 2)
        region = words[lo:diag + len(chunk) + FLANK + 2]
        ops = difflib.SequenceMatcher(None, chunk, region, autojunk=False).get_opcodes()
        for k, (tag, i1, i2, j1, j2) in enumerate(ops):
            if tag == "equal":
                aligned.update(range(lo + j1, lo + j2))
                continue
            if tag != "replace" or not 0 < k < len(ops) - 1:
                continue
            before, after = ops[k - 1], ops[k + 1]
            left, right = before[2] - before[1], after[2] - after[1]
            if before[0] != "equal" or after[0] != "equal" or min(left, right) < 1 or left + right < FLANK:
                continue
            if i2 - i1 > MAX_SUBST_WORDS[0] or j2 - j1 > MAX_SUBST_WORDS[1]:
                continue
            orig, written = chunk[i1:i2], region[j1:j2]
            if any(map(is_number, orig + written)) or _same_spelling(orig, written, known):
                continue
            found.append((lo + j1, lo + j2, w0 + i1, w0 + i2))
    return aligned, found


def compute(page: Page, main_text: str, main: Tokens, tables: ReferenceTables | None, *, english: bool = True
            ) -> tuple[dict[str, float], Signal]:
    """Features and evidence from comparing the main text (`main_text` and its tokens `main`, as
    `spun_phrases.analysed_text` gives them) with the page's metadata (`Page.metadata`)."""
    if not english:
        return {k: float("nan") for k in FEATURES}, Signal(NAME, DESCRIPTION, 0.0, False, (), "not_english")
    feats = {k: 0.0 for k in FEATURES}
    if not len(main) or not page.metadata:
        return feats, Signal(NAME, DESCRIPTION, 0.0, False, (), "no_metadata")
    metas = []
    small_numbers = small_numbers_of(tables)        # tokenised as the main text was (`analysed_text`)
    for source, text in page.metadata:
        meta = tokenize(text, small_numbers=small_numbers)
        if len(meta) > MAX_META_TOKENS:
            meta = meta.head(MAX_META_TOKENS)
        if len(meta) >= FLANK + 1:
            metas.append((source, text, meta))
    anchors = _anchor_index(main, [m for _, _, m in metas])
    known = None if tables is None else _vocabulary(tables)
    aligned: set[int] = set()
    subs: dict[int, tuple[int, str, str, bool]] = {}    # main start -> (main end, source, original, thesaurus)
    for source, text, meta in metas if anchors else ():
        meta_words = meta.words
        covered, found = substitutions(main, meta_words, anchors, known)
        aligned |= covered
        for ms, me, os_, oe in found:
            if ms in subs:
                continue
            original = text[int(meta.starts[os_]):int(meta.ends[oe - 1])]
            thesaurus = tables is not None and _thesaurus_swap(main.hashes[ms:me], meta.hashes[os_:oe], tables)
            subs[ms] = (me, source, original, thesaurus)
    n_thesaurus = sum(t for _, _, _, t in subs.values())
    feats["meta_aligned_words"] = float(len(aligned))
    feats["meta_substitutions"] = float(len(subs))
    feats["meta_thesaurus_substitutions"] = float(n_thesaurus)
    feats["meta_substitutions_per100"] = 100.0 * len(subs) / len(aligned) if aligned else 0.0
    evidence = []
    for ms, (me, source, original, thesaurus) in sorted(subs.items())[:MAX_EVIDENCE]:
        s, e = int(main.starts[ms]), int(main.ends[me - 1])
        evidence.append(Evidence(text=main_text[s:e], start=s, end=e, suggestion=original,
                                 confidence=0.9 if thesaurus else 0.6, detail=f"differs_from_{source}"))
    fired = n_thesaurus >= FIRE_THESAURUS or len(subs) >= FIRE_ANY
    strength = min(1.0, 0.5 * n_thesaurus + 0.3 * (len(subs) - n_thesaurus))
    reason = ("synonyms_swapped_against_metadata" if n_thesaurus >= FIRE_THESAURUS else
              "words_swapped_against_metadata" if fired else
              "metadata_differs_in_a_few_words" if subs else
              "matches_metadata" if aligned else "metadata_not_in_main_text")
    return feats, Signal(NAME, DESCRIPTION, strength, fired, tuple(evidence), reason)
