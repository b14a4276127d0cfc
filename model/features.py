"""Page -> every signal -> one feature vector. The order of FEATURE_NAMES is the classifier's input."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.decode import decode_html
from model.lang import detect_language
from model.page import comment_text, is_bare_article, parse_page
from model.signals import (FEATURE_NAMES, content_stats, copyright_residue, metadata_mismatch, spun_phrases,
                           trailing_links)
from model.tables import small_numbers_of
from model.verdict import Signal

MAX_MAIN_CHARS = 200_000      # main text analysed at most (about 30,000 words)


@dataclass
class PageAnalysis:
    """Signals and the classifier's input for one page."""

    vectors: list[np.ndarray]         # one per swap model (an ensemble's members), in FEATURE_NAMES order
    signals: list[Signal]
    language: str
    reasons: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    main_text: str = ""
    bare_article: bool = False        # the page is its article alone, with no copyright line (`is_bare_article`)

    @property
    def vector(self) -> np.ndarray:
        """The first (for a single model, the only) swap model's feature vector."""
        return self.vectors[0]


def spun_text_of(main: str, comments: str, with_comments: bool) -> str:
    """The text the spun-phrase pass reads: the main text, and with `with_comments` the page's comment
    sections after it (`model.page.comment_text`), within MAX_MAIN_CHARS. Evidence offsets count in this text, so
    a span past the main text's length lies in the comments."""
    if not with_comments or not comments or len(main) + 1 >= MAX_MAIN_CHARS:
        return main
    return f"{main}\n{comments}"[:MAX_MAIN_CHARS]


def analyse_page(page: bytes | str, *, url: str | None = None, content_type: str | None = None,
                 tables=None, token_model=None, token_models=None, pooled_swaps: bool = False,
                 with_comments: bool = False) -> PageAnalysis:
    """Decode, parse, and compute all signals of a page: one feature vector per swap model in
    `token_models` (or for `token_model` alone); the other signals are computed once. `pooled_swaps`: the
    vectors' swap features are those of the models' mean swap probability (`spun_phrases.compute_members`).
    `with_comments`: the spun-phrase and metadata passes read the page's comment sections after its main
    text (`spun_text_of`; the reason "comments_read" says when they did)."""
    text, encoding = decode_html(page, content_type)
    parsed = parse_page(text, url)
    main = parsed.main_text[:MAX_MAIN_CHARS]
    language, english = detect_language(main or parsed.title)
    is_english = language == "en"
    reasons = list(parsed.reasons)
    if not is_english:
        reasons.append("not_english" if language != "und" else "language_undetermined")
    feats: dict[str, float] = {}
    models = tuple(token_models) if token_models is not None else (() if token_model is None else (token_model,))
    spun_text = spun_text_of(main, comment_text(parsed) if with_comments else "", with_comments)
    if spun_text != main:
        reasons.append("comments_read")
    analysed = spun_phrases.analysed_text(spun_text, small_numbers_of(tables))
    member_feats, sp_s = spun_phrases.compute_members(spun_text, tables, english=is_english, token_models=models,
                                                      analysed=analysed, pooled=pooled_swaps)
    mm_f, mm_s = metadata_mismatch.compute(parsed, *analysed, tables, english=is_english)
    tl_f, tl_s = trailing_links.compute(parsed)
    cr_f, cr_s = copyright_residue.compute(parsed)
    cs_f, cs_s = content_stats.compute(parsed, english)
    for f in (mm_f, tl_f, cr_f, cs_f):
        feats.update(f)
    vectors = [np.array([{**sp_f, **feats}.get(k, math.nan) for k in FEATURE_NAMES], dtype=np.float64)
               for sp_f in member_feats]
    bare = is_bare_article(parsed) and cr_f["cr_copyright_lines"] == 0 and cr_f["cr_strength"] == 0
    stats = {"encoding": encoding, "main_text_chars": len(main), "blocks": len(parsed.blocks),
             "links": parsed.n_links, "bare_article": bare}
    return PageAnalysis(vectors=vectors, signals=[sp_s, mm_s, tl_s, cr_s, cs_s], language=language, reasons=reasons,
                        stats=stats, main_text=main, bare_article=bare)
