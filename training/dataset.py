"""The default training set, built from ../shared: real pages (hams), their spun copies (in place and in
farm layouts) and hard negatives, each tagged with its group (site or article), fold, kind and spin rate.

Split by group, never by page: a page, its spun copies and the rest of its site share one fold.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

from training.corpus import Article, CorpusPage, load_bbc, load_corpus, read_html, read_main_text

# "private" and "seed" are held out (cross-spinner); "seed_train" is the other half of the hand-written swaps
# and more of the kind (`training.spinner.SEED_TRAIN_SWAPS`)
TRAIN_DICTIONARIES = ("moby", "mythes", "tortured", "mixed", "frequent", "seed_train")
SPIN_RATES = (0.01, 0.015, 0.02, 0.03, 0.035, 0.05, 0.08, 0.12, 0.15)
# hams we make (legitimate text in layouts we wrote): they train the classifier, but the threshold is set on
# real pages only (training/evaluation.py `threshold_rows`)
SYNTHETIC_HAM_KINDS = frozenset({"ham_layout", "ham_bare"})
BARE_MIN_WORDS = 150          # texts this long or longer make bare hams, as the plain-page protocol's real articles
FARM_KINDS = ("farm_full", "farm_spun_only", "farm_spun_links", "farm_spun_residue", "farm_links_residue")


def fold_of(group: str, folds: int) -> int:
    """Deterministic fold of a group (site or article id)."""
    return int(hashlib.sha1(group.encode()).hexdigest()[:8], 16) % folds


@dataclass
class SourceDoc:
    """A legitimate text (page ground truth or BBC article) with its group and fold."""

    group: str
    fold: int
    title: str
    text: str
    category: str = ""
    page: CorpusPage | None = None


@dataclass
class Sample:
    """One labelled page for the classifier."""

    id: str
    html: bytes
    label: int
    kind: str
    group: str
    fold: int
    source: str
    page_type: str = ""
    spin_rate: float | None = None
    dictionary: str = ""
    url: str = ""
    meta: dict = field(default_factory=dict)


def source_docs(shared: Path, folds: int, limit: int | None = None) -> tuple[list[SourceDoc], list[CorpusPage]]:
    """Reference/source texts from the corpus ground truth and the BBC articles."""
    pages = load_corpus(shared, verbose=False)
    docs: list[SourceDoc] = []
    for p in pages[: limit or None]:
        text = read_main_text(p)
        if text and len(text.split()) >= 30:
            docs.append(SourceDoc(group=p.site, fold=fold_of(p.site, folds), title="", text=text, page=p))
    bbc: list[Article] = load_bbc(shared)
    for a in bbc[: (limit // 2) if limit else None]:
        group = f"bbc:{a.category}:{a.file}"
        docs.append(SourceDoc(group=group, fold=fold_of(group, folds), title=a.title, text=a.text,
                              category=a.category))
    return docs, pages[: limit or None]


def _paragraphs(text: str) -> list[str]:
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    return paras or [text]


def _english(d: SourceDoc) -> bool:
    """Whether a source text is English (BBC texts are; a corpus page says in its language tag)."""
    return d.page is None or (d.page.lang or "en") == "en"


def _source_of(d: SourceDoc) -> str:
    return "bbc" if d.category else (d.page.source if d.page is not None else "")


def _spin_paragraphs(spinner, paras: list[str], rate: float,  # noqa: ANN001 (training.spinner.Spinner)
                     rng: random.Random) -> tuple[list[str], float]:
    """`paras` spun as one document at `rate` (`Spinner.spin_many`), and the share of their words it changed."""
    results = spinner.spin_many(paras, rate, rng)
    words = sum(r.words for r in results) or 1
    return [r.text for r in results], sum(r.rate * r.words for r in results) / words


def build_samples(docs: list[SourceDoc], pages: list[CorpusPage], spinners: dict, seed: int,
                  folds: int, dictionaries: tuple[str, ...] = TRAIN_DICTIONARIES) -> list[Sample]:
    """Hams, in-place spun pages, farm pages of every kind and hard negatives (see module doc)."""
    from training import layouts
    from training.inplace import spin_in_place

    rng = random.Random(seed)
    samples: list[Sample] = []
    text_of = {id(d.page): d.text for d in docs if d.page is not None}
    by_cat: dict[str, list[SourceDoc]] = {}
    for d in docs:
        if d.category:
            by_cat.setdefault(d.category, []).append(d)
    for p in pages:
        raw = read_html(p)
        fold = fold_of(p.site, folds)
        base = dict(group=p.site, fold=fold, source=p.source, page_type=p.page_type or "")
        kind = "ham_related" if p.flags.get("rel_trailing_en") else "ham"
        samples.append(Sample(id=f"ham:{p.rel_path}", html=raw, label=0, kind=kind, **base))
        text = text_of.get(id(p))
        if text and (p.lang or "en") == "en":
            name = rng.choice(dictionaries)
            rate = rng.choice(SPIN_RATES)
            res = spin_in_place(raw, text, spinners[name], rate, rng)
            if res is not None and res.changes > 0:
                samples.append(Sample(id=f"inplace:{p.rel_path}", html=res.html, label=1, kind="inplace_spun",
                                      spin_rate=res.rate, dictionary=name, **base))
    for n, d in enumerate(docs):
        if not _english(d):
            continue
        title = d.title or " ".join(d.text.split()[:10])
        paras = _paragraphs(d.text if not d.title else d.text.split("\n", 1)[-1])
        kind = rng.choice(FARM_KINDS)
        spun = kind != "farm_links_residue"
        name = rng.choice(dictionaries)
        rate = rng.choice(SPIN_RATES)
        rate_done = None
        if spun:
            paras, rate_done = _spin_paragraphs(spinners[name], paras, rate, rng)
        html = layouts.farm_page(title, paras, rng, spam_links=kind in ("farm_full", "farm_spun_links", "farm_links_residue"),
                                 residue=kind in ("farm_full", "farm_spun_residue", "farm_links_residue"))
        samples.append(Sample(id=f"{kind}:{d.group}:{n}", html=html.encode("utf-8"), label=1, kind=kind, group=d.group,
                              fold=d.fold, source=_source_of(d), spin_rate=rate_done,
                              dictionary=name if spun else ""))
        # a hard negative from the same text: own copyright line and on-topic related links
        if rng.random() < 0.6:
            related = None
            if d.category and rng.random() < 0.8:
                pool = by_cat[d.category]
                related = [o.title for o in rng.sample(pool, min(5, len(pool))) if o is not d and o.title][:4]
            site = rng.choice(layouts.SITE_NAMES)
            html = layouts.legit_page(title, _paragraphs(d.text if not d.title else d.text.split("\n", 1)[-1]), rng,
                                      site_name=site, related_titles=related, own_copyright=rng.random() < 0.8)
            samples.append(Sample(id=f"ham_layout:{d.group}:{n}", html=html.encode("utf-8"), label=0, kind="ham_layout",
                                  group=d.group, fold=d.fold, source=_source_of(d)))
    return samples


def bare_ham_samples(docs: list[SourceDoc]) -> list[Sample]:
    """Every source text of BARE_MIN_WORDS or more alone in a bare page (a title and its paragraphs,
    `training.plainpage.plain_page`), kind "ham_bare". They are never fitted on: their out-of-fold scores set
    the bare-page threshold (`training.evaluation.choose_bare_threshold`) and the test fold's are reported."""
    from training.plainpage import plain_page, title_of

    return [Sample(id=f"ham_bare:{d.group}:{n}", html=plain_page(title_of(d), d.text).encode("utf-8"), label=0,
                   kind="ham_bare", group=d.group, fold=d.fold, source=_source_of(d))
            for n, d in enumerate(docs) if len(d.text.split()) >= BARE_MIN_WORDS]


