"""Held-out farm layouts: `python -m training.farmpage [--pages N] [--model-dir DIR]`.

Issue #2 measures "farm pages whose article had 2.5-8% of its words changed", built "with a spinner and
farm layouts you do not see". Training's farm pages all come from `training/layouts.py`; a model could
learn those templates instead of the tells. This protocol builds farm pages in three layouts written here
and used nowhere in training, with residue wording, publishers, a hash length and spam titles that
`training/layouts.py` does not have, around held-out texts (the frozen evaluation fold) spun by the
held-out "private" dictionary and by "frequent" (close common synonyms, the hardest for the swap model).
Each page carries both tells ("full"), the link block only, or the residue only; the same texts unspun in
the same layouts, with the site's own copyright and (BBC texts) a block of same-category titles, give
the false-positive rate. Reference tables are rebuilt without the held-out fold, as in
`training.plainpage`; the models are the bundled ones.
"""
from __future__ import annotations

import html
import os
import random
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")

RATES = (0.025, 0.035, 0.05, 0.08)
DICTIONARIES = ("private", "frequent")
VARIANTS = ("full", "links", "residue")
LAYOUTS = ("bare", "widget", "cards")

HEADINGS = ("More Stories", "Related Posts", "You May Also Like", "Recent Posts", "Continue Reading",
            "More From Our Network", "Around the Web", "Sponsored Stories")
PUBLISHERS = ("Sinclair Broadcast Group", "Lee Enterprises", "The Globe and Mail Inc.", "Scripps Media, Inc.",
              "Nexstar Media Inc.", "Thomson Reuters", "Tegna Inc.", "The Irish Times DAC")
# spam titles of the kinds farms link to, some of them run through a spinner as farms do
SPAM_TITLES = (
    "Strategies for On line Dwelling Business enterprise Achievement", "Cheap Car Insurance Quotes in Minutes",
    "Shed Lbs Fast With This One Easy Trick", "Best No Deposit Casino Bonuses Right Now",
    "How to Get a Payday Mortgage With Bad Credit", "Why Crypto Buying and selling Beats the Stock Market",
    "Rank Your Internet site Higher in 30 Days", "Top rated CBD Gummies for Snooze",
    "Earn Income From Property Without Experience", "The Keto Pills Doctors Will not Talk About",
    "Find Hot Singles in Your Area Tonight", "Get Your Essay Written by Pros Today",
    "Forex Signals That Really Work", "Solar Panels for Free? Homeowners Are Shocked",
    "Unlock Any Streaming Site With This VPN", "Affiliate Marketing and advertising for Novices",
    "Remove Bed Bugs in a Single Day", "Consolidate Your Personal debt in One particular Payment",
)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(('Ana', 'Ben', 'Cora', 'Dev', 'Elif', 'Finn', 'Greta', 'Hugo', 'Iris', 'Jonas'))} " \
           f"{rng.choice(('Alvarez', 'Byrne', 'Chen', 'Dufour', 'Eklund', 'Fischer', 'Gallo', 'Hughes', 'Ivanova'))}"


def residue_lines(rng: random.Random) -> list[str]:
    """Two or three lines a farm leaves from the page it copied, worded unlike `training/layouts.py`: a
    spun publisher copyright (sometimes with a 40-hex hash), "Reporting by ...; Modifying by ...",
    "Speak to ... at [email protected]", "This write-up was first posted on ...", "... contributed reporting"."""
    publisher = rng.choice(PUBLISHERS)
    year = rng.randint(2011, 2024)
    pool = [
        f"Copyright \u00a9 {year} {publisher}. All Legal rights Reserved."
        + (f" {rng.getrandbits(160):040x}" if rng.random() < 0.5 else ""),
        f"Reporting by {_name(rng)}; Modifying by {_name(rng)}",
        f"Speak to {_name(rng)} at [email protected]",
        f"This write-up was first posted on {publisher}.",
        f"{_name(rng)} contributed reporting.",
    ]
    first = pool[0] if rng.random() < 0.7 else rng.choice(pool[1:])
    rest = [line for line in pool if line != first]
    return [first] + rng.sample(rest, rng.randint(1, 2))


def _links(titles: list[str], layout: str, rng: random.Random, domain: str) -> str:
    heading = html.escape(rng.choice(HEADINGS))
    hrefs = [f"https://{domain}/{rng.randint(1000, 9999)}/{t.lower().replace(' ', '-')[:40]}" for t in titles]
    if layout == "bare":       # a heading and a div of links separated by <br>, as in the seed
        items = "".join(f'<a href="{html.escape(h)}">{html.escape(t)}</a><br>' for t, h in zip(titles, hrefs))
        return f"<h4>{heading}</h4><div>{items}</div>"
    if layout == "widget":     # a list widget after the article
        items = "".join(f'<li class="rp-item"><a href="{html.escape(h)}">{html.escape(t)}</a></li>'
                        for t, h in zip(titles, hrefs))
        return f'<section class="rp-widget"><h2 class="rp-title">{heading}</h2><ul>{items}</ul></section>'
    items = "".join(f'<div class="tile"><a href="{html.escape(h)}"><img src="/t/{i}.jpg" alt="">'
                    f"<span>{html.escape(t)}</span></a></div>" for i, (t, h) in enumerate(zip(titles, hrefs)))
    return f'<div class="tiles-wrap"><h3>{heading}</h3><div class="tiles">{items}</div></div>'


