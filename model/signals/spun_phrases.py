"""spun_phrases: words that read as a thesaurus swap of a common phrase.

Collocation anomaly, after the inverse look-up idea of DSpin (Zhang et al., NDSS 2014) without needing
the spinner's dictionary: for each word, every candidate original (a word that lists it as a synonym
in any of several thesauri) is put back, and the context is scored with reference bigram statistics.
A swap shows as a word whose neighbours almost never occur with it, while they often occur with one of
its candidate originals ("Key Minister": P(minister | key) ~ 0, P(minister | prime) high).

Score of a candidate original o for word w, per side whose neighbour n is joined to it by a space
(`_side_gain`): when (w, n) was never seen and (o, n) is established, the PMI of (o, n) plus how common
(w, n) would be if its words were independent; when (w, n) is itself established, min(0, support(o, n)
- support(w, n)). Summed over both sides. support is how established a pair is: log10 per billion
words, from Google's web bigrams and the reference corpus; 0 when never seen. The swap model also gets
each token's best context-fit ratio, log P(n | o) - log P(n | w) on each side (Golding & Roth's
confusion-set comparison, which counts even when (w, n) is attested), whether the text uses the
original with the same neighbours elsewhere, how well the word and its candidate originals fit the
topic of the text (`model/coherence.py`: a sense-blind synonym is often off-topic), and whether its
three-word contexts are attested, and would be with an original (`model/triples.py`).

Dictionary-free footprints complement it: pairs of common words never seen together, half-spelled
numbers ("three,000", and spelled numbers in numeral notation: "three%", "$five", "1:fifteen", "Aug nine,
2012"), broken fixed expressions ("as properly"), and unusually rare word choice.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from model import coherence, triples
from model import patterns as P
from model.tables import ReferenceTables, small_numbers_of
from model.tokens import NUMBER_TOKENS, Tokens, pair_keys, tokenize
from model.verdict import Evidence, Signal

NAME = "spun_phrases"
DESCRIPTION = ("Phrases that read as a thesaurus swap of a common phrase (e.g. 'Key Minister' for 'Prime "
               "Minister'), half-spelled numbers and broken fixed expressions in the main text.")
MIN_SUPPORT = 2.2             # the original's pair must be an established bigram (web list cut-off ~2.2)
UNSEEN_SUPPORT = 1.7          # a never-seen pair is rarer than the cut-offs (~2.2): imputed half a decade below
RATIO_CANDIDATE = 1.0         # a token whose best original fits its context 10x better goes to the swap model
# Which tokens the swap model scores (`candidate_mask`). "narrow": the context says something is off (an
# unseen pair, an inverse-thesaurus gain, a better-fitting original). "wide": also every token with a
# candidate original at all. A spinner's common-word swaps ("stated", "in between", "several") sit in attested
# pairs, so the narrow scope never looked at 40% of them (session 9, held-out "seed" spins at 3.5%); the
# model learns them from the word and its candidates. A fitted token model says which scope it was trained
# on (`candidate_scope_`); models without it are narrow.
NARROW_SCOPE = "narrow"
WIDE_SCOPE = "wide"
TOKEN_SCOPE = WIDE_SCOPE      # the scope new token models are trained on
STRONG = 2.5                  # token score reported as evidence (~300x more established with the original)
WEAK = 1.5
COMMON_ZIPF = 4.0             # "common word": at least 10 per million (Zipf 4)
MIN_TOKENS = 20
MAX_TOKENS = 3000             # tokens analysed at most per page (bounded time on huge pages)
PREFIX_CHARS = 40 * MAX_TOKENS  # characters tokenised when the first prefix holds too few tokens
FIRST_PREFIX_CHARS = 8 * MAX_TOKENS   # characters tokenised first: English main texts have 6.0 per token (median;
                              # 7.3 at the 99th percentile) and 164 of 164 over MAX_TOKENS tokens in a sample of 1,500
                              # corpus pages had enough in this prefix (a 5,000-word text is tokenised up to 24k
                              # characters rather than its 27.5k)
SWAP_EVIDENCE_PROB = 0.3      # token swap probability at which a span is listed as evidence
SWAP_FIRE_PROB = 0.5          # ... and counted towards the signal firing (3+ spans, 0.6+ per 100 words:
                              # fired on 0.6% of held-out real pages and 51% of spun ones, eval set sample)
SWAP_LLR_FIRE_QUANTILE = 0.998   # swap_llr_0p3_per100 at which the signal fires on its own: this quantile of the
                              # real pages' out-of-fold values, which `make train` records on the swap model
                              # (`swap_llr_fire_`, `llr_fire_of`) ...
SWAP_LLR_FIRE = 0.177         # ... and the cut for swap models that do not record theirs: model 2026.11.29-150835's
                              # (3,241 pages, training.train --seed 7 --save-features: 0.1774; 0.144 with -100032's,
                              # 0.129 with -085241's; 0.070 with the narrow-scope swap models of -070521 and -042011)
SWAP_WINDOW = 50              # tokens per window for the densest stretch of swaps
SWAP_PRIOR = 0.107            # share of swaps among the tokens the swap model is fitted on (make train's mix of
                              # spin rates, narrow scope; `python -m training.tokenexp` prints it): its
                              # probabilities' prior, for token models that do not record theirs (`swap_prior_`)
LLR_RATES = {"0p1": 0.001, "0p3": 0.003, "1": 0.01}   # shares of swapped words tested (0.1%, 0.3%, 1%)
LLR_Z_RATES = ("0p1", "0p3")  # ... also summed over the text and divided by sqrt(tokens) (`compute`)
MAX_EVIDENCE = 40
FEATURES = (
    "swap_prob_mean", "swap_prob_top10", "swap_p50_per100", "swap_p80_per100", "swap_prob_sum_per100",
    "swap_window_max", "swap_sentence_share", "swap_types_p50_per100", "swap_types_p70_per100",
    *(f"swap_llr_{k}_per100" for k in LLR_RATES), "swap_types_llr_0p3_per100",
    *(f"swap_llr_{k}_z" for k in LLR_Z_RATES),
    "spun_strong_per100", "spun_weak_per100", "spun_score_sum_per100", "spun_top5_mean", "spun_sentence_share",
    "spun_capital_per100", "spun_phrase_per100", "unseen_common_pair_share", "double_unseen_per100",
    "rare_word_share", "mean_zipf", "half_spelled_numbers", "spelled_compounds", "broken_idioms_per1k",
    "main_tokens_log",
)


def _side_gain(sup_o: np.ndarray, sup_w: np.ndarray, z_o: np.ndarray, z_w: np.ndarray, z_n: np.ndarray) -> np.ndarray:
    """Evidence from one side (neighbour n): the original's pair is an established collocation (its PMI)
    while the written pair, which independence says should be common (its expected log frequency), was
    never seen. A written pair that is itself established argues against a swap."""
    pmi_o = sup_o - z_o - z_n + 9.0
    expected_w = z_w + z_n - 9.0
    unseen = np.where(sup_o >= MIN_SUPPORT, np.maximum(pmi_o, 0.0) + np.maximum(expected_w, 0.0), 0.0)
    return np.where(sup_w <= 0.0, unseen, np.minimum(0.0, sup_o - sup_w))


def _side_ratio(sup_o: np.ndarray, sup_w: np.ndarray, z_o: np.ndarray, z_w: np.ndarray) -> np.ndarray:
    """log10 P(n | o) - log10 P(n | w) for a neighbour n: how much better the candidate original o
    predicts its neighbour than the written word w does (context-sensitive spelling correction's
    comparison of confusion-set members, Golding & Roth 1999). Unseen pairs count as UNSEEN_SUPPORT."""
    o_eff = np.where(sup_o > 0, sup_o, UNSEEN_SUPPORT)
    w_eff = np.where(sup_w > 0, sup_w, UNSEEN_SUPPORT)
    return (o_eff - z_o) - (w_eff - z_w)


def _member(sorted_keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """`np.isin` for a small sorted key set (a text's own pairs): one binary search per query."""
    if len(sorted_keys) == 0:
        return np.zeros(len(query), bool)
    pos = np.minimum(np.searchsorted(sorted_keys, query), len(sorted_keys) - 1)
    return sorted_keys[pos] == query


def _first_max(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of the first largest value of each group, groups in ascending order: the element that
    `np.lexsort((-values, group))` puts first in each group, without the sort (the two lexsorts of
    `token_scores` took 3.5 ms of the 34 ms pass on the bench text). `values` must hold no NaN."""
    if len(group) == 0:
        return np.zeros(0, np.int64)
    order = None
    if np.any(group[1:] < group[:-1]):                  # `candidates` gives them sorted; others in a stable order
        order = np.argsort(group, kind="stable")
        group, values = group[order], values[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    top = np.maximum.reduceat(values, starts)
    hit = np.flatnonzero(values == np.repeat(top, np.diff(np.r_[starts, len(group)])))
    first = hit[np.r_[True, group[hit[1:]] != group[hit[:-1]]]]
    return first if order is None else order[first]


class TextStats(NamedTuple):
    """Reference look-ups every part of the pass needs, made once per text."""

    zipf: np.ndarray       # Zipf value of each token
    pair: np.ndarray       # key of the pair (i-1, i) at i (0 at 0)
    sup_pair: np.ndarray   # support of that pair at i, joined or not (0 at 0)


def text_stats(tok: Tokens, tables: ReferenceTables) -> TextStats:
    """Zipf values of the tokens and the support of each adjacent pair (see `TextStats`)."""
    n = len(tok)
    pair = np.zeros(n, np.uint32)
    sup_pair = np.zeros(n)
    if n > 1:
        pair[1:] = pair_keys(tok.hashes[:-1], tok.hashes[1:])
        sup_pair[1:] = tables.support(pair[1:])
    return TextStats(tables.zipf(tok.hashes), pair, sup_pair)


class TokenScores(NamedTuple):
    """Per token: the inverse-thesaurus score, its best original (-1 none) and span (1 or 2 words), the
    number of one-word candidates, and the best context-fit ratio over candidates (both sides summed,
    and its weaker side: a swap makes both neighbours fit worse), and how many of the sides of the best
    candidate in this respect occur with that original elsewhere in the same text ("Key Minister" in an
    article that says "Prime Minister" elsewhere: spinners replace some occurrences, not all)."""

    gain: np.ndarray
    best_o: np.ndarray
    span: np.ndarray
    n_cand: np.ndarray
    ratio: np.ndarray
    ratio_min_side: np.ndarray
    in_doc: np.ndarray


def token_scores(tok: Tokens, tables: ReferenceTables, stats: TextStats,
                 candidates: tuple[np.ndarray, np.ndarray] | None = None) -> TokenScores:
    """Score every token against every candidate original (see module doc and `TokenScores`).
    `candidates`: `tables.candidates(tok.hashes)`, when the caller has them already."""
    n = len(tok)
    h = tok.hashes
    best = np.zeros(n)
    best_o = np.full(n, -1, dtype=np.int64)
    span = np.ones(n, dtype=np.int64)
    ratio_best = np.zeros(n)
    ratio_min = np.zeros(n)
    in_doc = np.zeros(n)
    if n < 2:
        return TokenScores(best, best_o, span, np.zeros(n), ratio_best, ratio_min, in_doc)
    zipf, pair, sup_pair = stats
    left_ok = np.zeros(n, bool)
    left_ok[1:] = tok.joined[1:]
    right_ok = np.zeros(n, bool)
    right_ok[:-1] = tok.joined[1:]
    doc_pairs = np.unique(pair[1:][tok.joined[1:]])  # the text's own joined pairs
    orig_zipf = tables.orig_zipf()

    def score_candidates(qi: np.ndarray, oi: np.ndarray, width: int) -> None:
        if len(qi) == 0:
            return
        o = tables.orig_hashes_[oi]
        z_o = orig_zipf[oi]
        last = np.minimum(qi + width - 1, n - 1)     # last token of the spun form
        z_w = np.minimum(zipf[qi], zipf[last]) if width == 2 else zipf[qi]
        li = np.maximum(qi - 1, 0)
        ri = np.minimum(last + 1, n - 1)
        key_lo, key_ro = pair_keys(h[li], o), pair_keys(o, h[ri])
        sup_lo, sup_ro = tables.support(key_lo), tables.support(key_ro)
        has_l, has_r = left_ok[qi], right_ok[last]
        left = np.where(has_l, _side_gain(sup_lo, sup_pair[qi], z_o, z_w, zipf[li]), 0.0)
        right = np.where(has_r, _side_gain(sup_ro, sup_pair[ri], z_o, z_w, zipf[ri]), 0.0)
        total = left + right
        r_l = np.where(has_l, _side_ratio(sup_lo, sup_pair[qi], z_o, z_w), 0.0)
        r_r = np.where(has_r, _side_ratio(sup_ro, sup_pair[ri], z_o, z_w), 0.0)
        ratio = r_l + r_r
        weaker = np.where(has_l & has_r, np.minimum(r_l, r_r), ratio)
        head = _first_max(qi, ratio)                   # per token, the candidate that fits the context best
        head = head[ratio[head] > ratio_best[qi[head]]]
        rq = qi[head]
        ratio_best[rq] = ratio[head]
        ratio_min[rq] = weaker[head]
        # whether the text has the original's pairs itself, asked only for those candidates
        in_doc[rq] = ((has_l[head] & _member(doc_pairs, key_lo[head])).astype(np.float64)
                      + (has_r[head] & _member(doc_pairs, key_ro[head])))
        first = _first_max(qi, total)                  # per token, the best candidate by the score
        qs, ts, os_ = qi[first], total[first], oi[first]
        better = ts > best[qs]
        best[qs[better]] = ts[better]
        best_o[qs[better]] = os_[better]
        span[qs[better]] = width

    qi, oi = tables.candidates(h) if candidates is None else candidates
    n_cand = np.bincount(qi, minlength=n).astype(np.float64)
    score_candidates(qi, oi, 1)
    # two-word spun forms ("point out" for "state"): tokens (i, i+1) joined by a space
    joined_next = np.flatnonzero(right_ok[:-1])
    if len(joined_next):
        pq, po = tables.candidates(pair[joined_next + 1], phrase=True)
        score_candidates(joined_next[pq], po, 2)
    return TokenScores(best, best_o, span, n_cand, ratio_best, ratio_min, in_doc)


TOKEN_FEATURES = (
    "zipf_w", "zipf_l", "zipf_r", "sup_l", "sup_r", "exp_l", "exp_r", "sup_ll", "sup_rr", "inv_gain",
    "n_candidates", "capital_mid", "function_word", "is_num", "length", "skip_sup",
    "orig_zipf_gap", "unseen_window", "name_run", "fit_ratio", "fit_ratio_min_side",
    "orig_in_text",
) + coherence.FEATURES + triples.FEATURES


def token_matrix(tok: Tokens, tables: ReferenceTables, stats: TextStats | None = None,
                 scope: str = NARROW_SCOPE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-token features for the learned swap model (TOKEN_FEATURES), plus best originals and spans.

    Everything is relative to reference statistics, nothing to a particular spinner's dictionary except
    `inv_gain` (the inverse-thesaurus score above), `n_candidates`, the candidates' topical fit
    (`model/coherence.py`) and their triples (`model/triples.py`). `stats`: `text_stats` of the
    text, when the caller has them already. `scope`: the tokens that get the costly columns (topical fit,
    triples; `candidate_mask`), the others have them at 0; narrow unless said, as in `candidate_mask` and
    for token models that do not record theirs (`scope_of`)."""
    n = len(tok)
    h = tok.hashes
    stats = text_stats(tok, tables) if stats is None else stats
    zipf = stats.zipf
    joined = tok.joined
    left_ok = np.zeros(n, bool)
    left_ok[1:] = joined[1:]
    right_ok = np.zeros(n, bool)
    right_ok[:-1] = joined[1:]
    sup_pair = np.full(n, -1.0)                     # support of (i-1, i) at i; -1 where not joined
    if n > 1:
        sup_pair[1:] = np.where(joined[1:], stats.sup_pair[1:], -1.0)
    z_l = np.r_[-1.0, zipf[:-1]] if n else zipf
    z_r = np.r_[zipf[1:], -1.0] if n else zipf
    z_l = np.where(left_ok, z_l, -1.0)
    z_r = np.where(right_ok, z_r, -1.0)
    sup_l = sup_pair
    sup_r = np.r_[sup_pair[1:], -1.0] if n else sup_pair
    exp_l = np.where(left_ok, z_l + zipf - 9.0, -9.0)
    exp_r = np.where(right_ok, z_r + zipf - 9.0, -9.0)
    sup_ll = np.r_[-1.0, sup_l[:-1]] if n else sup_l
    sup_rr = np.r_[sup_r[1:], -1.0] if n else sup_r
    skip = np.full(n, -1.0)
    if n > 2:
        ok = left_ok[1:-1] & right_ok[1:-1]
        skip[1:-1] = np.where(ok, tables.support(pair_keys(h[:-2], h[2:])), -1.0)
    cands = tables.candidates(h)                    # one-word candidate originals, shared with coherence
    gain, best_o, span, n_cand, ratio, ratio_min, in_doc = token_scores(tok, tables, stats, cands)
    words = tok.words
    func = np.fromiter(map(P.FUNCTION_WORDS.__contains__, words), bool, n)   # no generator: 1.5x faster
    is_num = np.fromiter(map(NUMBER_TOKENS.__contains__, words), bool, n)
    length = (tok.ends - tok.starts).astype(np.float64)
    capital_mid = tok.capital & left_ok
    # a spinner picks a rarer synonym: how much more common the best original is than the word
    z_best = np.where(best_o >= 0, tables.orig_zipf()[np.maximum(best_o, 0)], zipf)
    gap = z_best - zipf
    # unseen joined pairs among the four around the token (spun words come with two)
    unseen_pair = (sup_pair == 0).astype(np.float64)
    padded = np.r_[0.0, 0.0, unseen_pair, 0.0, 0.0]
    window = padded[1:n + 1] + padded[2:n + 2] + padded[3:n + 3] + padded[4:n + 4] if n else np.zeros(0)
    # runs of capitalised words are names, whose pairs are often unseen in legitimate text
    cap = tok.capital
    name_run = (cap & (np.r_[False, cap[:-1]] & left_ok | np.r_[cap[1:], False] & right_ok)) if n else cap
    base = np.column_stack([zipf, z_l, z_r, sup_l, sup_r, exp_l, exp_r, sup_ll, sup_rr, gain, n_cand,
                            capital_mid, func, is_num, length, skip, gap, window, name_run, ratio,
                            ratio_min, in_doc]).astype(np.float32)
    # the topical fit and the triples only where the swap model will look (the costly parts for long texts)
    looked_at = np.flatnonzero(candidate_mask(base, scope))
    X = np.hstack([base, coherence.coherence_matrix(h, tables, looked_at, cands),
                   triples.triple_matrix(tok, tables, looked_at, cands)])
    return X, best_o, span


def candidate_mask(X: np.ndarray, scope: str = NARROW_SCOPE) -> np.ndarray:
    """Tokens the swap model looks at. Narrow: a joined neighbour pair never seen, an inverse-thesaurus
    gain, or a candidate original that fits the context RATIO_CANDIDATE decades better. Wide: those and
    every token with a candidate original. Other tokens cannot be told from normal text by these
    statistics, so they get probability 0 without a model call (most tokens: this is what keeps the
    pass fast)."""
    sup_l = X[:, TOKEN_FEATURES.index("sup_l")]
    sup_r = X[:, TOKEN_FEATURES.index("sup_r")]
    gain = X[:, TOKEN_FEATURES.index("inv_gain")]
    ratio = X[:, TOKEN_FEATURES.index("fit_ratio")]
    mask = (sup_l == 0) | (sup_r == 0) | (gain > 0) | (ratio >= RATIO_CANDIDATE)
    if scope == WIDE_SCOPE:
        mask |= X[:, TOKEN_FEATURES.index("n_candidates")] > 0
    elif scope != NARROW_SCOPE:
        raise ValueError(f"unknown candidate scope {scope!r}")
    return mask


def scope_of(token_model) -> str:  # noqa: ANN001 (a fitted classifier)
    """The candidate scope `token_model` was trained on (narrow for models that do not say)."""
    return getattr(token_model, "candidate_scope_", NARROW_SCOPE)


def swap_probabilities(X: np.ndarray, token_model) -> np.ndarray:
    """Per-token swap probability (0 outside the model's `candidate_mask`)."""
    prob = np.zeros(len(X))
    mask = candidate_mask(X, scope_of(token_model))
    if mask.any():
        prob[mask] = token_model.predict_proba(X[mask])[:, 1]
    return prob


def prior_of(token_model) -> float:  # noqa: ANN001 (a fitted classifier)
    """The share of swaps among the tokens `token_model` was fitted on (SWAP_PRIOR for models that do not
    say)."""
    return float(getattr(token_model, "swap_prior_", SWAP_PRIOR))


def llr_fire_of(token_model) -> float:  # noqa: ANN001 (a fitted classifier)
    """The swap_llr_0p3_per100 at which `spun_phrases` fires on its own with `token_model` (SWAP_LLR_FIRE for
    models that do not record theirs): the cut moves with the swap model, whose probabilities it sums."""
    return float(getattr(token_model, "swap_llr_fire_", SWAP_LLR_FIRE))


def swap_llr(prob: np.ndarray, rate: float, prior: float = SWAP_PRIOR) -> np.ndarray:
    """Per token, log(1 - r + r * LR): its term in the log-likelihood ratio of "a share `rate` of the words
    are swaps" against "none", LR being the token's swap likelihood ratio (posterior odds of `prob` over
    the prior odds `prior`, the model's `prior_of`). Summed over a text it is the Neyman-Pearson test
    for a sparse mixture when tokens are independent: a few confident swaps outweigh many weak flags,
    and every unflagged token counts against (LR ~ 0 adds log(1 - r))."""
    p = np.clip(prob, 1e-4, 1.0 - 1e-4)
    lr = (p / (1.0 - p)) * ((1.0 - prior) / prior)
    return np.log1p(rate * (lr - 1.0))


def _per_type_max(values: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """The largest value per distinct word hash."""
    order = np.lexsort((-values, hashes))
    h = hashes[order]
    return values[order][np.r_[True, h[1:] != h[:-1]]] if len(h) else values


def _tokenize_prefix(text: str, small_numbers: bool = False) -> Tokens:
    """Tokens of `text`, or of a prefix of it that still holds more than MAX_TOKENS of them (all the
    caller keeps): a 200k-character page is not tokenised whole to keep its first 3,000 words. A short
    prefix is tried first, then a longer one (texts of long tokens), then the whole text. The
    tokens before the cut are those of the whole text, since the cut falls after the start of a later
    token."""
    for size in (FIRST_PREFIX_CHARS, PREFIX_CHARS):
        head = text[:size]
        if len(head) == len(text):
            break
        tok = tokenize(head, small_numbers=small_numbers)
        if len(tok) > MAX_TOKENS:
            return tok
    return tokenize(text, small_numbers=small_numbers)


def analysed_text(text: str, small_numbers: bool = False) -> tuple[str, Tokens]:
    """The part of a main text this pass analyses, its first MAX_TOKENS words (a long article's first
    words estimate its swap density well enough), and its tokens. Other signals over the main text's
    words take these too, so that it is tokenised once. `small_numbers`: the tables' way of tokenising
    (`model.tables.small_numbers_of`)."""
    tok = _tokenize_prefix(text, small_numbers)
    if len(tok) > MAX_TOKENS:
        return text[: int(tok.starts[MAX_TOKENS])], tok.head(MAX_TOKENS)
    return text, tok


def _case_like(src: str, word: str) -> str:
    if src.isupper() and len(src) > 1:
        return word.upper()
    if src[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _sentence_ids(text: str, starts: np.ndarray) -> np.ndarray:
    ends = [m.end() for m in P.SENTENCE_END.finditer(text)]
    return np.searchsorted(np.asarray(ends, dtype=np.int64), starts, side="right")


def compute(text: str, tables: ReferenceTables | None, *, english: bool = True,
            token_model=None, analysed: tuple[str, Tokens] | None = None) -> tuple[dict[str, float], Signal]:
    """Features and evidence for the main text. `token_model` (a fitted classifier over TOKEN_FEATURES)
    gives each token a probability of being a swap; without it those features are NaN. `analysed`:
    `analysed_text(text, small_numbers_of(tables))`, when the caller has it already."""
    member_feats, signal = compute_members(text, tables, english=english, analysed=analysed,
                                           token_models=() if token_model is None else (token_model,))
    return member_feats[0], signal


def compute_members(text: str, tables: ReferenceTables | None, *, english: bool = True, token_models=(),
                    analysed: tuple[str, Tokens] | None = None,
                    pooled: bool = False) -> tuple[list[dict[str, float]], Signal]:
    """`compute` for an ensemble's swap models: one feature dict per model in `token_models` (one with the
    swap features NaN when there is none), the text's analysis and token matrix computed once. The evidence
    is the models' mean swap probability, and the signal fires on its own when the mean of their
    `swap_llr_0p3_per100` reaches the mean of their cuts (`llr_fire_of`). `pooled` (an artifact trained
    with `train --pooled-swaps`): every dict holds the swap features of that mean probability, at the
    models' mean prior, instead of each model's own (`model.artifact.pooled_swaps_of`)."""
    nan = float("nan")
    models = tuple(token_models)
    feats = {k: nan for k in FEATURES}
    text, tok = analysed if analysed is not None else analysed_text(text, small_numbers_of(tables))
    n = len(tok)
    feats["main_tokens_log"] = math.log1p(n)
    copies = max(1, len(models))
    if not english or tables is None or n < MIN_TOKENS:
        reason = "not_english" if not english else ("too_little_text" if n < MIN_TOKENS else "no_tables")
        return [dict(feats) for _ in range(copies)], Signal(NAME, DESCRIPTION, 0.0, False, (), reason)

    stats = text_stats(tok, tables)
    scopes = {scope_of(m) for m in models} or {NARROW_SCOPE}
    matrices = {scope: token_matrix(tok, tables, stats, scope) for scope in sorted(scopes)}
    X, best_o, span = matrices[scope_of(models[0]) if models else NARROW_SCOPE]
    scores = X[:, TOKEN_FEATURES.index("inv_gain")].astype(np.float64)
    probs = [swap_probabilities(matrices[scope_of(m)][0], m) for m in models]
    prob = np.mean(probs, axis=0) if probs else None
    zipf = stats.zipf
    alpha = X[:, TOKEN_FEATURES.index("is_num")] == 0      # words that are not numbers (not a loop over them again)
    per100 = 100.0 / n
    strong = scores >= STRONG
    weak = scores >= WEAK
    sent = _sentence_ids(text, tok.starts)
    n_sent = max(1, int(sent.max()) + 1 if len(sent) else 1)
    not_initial = np.r_[False, tok.joined[1:]]
    cap_strong = strong & tok.capital & not_initial

    # dictionary-free: pairs of common words never seen together in the reference
    j = np.flatnonzero(tok.joined[1:]) + 1
    common_pair = (zipf[j - 1] >= COMMON_ZIPF) & (zipf[j] >= COMMON_ZIPF)
    pair_s = stats.sup_pair[j]
    unseen = common_pair & (pair_s == 0)
    n_common = int(common_pair.sum())
    unseen_left = np.zeros(n, bool)
    unseen_left[j[unseen]] = True
    evaluable_mid = np.zeros(n, bool)
    evaluable_mid[:-1] = tok.joined[1:]
    double = unseen_left[:-1] & unseen_left[1:]     # token i unseen with both neighbours

    half = sorted([*P.HALF_SPELLED_NUMBER.finditer(text), *P.NUMBER_IN_NOTATION.finditer(text)],
                  key=lambda m: m.start())
    compounds = P.SPELLED_COMPOUND.findall(text)
    idioms = list(P.BROKEN_IDIOMS.finditer(text))
    top = np.sort(scores)[-5:]
    feats.update({
        "spun_strong_per100": float(strong.sum()) * per100,
        "spun_weak_per100": float(weak.sum()) * per100,
        "spun_score_sum_per100": float(np.clip(scores, 0, 6).sum()) * per100,
        "spun_top5_mean": float(top.mean()) if len(top) else 0.0,
        "spun_sentence_share": len(set(sent[strong].tolist())) / n_sent,
        "spun_capital_per100": float(cap_strong.sum()) * per100,
        "spun_phrase_per100": float((strong & (span == 2)).sum()) * per100,
        "unseen_common_pair_share": float(unseen.sum()) / n_common if n_common else 0.0,
        "double_unseen_per100": float(double.sum()) * per100,
        "rare_word_share": float(((zipf < 3.0) & alpha).sum()) / max(1, int(alpha.sum())),
        "mean_zipf": float(zipf[alpha].mean()) if alpha.any() else 0.0,
        "half_spelled_numbers": float(len(half)),
        "spelled_compounds": float(len(compounds)),
        "broken_idioms_per1k": len(idioms) * 1000.0 / n,
    })

    if pooled and probs:
        shared = _swap_features(prob, tok, float(np.mean([prior_of(m) for m in models])), sent, n_sent)
        member_feats = [dict(feats, **shared) for _ in models]
    else:
        member_feats = [dict(feats, **_swap_features(p, tok, prior_of(m), sent, n_sent))
                        for p, m in zip(probs, models)] or [feats]
    rank = prob if prob is not None else scores
    floor = SWAP_EVIDENCE_PROB if prob is not None else STRONG
    evidence: list[Evidence] = []
    owner = np.full(n, -1)          # evidence item listing each token: one swap is one piece of evidence
    for i in np.argsort(-rank)[: MAX_EVIDENCE * 2].tolist():
        if rank[i] < floor or len(evidence) >= MAX_EVIDENCE:
            break
        k = int(span[i])
        s, e = int(tok.starts[i]), int(tok.ends[min(i + k - 1, n - 1)])
        src = text[s:e]
        orig = tables.orig_words_[int(best_o[i])] if best_o[i] >= 0 else None
        conf = float(prob[i]) if prob is not None else 1.0 - math.exp(-(scores[i] - WEAK) / 1.5)
        item = Evidence(text=src, start=s, end=e, suggestion=_case_like(src, orig) if orig else None,
                        confidence=round(conf, 3), detail="inverse_thesaurus" if orig else "collocation_anomaly")
        taken = set(owner[i:i + k].tolist()) - {-1}
        if taken:
            # "Point out" -> "State" after "out" alone was listed: the span with its original replaces it
            j = taken.pop()
            if taken or k == 1 or not orig or evidence[j].suggestion:
                continue
            item = replace(item, confidence=max(conf, evidence[j].confidence or 0.0))
            evidence[j] = item
            owner[i:i + k] = j
            continue
        owner[i:i + k] = len(evidence)
        evidence.append(item)
    for m in half:
        evidence.append(Evidence(text=m.group(), start=m.start(), end=m.end(), confidence=0.9,
                                 detail="half_spelled_number"))
    for m in idioms[:10]:
        evidence.append(Evidence(text=m.group(), start=m.start(), end=m.end(), confidence=0.5,
                                 detail="broken_fixed_expression"))
    n_swaps = sum(1 for ev in evidence if ev.detail in ("inverse_thesaurus", "collocation_anomaly")
                  and (ev.confidence or 0.0) >= (SWAP_FIRE_PROB if prob is not None else 0.0))
    density = n_swaps * per100
    strength = 1.0 - math.exp(-density / 1.5) if density > 0 else 0.0
    strength = max(strength, 0.9 if half else 0.0)
    fired = (n_swaps >= 3 and density >= 0.6) or bool(half)
    reason = "swapped_synonyms" if fired else "few_swaps"
    llr = float(np.mean([f["swap_llr_0p3_per100"] for f in member_feats]))
    llr_fire = float(np.mean([llr_fire_of(m) for m in models])) if models else SWAP_LLR_FIRE
    if prob is not None and llr >= llr_fire:    # many weak suspicions that add up (see `swap_llr`)
        evidence.append(Evidence(text=f"log-likelihood ratio {llr:+.3f} per 100 words that 0.3% of the words are "
                                      f"swaps rather than none", detail="swap_likelihood_ratio"))
        strength = max(strength, 1.0 - math.exp(-llr / llr_fire))
        reason = reason if fired else "swap_likelihood_ratio"
        fired = True
    evidence.sort(key=lambda ev: ev.start if ev.start is not None else 0)
    return member_feats, Signal(NAME, DESCRIPTION, strength, fired, tuple(evidence), reason)


def _swap_features(prob: np.ndarray, tok: Tokens, prior: float, sent: np.ndarray, n_sent: int) -> dict[str, float]:
    """The features of one swap model's per-token probabilities `prob` (`compute_members`)."""
    n = len(tok)
    per100 = 100.0 / n
    llr_sums = {k: swap_llr(prob, r, prior).sum() for k, r in LLR_RATES.items()}
    return {
        "swap_prob_mean": float(prob.mean()),
        "swap_prob_top10": float(np.sort(prob)[-10:].mean()),
        "swap_p50_per100": float((prob >= 0.5).sum()) * per100,
        "swap_p80_per100": float((prob >= 0.8).sum()) * per100,
        "swap_prob_sum_per100": float(prob.sum()) * per100,
        "swap_window_max": float(np.convolve(prob, np.ones(SWAP_WINDOW), "valid").max()) if n >= SWAP_WINDOW
        else float(prob.sum()),
        "swap_sentence_share": len(set(sent[prob >= 0.5].tolist())) / n_sent,
        # distinct words flagged: a legitimate text's false flags repeat (its jargon and names recur),
        # a spinner's swaps are mostly different words (`python -m training.tokenexp`, "private" at
        # 3.5%: recall at 1% of unspun texts 61% by distinct words, 15% by summed probabilities)
        "swap_types_p50_per100": float(len(np.unique(tok.hashes[prob >= 0.5]))) * per100,
        "swap_types_p70_per100": float(len(np.unique(tok.hashes[prob >= 0.7]))) * per100,
        # the mixture likelihood ratio (`swap_llr`); `python -m training.tokenexp`, "private" at 3.5%:
        # recall at 1% of unspun texts 79% at r = 0.3%, against 67% by distinct flagged words
        **{f"swap_llr_{k}_per100": float(llr_sums[k]) * per100 for k in LLR_RATES},
        # the same sums over sqrt(n), the rate at which their spread on a text without swaps grows (a
        # z-like statistic, not centred): a density of flags means more in a long text than in a short
        # one (`python -m training.tokenexp`, 400 held-out texts: document AUC at 3.5% 0.9737 -> 0.9755
        # "private", 0.9873 -> 0.9896 Moby, r = 0.3%)
        **{f"swap_llr_{k}_z": float(llr_sums[k]) / math.sqrt(n) for k in LLR_Z_RATES},
        "swap_types_llr_0p3_per100":
            float(swap_llr(_per_type_max(prob, tok.hashes), 0.003, prior).sum()) * per100,
    }
