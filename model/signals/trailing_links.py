"""trailing_links: a block of links after the article whose titles are off-topic or spammy.

A related-links block is an ordinary part of a news page (about half of real pages carry one): what
marks a farm is that its titles have nothing to do with the article ("Strategies and Ideas for On line
Dwelling Business enterprise Opportunities" under a story about Iraq) or read as link spam.
Off-topic-ness is the share of a title's content words absent from the article's vocabulary.
"""
from __future__ import annotations

import math
import re

from model import patterns as P
from model.page import Block, Page
from model.verdict import Evidence, Signal

NAME = "trailing_links"
DESCRIPTION = ("A block of links after the article (e.g. 'More Stories', 'Related Posts') whose titles are "
               "off-topic to the article or read as link spam.")
FEATURES = ("tl_has_block", "tl_heading_match", "tl_n_links", "tl_title_words", "tl_offtopic", "tl_spammy",
            "tl_after_main", "tl_strength")
MIN_LINKS = 2
MIN_TITLE_WORDS = 3.0         # navigation links are one or two words; story titles are longer
OFFTOPIC_FIRE = 0.8           # share of title content words unseen in the article
_WORD = re.compile(r"[a-z]{3,}")


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in P.FUNCTION_WORDS}


def _candidate_groups(page: Page) -> list[tuple[Block | None, list[Block], bool]]:
    """Runs of link-dominated blocks after the start of the main text, each with the heading right
    above it and whether it comes after the last main block. (A footer paragraph taken for main text
    must not hide a link block above it, so runs are not looked for only after the main text.)"""
    blocks = page.blocks
    start = page.main_first + 1 if page.main_last >= 0 else 0
    groups: list[tuple[Block | None, list[Block], bool]] = []
    run: list[Block] = []
    heading: Block | None = None
    last_text: Block | None = None
    for b in blocks[start:]:
        linky = bool(b.links) and b.link_density >= 0.5 and not b.main
        if linky:
            if not run:
                heading = last_text if last_text is not None and last_text.index >= b.index - 2 else None
            run.append(b)
            continue
        if run:
            groups.append((heading, run, run[0].index > page.main_last))
            run = []
        last_text = b if b.words <= 8 else None
    if run:
        groups.append((heading, run, run[0].index > page.main_last))
    return groups


def compute(page: Page) -> tuple[dict[str, float], Signal]:
    """Features and evidence for the most suspicious trailing link block."""
    feats = {k: 0.0 for k in FEATURES}
    article = _content_words(page.main_text)
    best: tuple[float, dict, list] | None = None
    for heading, run, after_main in _candidate_groups(page):
        titles = [t for b in run for t, _ in b.links]
        if len(titles) < MIN_LINKS:
            continue
        words = [len(t.split()) for t in titles]
        mean_words = sum(words) / len(words)
        head_text = heading.text if heading is not None else ""
        head_match = bool(head_text) and P.RELATED_HEADING.match(head_text) is not None
        if mean_words < MIN_TITLE_WORDS and not head_match:
            continue
        off, spam, per_title = [], [], []
        for t in titles:
            cw = _content_words(t)
            o = (sum(1 for w in cw if w not in article) / len(cw)) if cw else 0.0
            sp = (sum(1 for w in cw if w in P.SPAMMY_WORDS) / len(cw)) if cw else 0.0
            off.append(o)
            spam.append(sp)
            per_title.append((t, o, sp))
        offtopic = sum(off) / len(off)
        spammy = sum(spam) / len(spam)
        strength = (0.5 + 0.5 * head_match) * min(1.0, offtopic) * min(1.0, mean_words / 5.0) \
            * (1.0 if after_main else 0.7)
        strength = max(strength, min(1.0, spammy * 2) * (0.5 + 0.5 * head_match))
        f = {"tl_has_block": 1.0, "tl_heading_match": float(head_match), "tl_n_links": math.log1p(len(titles)),
             "tl_title_words": mean_words, "tl_offtopic": offtopic, "tl_spammy": spammy,
             "tl_after_main": float(after_main), "tl_strength": strength}
        if best is None or strength > best[0]:
            best = (strength, f, [head_text, per_title])
    if best is None:
        return feats, Signal(NAME, DESCRIPTION, 0.0, False, (), "no_trailing_link_block")
    strength, f, (head_text, per_title) = best
    feats.update(f)
    fired = strength >= 0.5 and (f["tl_offtopic"] >= OFFTOPIC_FIRE or f["tl_spammy"] >= 0.3)
    evidence = []
    if head_text:
        evidence.append(Evidence(text=head_text, detail="heading"))
    for t, o, sp in per_title[:12]:
        evidence.append(Evidence(text=t, confidence=round(max(o, sp), 3),
                                 detail="spammy_title" if sp >= 0.3 else ("off_topic_title" if o >= 0.5 else "on_topic_title")))
    reason = "off_topic_links" if fired else "links_on_topic_or_weak"
    return feats, Signal(NAME, DESCRIPTION, strength, fired, tuple(evidence), reason)