def layout_page(layout: str, site: str, title: str, paragraphs: list[str], rng: random.Random, *,
                residue: list[str], link_titles: list[str], link_domain: str) -> str:
    """A page in one of the held-out LAYOUTS: the article, then the residue lines, then a link block, and
    the site's own copyright in the footer (farm and legitimate sites alike)."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    res = "".join(f"<p>{html.escape(line)}</p>" for line in residue)
    links = _links(link_titles, layout, rng, link_domain) if link_titles else ""
    footer = f"<p>\u00a9 {rng.randint(2015, 2025)} {html.escape(site)}</p>"
    head = f'<head><meta charset="utf-8"><title>{html.escape(title)} | {html.escape(site)}</title></head>'
    if layout == "bare":
        return (f"<!DOCTYPE html><html>{head}<body><div class=\"site\"><div class=\"logo\">{html.escape(site)}</div>"
                f"<div class=\"entry\"><h1>{html.escape(title)}</h1>{body}{res}</div>{links}"
                f"<div class=\"foot\">{footer}</div></div></body></html>")
    if layout == "widget":
        return (f"<!DOCTYPE html><html lang=\"en\">{head}<body><header><a href=\"/\">{html.escape(site)}</a>"
                f"<nav><a href=\"/news\">News</a> <a href=\"/about\">About</a></nav></header><main><article>"
                f"<h1>{html.escape(title)}</h1><div class=\"post-body\">{body}</div>{res}</article>{links}</main>"
                f"<footer>{footer}</footer></body></html>")
    return (f"<!DOCTYPE html><html>{head}<body><table width=\"100%\"><tr><td class=\"brand\">{html.escape(site)}"
            f"</td></tr><tr><td><h2>{html.escape(title)}</h2>{body}<div class=\"src\">{res}</div></td></tr></table>"
            f"{links}<div class=\"bottom\">{footer}</div></body></html>")


def farm_page(layout: str, variant: str, title: str, paragraphs: list[str], rng: random.Random) -> str:
    """A farm page in a held-out layout; `variant` is one of VARIANTS."""
    titles = rng.sample(SPAM_TITLES, rng.randint(3, 7)) if variant in ("full", "links") else []
    lines = residue_lines(rng) if variant in ("full", "residue") else []
    return layout_page(layout, "Daily Newsroom Now", title, paragraphs, rng, residue=lines, link_titles=titles,
                       link_domain="daily-newsroom-now.example")


def legit_page(layout: str, title: str, paragraphs: list[str], rng: random.Random,
               related: list[str]) -> str:
    """The near miss: the same layout with the site's own copyright and an on-topic related block."""
    return layout_page(layout, "Westfield Courier", title, paragraphs, rng, residue=[], link_titles=related,
                       link_domain="westfield-courier.example")


def farmpage_table(det: Any, held: list[Any], test: list[Any], shared: Path, seed: int,
                   emit: Callable[[str], None]) -> None:
    """Emit the protocol's lines (Markdown) for the held-out texts `test`, `held` being all held-out
    English texts (where same-category titles come from); see `training.protocol.held_out_setup`."""
    from training.dataset import _paragraphs
    from training.spinner import SPINNER_DICTIONARIES

    rng = random.Random(seed + 1)

    def parts(d) -> tuple[str, list[str]]:  # noqa: ANN001
        title = d.title or " ".join(d.text.split()[:10])
        return title, _paragraphs(d.text if not d.title else d.text.split("\n", 1)[-1])

    hams = n_hams = 0
    for d in test:
        title, paras = parts(d)
        related = [o.title for o in held if d.category and o.category == d.category and o is not d and o.title]
        for layout in LAYOUTS:
            page = legit_page(layout, title, paras, rng, rng.sample(related, min(4, len(related))))
            hams += det.score(page).is_spam       # against the threshold it gets
            n_hams += 1
    emit(f"model {det.version}; {len(test)} held-out texts x {len(LAYOUTS)} held-out layouts; legitimate "
         f"pages flagged: {hams}/{n_hams} ({hams / n_hams:.1%})")
    emit("\n| dictionary | variant | " + " | ".join(f"{r:.1%}" for r in RATES) + " |")
    emit("|---|---|" + "---:|" * len(RATES))
    for name in DICTIONARIES:
        spinner = SPINNER_DICTIONARIES[name](shared)
        for variant in VARIANTS:
            cells = []
            for rate in RATES:
                hits = n = 0
                for d in test:
                    title, paras = parts(d)
                    spun = [r.text for r in spinner.spin_many(paras, rate, rng)]
                    layout = LAYOUTS[n % len(LAYOUTS)]
                    hits += det.score(farm_page(layout, variant, title, spun, rng)).is_spam
                    n += 1
                cells.append(f"{hits / n:.1%}")
            emit(f"| {name} | {variant} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    from training.protocol import held_out_setup, print_line, protocol_cli

    def run(shared: Path, args: Any) -> None:
        det, held, test = held_out_setup(shared, args.model_dir, args.pages, args.seed)
        farmpage_table(det, held, test, shared, args.seed, print_line)

    return protocol_cli(argv, __doc__, 60, run)


if __name__ == "__main__":
    raise SystemExit(main())
