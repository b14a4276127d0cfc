"""content_stats: page statistics in the manner of Ntoulas et al., "Detecting spam web pages through
content analysis" (WWW 2006): text-to-markup ratio, link density, compressibility, function-word
fraction, average word length, words in the title, and the like. No single value is a tell; the
classifier weighs them, so this signal never fires on its own."""
from __future__ import annotations

import math
import zlib
from collections import Counter

from model import patterns as P
from model.page import Page
from model.verdict import Evidence, Signal

NAME = "content_stats"
DESCRIPTION = ("Content statistics after Ntoulas et al. (WWW 2006): text-to-markup ratio, link density, "
               "compressibility, function-word fraction, average word length.")
FEATURES = ("cs_log_html_chars", "cs_text_markup_ratio", "cs_link_density", "cs_log_links", "cs_main_share",
            "cs_compress_ratio", "cs_function_word_frac", "cs_avg_word_len", "cs_title_words", "cs_log_blocks",
            "cs_english_score", "cs_plain_text")
COMPRESS_SAMPLE = 20_000      # characters compressed at most (Ntoulas et al. use the whole page; a sample is enough)


def compute(page: Page, english_score: float) -> tuple[dict[str, float], Signal]:
    text_chars = sum(len(b.text) for b in page.blocks)
    link_chars = sum(b.link_chars for b in page.blocks)
    main = page.main_text
    words = main.split()
    n = len(words)
    sample = main[:COMPRESS_SAMPLE].encode("utf-8", "replace")
    ratio = len(zlib.compress(sample, 6)) / len(sample) if sample else 1.0
    # each distinct word is normalised once (a page repeats most of its words)
    func = sum(c for w, c in Counter(words).items() if w.lower().strip(".,;:!?\"'()") in P.FUNCTION_WORDS)
    feats = {
        "cs_log_html_chars": math.log1p(page.html_chars),
        "cs_text_markup_ratio": text_chars / page.html_chars if page.html_chars else 0.0,
        "cs_link_density": link_chars / text_chars if text_chars else 0.0,
        "cs_log_links": math.log1p(page.n_links),
        "cs_main_share": len(main) / text_chars if text_chars else 0.0,
        "cs_compress_ratio": ratio,
        "cs_function_word_frac": func / n if n else 0.0,
        "cs_avg_word_len": (sum(map(len, words)) / n) if n else 0.0,
        "cs_title_words": float(len(page.title.split())),
        "cs_log_blocks": math.log1p(len(page.blocks)),
        "cs_english_score": english_score,
        "cs_plain_text": float(page.plain_text),
    }
    ev = (Evidence(text=f"{n} words of main text, {page.n_links} links, compressibility {ratio:.2f}",
                   detail="summary"),)
    return feats, Signal(NAME, DESCRIPTION, 0.0, False, ev, "statistics_only")