def bare_spam_samples(docs: list[SourceDoc], spinners: dict, seed: int,
                      dictionaries: tuple[str, ...] = TRAIN_DICTIONARIES, spins: int = 1) -> list[Sample]:
    """Every English source text of BARE_MIN_WORDS or more, spun `spins` times, each with a training dictionary
    at a training spin rate (drawn per text and spin) and put alone in a bare page, kind "bare_spun": the spun
    side of `bare_ham_samples`, so that the page classifier sees spun text with nothing else on the page to
    weigh. The spins are drawn pass after pass, so the first pass is the same with any `spins`."""
    from training.plainpage import plain_page, title_of

    rng = random.Random(seed)
    samples = []
    for spin in range(spins):
        for n, d in enumerate(docs):
            if len(d.text.split()) < BARE_MIN_WORDS or not _english(d):
                continue
            name, rate = rng.choice(dictionaries), rng.choice(SPIN_RATES)
            paras, rate_done = _spin_paragraphs(spinners[name], _paragraphs(d.text), rate, rng)
            html = plain_page(title_of(d), "\n".join(paras)).encode("utf-8")
            samples.append(Sample(id=f"bare_spun:{d.group}:{n}" + (f":{spin}" if spin else ""), html=html, label=1,
                                  kind="bare_spun", group=d.group, fold=d.fold, source=_source_of(d),
                                  spin_rate=rate_done, dictionary=name))
    return samples
