"""Synthetic page layouts: content-farm pages and legitimate look-alikes that differ only in the tells.

Everything here (markup, names, titles, residue wording) is written for unspun; nothing is copied from
../shared. Both `farm_page` and `legit_page` draw from the *same* pool of templates (WordPress themes,
news magazines, minimal blogs, AMP-ish, Bootstrap grids, page builders, portals...) with the same optional
furniture (nav, sidebars, cookie banners, ad slots, share buttons, comment stubs, bylines, footers with the
site's own copyright). They differ only in what the lead asks for:

* farm: foreign copyright residue after the article (``copyright_residue``) and a trailing block of
  off-topic spam link titles (``spam_link_titles``) under a heading such as "More Stories";
* legit: the site's own copyright (same name as the logo) and an on-topic related-links block.

`add_trailing_block`, `trailing_block_html` and `residue_html` add the same tells to real pages in place.
All randomness comes from the `random.Random` passed in: same seed, same bytes.
"""
from __future__ import annotations

import html as html_lib
import random
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

# -- word lists ------------------------------------------------------------------------------------------------

SITE_NAMES: list[str] = [
    "The Daily Ledger", "Metro Chronicle", "NewsPulse Today", "Global Herald Online", "The Morning Dispatch",
    "Capital Wire", "Northside Gazette", "The Civic Record", "Bay Area Observer", "Harbor Times",
    "Prairie Post", "The Evening Sentinel", "Summit Report", "Lakeside Courier", "The Urban Journal",
    "WorldView Digest", "TrendWatch Daily", "Insight Bulletin", "The Signal Times", "Crossroads Tribune",
    "Riverbend News", "The Weekly Compass", "Frontline Times", "Keystone Review", "Harborview Herald",
    "Maple Street Press", "Pacific Current", "Atlas Newsroom", "Granite State Wire", "Silverline News",
    "The Open Notebook", "Daily Briefing Hub", "Coastal Standard", "Midland Monitor", "NewsNest",
    "HeadlineHive", "The Quiet Observer", "Pinecrest Post", "Sunrise Bulletin", "Union Square Times",
]

PUBLISHERS: list[str] = [
    "Dow Jones & Company, Inc.", "The New York Times Company", "The Associated Press", "Reuters",
    "Bloomberg L.P.", "Gannett Co., Inc.", "Tribune Content Agency, LLC", "Cable News Network, Inc.",
    "NBCUniversal Media, LLC", "Fox News Network, LLC", "Guardian News & Media Limited", "The Washington Post",
    "Los Angeles Times", "Nikkei Inc.", "Financial Times Ltd.", "CBS Interactive Inc.", "Hearst Communications, Inc.",
    "Condé Nast", "Vox Media, LLC", "Insider Inc.", "McClatchy Company", "Advance Local Media LLC",
    "The Economist Newspaper Limited", "Agence France-Presse", "Yahoo News", "Forbes Media LLC",
    "Axios Media Inc.", "USA Today Network", "South China Morning Post Publishers Ltd.", "The Atlantic Monthly Group",
]

AGENCIES: list[str] = [
    "The Associated Press", "Reuters", "AFP", "Agence France-Presse", "Bloomberg News", "United Press International",
    "Kyodo News", "Press Trust of India", "The Canadian Press", "Australian Associated Press", "Yonhap News Agency",
    "dpa", "EFE", "ANSA", "Xinhua", "PA Media", "Anadolu Agency", "Tribune News Service",
]

FIRST_NAMES: list[str] = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph "
    "Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret Steven Sandra Paul "
    "Ashley Andrew Emily Joshua Donna Kevin Michelle Brian Carol Ahmed Priya Wei Yuki Omar Sofia Lucas Amara "
    "Diego Fatima Ivan Chloe Hassan Leila Mateo Nadia Tomas Ingrid Rafael Aisha"
).split()
LAST_NAMES: list[str] = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera "
    "Campbell Mitchell Carter Roberts Okafor Haddad Kowalski Lindqvist Tanaka Petrov Moreau Castillo Brennan Novak"
).split()

CITIES: list[str] = (
    "Washington|New York|London|Chicago|Beirut|Tokyo|Berlin|Paris|Brussels|Nairobi|Mumbai|Sydney|Toronto|"
    "Mexico City|Sao Paulo|Istanbul|Seoul|Hong Kong|Johannesburg|Madrid|Rome|Moscow|Cairo|Dubai|Singapore"
).split("|")

TRAILING_HEADINGS: list[str] = [
    "More Stories", "Related Posts", "You May Also Like", "Recent Posts", "Read More", "Trending", "Latest News",
    "Popular Posts", "Related Articles", "Don't Miss", "Recommended for You", "Read Next", "Also Read",
    "Top Stories", "Editor's Picks", "More News", "You Might Also Like", "Related Stories", "What to Read Next",
    "Most Popular", "Further Reading", "Related",
]

RESIDUE_KINDS: tuple[str, ...] = (
    "publisher_copyright", "hash", "write_to", "contributed", "originally_appeared", "source", "agency_rights",
)

# -- spam titles -----------------------------------------------------------------------------------------------

_SPAM_TOPICS: dict[str, dict[str, list[str]]] = {
    "home_business": {
        "subject": ["Online Home Business Opportunities", "Home Based Businesses", "a Business Opportunity",
                    "Work From Home Jobs", "Network Marketing", "Your Home Business", "Passive Income Streams"],
        "goal": ["Start a Home Business", "Make Money From Home", "Earn Extra Income Online", "Quit Your Day Job",
                 "Build a Profitable Side Hustle", "Find Legit Work From Home Jobs"],
    },
    "weight_loss": {
        "subject": ["Weight Loss", "the Keto Diet", "Belly Fat", "Intermittent Fasting", "Fat Burning Supplements",
                    "Healthy Meal Plans", "Detox Teas"],
        "goal": ["Lose Weight Fast", "Burn Belly Fat", "Drop 10 Pounds in a Week", "Boost Your Metabolism",
                 "Get a Flat Stomach", "Lose Weight Without Dieting"],
    },
    "casino": {
        "subject": ["Online Casinos", "Slot Machines", "Online Poker", "Sports Betting", "Casino Bonuses",
                    "Live Roulette", "No Deposit Bonus Codes"],
        "goal": ["Win at Online Slots", "Beat the Casino", "Pick the Best Betting Site", "Claim Free Spins",
                 "Win Big at Blackjack", "Bet Smarter on Football"],
    },
    "crypto": {
        "subject": ["Bitcoin", "Cryptocurrency Trading", "Crypto Wallets", "NFTs", "Altcoins", "Crypto Mining",
                    "DeFi Staking"],
        "goal": ["Invest in Bitcoin", "Trade Crypto Like a Pro", "Earn Passive Income With Crypto",
                 "Buy Your First NFT", "Mine Ethereum at Home", "Spot the Next Big Altcoin"],
    },
    "seo": {
        "subject": ["SEO", "Backlinks", "Search Engine Optimization", "Link Building", "Local SEO",
                    "Keyword Research", "Guest Posting Services"],
        "goal": ["Rank Higher on Google", "Get More Website Traffic", "Build Quality Backlinks",
                 "Boost Your Domain Authority", "Drive Organic Traffic", "Dominate Local Search"],
    },
    "insurance": {
        "subject": ["Car Insurance", "Life Insurance", "Health Insurance Plans", "Home Insurance",
                    "Travel Insurance", "Cheap Auto Insurance Quotes", "Pet Insurance"],
        "goal": ["Save on Car Insurance", "Compare Insurance Quotes", "Lower Your Premiums",
                 "Choose the Right Life Insurance", "File an Insurance Claim", "Find Cheap Coverage"],
    },
    "dating": {
        "subject": ["Online Dating", "Dating Apps", "Your First Date", "Finding Love After 40", "Dating Sites",
                    "Long Distance Relationships", "Singles Near You"],
        "goal": ["Find Your Soulmate", "Get More Matches", "Impress Your Date", "Write the Perfect Dating Profile",
                 "Meet Singles Online", "Win Back Your Ex"],
    },
    "essay": {
        "subject": ["Essay Writing Services", "Academic Writing", "Term Papers", "Dissertation Help",
                    "College Essays", "Homework Help", "Research Paper Writers"],
        "goal": ["Write a Winning Essay", "Buy Essays Online Safely", "Finish Your Dissertation Faster",
                 "Get Better Grades", "Hire a Cheap Essay Writer", "Beat Writer's Block"],
    },
    "cbd": {
        "subject": ["CBD Oil", "CBD Gummies", "Hemp Extract", "Delta 8", "CBD for Pets", "Full Spectrum CBD",
                    "CBD Vape Pens"],
        "goal": ["Relieve Anxiety With CBD", "Choose the Best CBD Oil", "Sleep Better With Hemp",
                 "Find the Right CBD Dosage", "Buy CBD Online", "Ease Joint Pain Naturally"],
    },
    "loans": {
        "subject": ["Payday Loans", "Personal Loans", "Bad Credit Loans", "Debt Consolidation", "Credit Repair",
                    "Student Loan Refinancing", "Cash Advance Apps"],
        "goal": ["Get a Loan With Bad Credit", "Fix Your Credit Score", "Get Out of Debt Fast",
                 "Borrow Money Today", "Consolidate Your Credit Cards", "Get Approved Instantly"],
    },
    "forex": {
        "subject": ["Forex Trading", "Binary Options", "Day Trading", "Forex Signals", "Trading Robots",
                    "Penny Stocks", "Options Trading"],
        "goal": ["Trade Forex From Home", "Double Your Money", "Pick Winning Stocks", "Retire Early",
                 "Make Money Day Trading", "Beat the Market"],
    },
    "affiliate": {
        "subject": ["Affiliate Marketing", "Dropshipping", "Email Marketing", "Social Media Marketing",
                    "Print on Demand", "Online Courses", "Amazon FBA"],
        "goal": ["Make Money Blogging", "Grow Your Email List", "Sell on Amazon", "Go Viral on TikTok",
                 "Launch an Online Store", "Earn Affiliate Commissions"],
    },
    "home_improvement": {
        "subject": ["Roofing Contractors", "Kitchen Remodeling", "Solar Panels", "Water Damage Restoration",
                    "Pest Control", "Carpet Cleaning", "Plumbing Services"],
        "goal": ["Choose a Roofing Contractor", "Remodel Your Kitchen on a Budget", "Save With Solar Panels",
                 "Get Rid of Bed Bugs", "Unclog a Drain", "Increase Your Home's Value"],
    },
    "tech_deals": {
        "subject": ["VPN Services", "Web Hosting", "Cheap Laptops", "Antivirus Software", "Phone Spy Apps",
                    "Free Movie Streaming Sites", "Gaming Chairs"],
        "goal": ["Pick the Best VPN", "Choose Cheap Web Hosting", "Unblock Streaming Sites", "Speed Up Your PC",
                 "Recover Deleted Files", "Watch Movies Online Free"],
    },
}

_SPAM_FRAMES: list[str] = [
    "{num} {tips} to {goal}", "How to {goal} {qual}", "The {adj} Guide to {subject}",
    "Why {subject} {is_claim}", "What Is {subject} Anyway?", "{subject} in a Nutshell",
    "{subject}: {num} Things You Need to Know", "Strategies and Ideas for {subject}",
    "{adj} {subject} Tips for Beginners", "Is {subject} Right for You?", "The Truth About {subject}",
    "{subject} Made Easy", "Best {subject} of {year}", "How I Learned to {goal} {qual}",
    "{num} Mistakes Everyone Makes With {subject}", "Everything You Need to Know About {subject}",
    "{goal} With These {num} {adj} {tips}", "Top {num} {subject} Secrets Revealed",
    "A {adj} Look at {subject}", "Can You Really {goal}?", "{subject} vs. {subject2}: Which Is Better?",
    "{subject} Explained", "Learn How to {goal} Today", "The Ultimate {subject} Checklist",
]
_SPAM_FILL = {
    "num": ["3", "5", "7", "10", "12", "15", "Five", "Seven", "Ten", "21"],
    "tips": ["Tips", "Ways", "Secrets", "Tricks", "Steps", "Reasons", "Strategies", "Hacks", "Ideas"],
    "qual": ["in 2021", "From Scratch", "on a Budget", "Fast", "Without Experience", "This Year", "in 30 Days",
             "for Beginners", "the Easy Way", "Like a Pro", "in Your Spare Time"],
    "adj": ["Complete", "Ultimate", "Essential", "Simple", "Proven", "Definitive", "Beginner's", "Smart",
            "Quick", "Insider's", "Easy", "Honest"],
    "is_claim": ["Is the Future", "Matters More Than Ever", "Is Easier Than You Think", "Is Booming Right Now",
                 "Could Change Your Life", "Is Not What You Think"],
    "year": ["2019", "2020", "2021", "2022", "2023", "the Year"],
}


def spam_link_titles(rng: random.Random, n: int, *, spinner: object | None = None, spin_rate: float = 0.15,
                     topics: Iterable[str] | None = None) -> list[str]:
    """`n` off-topic spammy link titles (home business, weight loss, casino, crypto, SEO, insurance, dating,
    essays, CBD, loans...), from a template grammar with thousands of combinations. A farm's block tends to
    stick to one or two topics, so each call picks up to two. With `spinner` (a `training.spinner.Spinner`)
    the titles are spun too, as farms do ("On line Dwelling Business enterprise Opportunities")."""
    names = sorted(topics) if topics is not None else sorted(_SPAM_TOPICS)
    chosen = rng.sample(names, k=min(len(names), rng.choice((1, 1, 2))))
    out: list[str] = []
    seen: set[str] = set()
    attempts = 0
    while len(out) < n and attempts < n * 20:
        attempts += 1
        topic = _SPAM_TOPICS[rng.choice(chosen)]
        subject, subject2 = rng.sample(topic["subject"], 2)
        fill = {k: rng.choice(v) for k, v in _SPAM_FILL.items()}
        fill.update(subject=subject, subject2=subject2, goal=rng.choice(topic["goal"]))
        title = rng.choice(_SPAM_FRAMES).format(**fill)
        title = re.sub(r"\bthe the\b", "the", title)
        title = re.sub(r"\bA ([AEIOU])", r"An \1", title)
        title = title[0].upper() + title[1:]
        if title in seen:
            continue
        seen.add(title)
        if spinner is not None:
            title = spinner.spin(title, spin_rate, rng).text  # type: ignore[attr-defined]
        out.append(title)
    return out


# -- residue ---------------------------------------------------------------------------------------------------

# Word swaps a spinner makes in boilerplate ("& Company" -> "& Firm", "Write to" -> "Produce to").
_RESIDUE_SPINS: dict[str, list[str]] = {
    "Company": ["Firm", "Business", "Corporation"], "Rights": ["Legal rights", "Rights"],
    "rights": ["legal rights", "rights"], "Write": ["Produce", "Compose", "Create", "Publish"],
    "article": ["post", "short article", "write-up", "posting"], "story": ["tale", "story"],
    "originally": ["initially", "at first", "originally"], "appeared": ["appeared", "showed up"],
    "published": ["released", "posted", "printed"], "material": ["product", "content", "substance"],
    "may": ["may possibly", "might"], "rewritten": ["rewritten", "re-written"], "Network": ["Community", "Network"],
    "News": ["Information", "News"], "Media": ["Media", "Press"], "Group": ["Team", "Group"], "Press": ["Push", "Press"],
    "contributed": ["contributed", "added"], "Source": ["Source", "Supply"], "Reserved": ["Reserved", "Reserved"],
}


def _spin_residue(line: str, rng: random.Random, p: float) -> str:
    def swap(m: re.Match[str]) -> str:
        w = m.group()
        return rng.choice(_RESIDUE_SPINS[w]) if w in _RESIDUE_SPINS and rng.random() < p else w
    return re.sub(r"[A-Za-z]+", swap, line)


def person_name(rng: random.Random) -> str:
    """A made-up reporter name."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if rng.random() < 0.1:
        return f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
    return f"{first} {last}"


def random_hash(rng: random.Random) -> str:
    """A stray 32-hex tracking hash like the ones copied along with syndicated articles."""
    return "".join(rng.choice("0123456789abcdef") for _ in range(32))


def _residue_line(kind: str, rng: random.Random, year: int, publisher: str) -> str:
    if kind == "publisher_copyright":
        lead = rng.choice(["Copyright ©{y}", "Copyright © {y}", "© {y}", "Copyright (c) {y}", "Copyright {y}", "©{y}"])
        tail = rng.choice([" All Rights Reserved.", " All rights reserved.", ""])
        return f"{lead.format(y=year)} {publisher}.{tail}".replace("..", ".")
    if kind == "hash":
        return random_hash(rng)
    if kind == "write_to":
        names = [person_name(rng) for _ in range(rng.choice((1, 1, 2)))]
        return "Write to " + " and ".join(f"{n} at [email protected]" for n in names)
    if kind == "contributed":
        names = [f"{person_name(rng)} in {rng.choice(CITIES)}" for _ in range(rng.choice((1, 2)))]
        return f"\u2014{' and '.join(names)} contributed to this {rng.choice(['article', 'article', 'story', 'report'])}."
    if kind == "originally_appeared":
        return rng.choice([
            f"This article originally appeared on {publisher}.", f"This story was originally published by {publisher}.",
            f"This article originally appeared in {publisher} and is republished here.",
            f"Originally published on {publisher}.",
        ]).replace("..", ".")
    if kind == "source":
        return rng.choice([f"Source: {rng.choice(AGENCIES)}", f"Source: {publisher}", "Source link",
                           f"Source: {rng.choice([a for a in AGENCIES if a != publisher])} via {publisher}"]).rstrip(".")
    if kind == "agency_rights":
        agency = rng.choice(AGENCIES)
        return (f"(c) {year} {agency}. All rights reserved. This material may not be published, broadcast, "
                f"rewritten or redistributed{rng.choice(['.', ' without permission.'])}")
    raise ValueError(f"unknown residue kind {kind!r}; known: {RESIDUE_KINDS}")


def copyright_residue(rng: random.Random, kinds: Iterable[str] | None = None, *, spun: bool | None = None,
                      publisher: str | None = None) -> list[str]:
    """Lines a farm leaves behind from the page it copied: another publisher's copyright, a stray hash,
    "Write to ... at [email protected]", "—X contributed to this article", "originally appeared on",
    "Source: ...", an agency's "All rights reserved. This material may not be published...".

    `kinds` picks which (in that order; default: 1-3 random kinds, a publisher copyright most often);
    `spun` (default: random) passes the lines through spinner-style swaps ("& Firm", "Produce to").
    A requested "hash" directly after "publisher_copyright" is appended to that line, as in the wild."""
    if kinds is None:
        pool = list(RESIDUE_KINDS)
        k = rng.choice((1, 2, 2, 3))
        picked = ["publisher_copyright"] if rng.random() < 0.6 else []
        while len(picked) < k:
            c = rng.choice(pool)
            if c not in picked:
                picked.append(c)
        order = {name: i for i, name in enumerate(("contributed", "write_to", "originally_appeared", "source",
                                                   "publisher_copyright", "hash", "agency_rights"))}
        kinds = sorted(picked, key=order.__getitem__)
    kinds = list(kinds)
    if spun is None:
        spun = rng.random() < 0.6
    year = rng.randint(2009, 2024)
    publisher = publisher or rng.choice(PUBLISHERS)
    lines: list[str] = []
    for i, kind in enumerate(kinds):
        line = _residue_line(kind, rng, year, publisher)
        if spun and kind != "hash":
            line = _spin_residue(line, rng, 0.7)
        if kind == "hash" and i > 0 and kinds[i - 1] == "publisher_copyright" and rng.random() < 0.7:
            lines[-1] = f"{lines[-1]} {line}"
            continue
        lines.append(line)
    return lines


def own_copyright_line(site_name: str, rng: random.Random) -> str:
    """A site's own copyright notice (legitimate on every site, farms included)."""
    year = rng.randint(2012, 2024)
    return rng.choice([
        f"© {year} {site_name}. All rights reserved.", f"Copyright © {year} {site_name}. All Rights Reserved.",
        f"Copyright {year} {site_name}", f"© {site_name} {year}", f"© {rng.randint(2005, 2011)}-{year} {site_name}",
        f"Copyright © {year} {site_name} | Powered by WordPress", f"All content © {year} {site_name}.",
    ])


# -- markup helpers --------------------------------------------------------------------------------------------

def _esc(text: str) -> str:
    return html_lib.escape(text, quote=False)


def _attr(text: str) -> str:
    return html_lib.escape(text, quote=True)


def slug(text: str) -> str:
    """URL slug of a title."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "post"


def site_domain(site_name: str) -> str:
    """A plausible domain for a site name: "The Daily Ledger" -> "dailyledger.com"."""
    words = [w for w in re.findall(r"[a-z0-9]+", site_name.lower()) if w != "the"]
    return "".join(words) + ".com"


_PREFIXES = ["", "td-", "jeg_", "mh-", "tdb-", "elementor-", "gp-", "ast-", "nv-", "herald-", "penci-", "cm-",
             "jnews-", "post-", "site-", "blog-"]
_DATE_FMT = ["%B %d, %Y", "%d %B %Y", "%Y-%m-%d", "%b %d, %Y", "%m/%d/%Y"]


def _date(rng: random.Random) -> str:
    import datetime as dt

    d = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 3650))
    return d.strftime(rng.choice(_DATE_FMT))


def _href(rng: random.Random, title: str, domain: str, style: int) -> str:
    s = slug(title)
    if style == 0:
        return f"/{s}/"
    if style == 1:
        return f"https://{domain}/{rng.randint(2015, 2024)}/{rng.randint(1, 12):02d}/{s}/"
    if style == 2:
        return f"/news/{s}-{rng.randint(10000, 999999)}"
    return f"https://www.{domain}/{s}.html"


def trailing_block_html(heading: str, titles: list[str], rng: random.Random, *, domain: str = "example.com",
                        prefix: str | None = None) -> str:
    """A block of links under `heading` ("More Stories"...) in one of several markup styles: a list, teaser
    cards with <h3><a>, a Jetpack-style related-posts grid, an <ol> with dates, plain paragraphs, thumbnails."""
    p = _PREFIXES[rng.randrange(len(_PREFIXES))] if prefix is None else prefix
    style = rng.randrange(4)
    links = [(t, _href(rng, t, domain, style)) for t in titles]
    h = _esc(heading)
    variant = rng.randrange(7)
    if variant == 0:
        items = "".join(f'<li><a href="{_attr(u)}">{_esc(t)}</a></li>\n' for t, u in links)
        return f'<div class="{p}related-posts">\n<h3>{h}</h3>\n<ul>\n{items}</ul>\n</div>\n'
    if variant == 1:
        items = "".join(f'<div class="{p}post-item"><h3 class="{p}entry-title"><a href="{_attr(u)}" rel="bookmark">'
                        f'{_esc(t)}</a></h3></div>\n' for t, u in links)
        return f'<section class="{p}more-stories">\n<h2 class="{p}widget-title">{h}</h2>\n{items}</section>\n'
    if variant == 2:
        items = "".join(f'<div class="jp-relatedposts-post"><p class="jp-relatedposts-post-title"><a href="{_attr(u)}">'
                        f'{_esc(t)}</a></p><p class="jp-relatedposts-post-date">{_date(rng)}</p></div>\n'
                        for t, u in links)
        return (f'<div id="jp-relatedposts" class="jp-relatedposts">\n<h3 class="jp-relatedposts-headline"><em>{h}</em>'
                f'</h3>\n<div class="jp-relatedposts-items">\n{items}</div>\n</div>\n')
    if variant == 3:
        items = "".join(f'<li><a href="{_attr(u)}">{_esc(t)}</a> <span class="{p}date">{_date(rng)}</span></li>\n'
                        for t, u in links)
        return f'<aside class="{p}recent">\n<h4>{h}</h4>\n<ol>\n{items}</ol>\n</aside>\n'
    if variant == 4:
        items = "".join(f'<p><a href="{_attr(u)}">{_esc(t)}</a></p>\n' for t, u in links)
        return f'<p><strong>{h}</strong></p>\n{items}'
    if variant == 5:
        items = "".join(
            f'<div class="{p}module {p}module-thumb"><div class="{p}thumb"><a href="{_attr(u)}"><img src="/wp-content/'
            f'uploads/{rng.randint(2016, 2024)}/{rng.randint(1, 12):02d}/{slug(t)[:30]}-218x150.jpg" alt="{_attr(t)}" '
            f'width="218" height="150"></a></div><h3 class="{p}module-title"><a href="{_attr(u)}">{_esc(t)}</a></h3>'
            f'</div>\n' for t, u in links)
        return f'<div class="{p}block {p}related">\n<div class="{p}block-title"><span>{h}</span></div>\n{items}</div>\n'
    items = "".join(f'<li class="{p}list-item"><a class="{p}link" href="{_attr(u)}"><span>{_esc(t)}</span></a></li>\n'
                    for t, u in links)
    return f'<nav class="{p}read-more" aria-label="{_attr(heading)}">\n<h2>{h}</h2>\n<ul>\n{items}</ul>\n</nav>\n'


def residue_html(lines: list[str], rng: random.Random) -> str:
    """Residue lines as they end up under a copied article: paragraphs, emphasised lines or a <br> run."""
    if not lines:
        return ""
    style = rng.randrange(4)
    if style == 0:
        return "".join(f"<p>{_esc(x)}</p>\n" for x in lines)
    if style == 1:
        return "".join(f"<p><em>{_esc(x)}</em></p>\n" for x in lines)
    if style == 2:
        return "<p>" + "<br>\n".join(_esc(x) for x in lines) + "</p>\n"
    return f'<div class="{rng.choice(["article-footer", "story-meta", "post-credits", "entry-footer-note"])}">' + \
        "".join(f"<p>{_esc(x)}</p>" for x in lines) + "</div>\n"


def add_trailing_block(html: bytes, block_html: str) -> bytes:
    """Insert `block_html` before the last ``</body>`` of a real page (or append it). The block is encoded
    as ASCII with character references, so it is valid in any ASCII-compatible page encoding; UTF-16 pages
    (by BOM) get it in UTF-16."""
    if html.startswith(b"\xff\xfe") or html.startswith(b"\xfe\xff"):
        enc = "utf-16-le" if html.startswith(b"\xff\xfe") else "utf-16-be"
        text = html.decode(enc, "surrogatepass")
        idx = text.lower().rfind("</body")
        out = text + block_html if idx < 0 else text[:idx] + block_html + text[idx:]
        return out.encode(enc, "surrogatepass")
    block = block_html.encode("ascii", "xmlcharrefreplace")
    idx = html.lower().rfind(b"</body")
    if idx < 0:
        return html + block
    return html[:idx] + block + html[idx:]


# -- page templates --------------------------------------------------------------------------------------------

@dataclass
class _Ctx:
    rng: random.Random
    site: str
    domain: str
    title: str
    paragraphs: list[str]
    after_article: str                  # residue + trailing block / related block, right after the body text
    footer_copyright: str               # "" for none
    lang: str = "en"
    p: str = ""                         # class prefix
    author: str = ""
    date: str = ""
    nav: list[str] = field(default_factory=list)
    extras: dict[str, bool] = field(default_factory=dict)

    def body(self, tag: str = "p") -> str:
        return "\n".join(f"<{tag}>{_esc(x)}</{tag}>" for x in self.paragraphs)

    def nav_html(self, cls: str = "menu") -> str:
        items = "".join(f'<li class="{self.p}menu-item"><a href="/{slug(n)}/">{_esc(n)}</a></li>' for n in self.nav)
        return f'<nav class="{self.p}{cls}" role="navigation"><ul>{items}</ul></nav>'

    def cookie(self) -> str:
        if not self.extras.get("cookie"):
            return ""
        return (f'<div id="cookie-notice" class="{self.p}cookie-banner" role="dialog"><p>We use cookies to give you the '
                f'best experience on our website. By continuing you agree to our <a href="/privacy-policy/">privacy '
                f'policy</a>.</p><button class="{self.p}accept">Accept</button></div>')

    def ad(self, slot: str) -> str:
        if not self.extras.get("ads"):
            return ""
        return (f'<div class="{self.p}ad {self.p}ad-{slot}" data-slot="{slot}"><span class="ad-label">Advertisement'
                f'</span><div id="div-gpt-ad-{self.rng.randint(1000, 9999)}-{slot}"></div></div>')

    def share(self) -> str:
        if not self.extras.get("share"):
            return ""
        nets = ["Facebook", "Twitter", "LinkedIn", "WhatsApp", "Email", "Pinterest", "Reddit"]
        k = self.rng.randint(3, len(nets))
        return f'<div class="{self.p}share-buttons"><span>Share:</span>' + "".join(
            f'<a class="share-{n.lower()}" href="#" title="Share on {n}">{n}</a>' for n in nets[:k]) + "</div>"

    def comments(self) -> str:
        if not self.extras.get("comments"):
            return ""
        return (f'<div id="comments" class="{self.p}comments-area"><h3 class="comments-title">Leave a Reply</h3>'
                f'<form id="commentform" class="comment-form"><p class="comment-notes">Your email address will not be '
                f'published. Required fields are marked *</p><textarea name="comment" rows="6"></textarea>'
                f'<input type="text" name="author" placeholder="Name*"><input type="submit" value="Post Comment">'
                f'</form></div>')

    def sidebar(self) -> str:
        if not self.extras.get("sidebar"):
            return ""
        cats = self.rng.sample(["World", "Business", "Politics", "Tech", "Health", "Sports", "Science",
                                "Entertainment", "Lifestyle", "Opinion", "Travel", "Local"], 6)
        months = [f"{m} {self.rng.randint(2017, 2024)}" for m in self.rng.sample(
            ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"], 4)]
        return (f'<aside id="secondary" class="{self.p}sidebar widget-area">'
                f'<section class="widget widget_search"><form role="search"><input type="search" name="s" '
                f'placeholder="Search &hellip;"><button>Search</button></form></section>'
                f'<section class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>'
                + "".join(f'<li class="cat-item"><a href="/category/{slug(c)}/">{c}</a></li>' for c in cats)
                + f'</ul></section>{self.ad("sidebar")}<section class="widget widget_archive"><h2 class="widget-title">'
                f'Archives</h2><ul>' + "".join(f'<li><a href="/{slug(m)}/">{m}</a></li>' for m in months)
                + "</ul></section></aside>")

    def byline(self) -> str:
        if not self.author:
            return f'<div class="{self.p}meta"><time>{_esc(self.date)}</time></div>'
        return (f'<div class="{self.p}meta {self.p}byline">By <a class="author" href="/author/{slug(self.author)}/">'
                f'{_esc(self.author)}</a> <span class="sep">|</span> <time class="entry-date">{_esc(self.date)}</time>'
                f'</div>')

    def footer_line(self) -> str:
        return f'<p class="{self.p}copyright">{_esc(self.footer_copyright)}</p>' if self.footer_copyright else ""

    def head(self, extra: str = "") -> str:
        return (f'<!DOCTYPE html>\n<html lang="{self.lang}">\n<head>\n<meta charset="utf-8">\n'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f'<title>{_esc(self.title)} - {_esc(self.site)}</title>\n'
                f'<meta property="og:title" content="{_attr(self.title)}">\n'
                f'<meta property="og:site_name" content="{_attr(self.site)}">\n'
                f'<link rel="stylesheet" href="/assets/{self.rng.choice(["style", "main", "theme", "app"])}.css">\n'
                f'{extra}</head>\n')


def _tpl_wp_classic(c: _Ctx) -> str:
    return (c.head() + f'<body class="post-template-default single single-post {c.p}single">\n{c.cookie()}'
            f'<div id="page" class="site"><header id="masthead" class="site-header"><div class="site-branding">'
            f'<p class="site-title"><a href="/" rel="home">{_esc(c.site)}</a></p><p class="site-description">'
            f'News and views</p></div>{c.nav_html("main-navigation")}</header>\n'
            f'<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" '
            f'class="site-main"><article class="post type-post status-publish hentry"><header class="entry-header">'
            f'<h1 class="entry-title">{_esc(c.title)}</h1>{c.byline()}</header>\n<div class="entry-content">\n'
            f'{c.body()}\n{c.after_article}</div>{c.share()}</article>{c.comments()}</main></div>{c.sidebar()}</div>\n'
            f'<footer id="colophon" class="site-footer"><div class="site-info">{c.footer_line()}</div></footer>'
            f'</div>\n</body>\n</html>\n')


def _tpl_news_magazine(c: _Ctx) -> str:
    ticker = "".join(f"<li>{_esc(n)} update</li>" for n in c.nav[:3])
    return (c.head() + f'<body class="{c.p}magazine">\n{c.cookie()}<div class="{c.p}top-bar"><span class="{c.p}today">'
            f'{_esc(c.date)}</span></div><div class="{c.p}header"><div class="{c.p}logo"><a href="/">'
            f'<img src="/logo.png" alt="{_attr(c.site)}"></a></div>{c.ad("leaderboard")}</div>{c.nav_html()}'
            f'<div class="{c.p}breaking"><strong>Breaking</strong><ul>{ticker}</ul></div>\n'
            f'<div class="{c.p}container"><div class="{c.p}main-content"><div class="{c.p}post-header">'
            f'<ul class="{c.p}category"><li><a href="/category/{slug(c.nav[0])}/">{_esc(c.nav[0])}</a></li></ul>'
            f'<h1 class="{c.p}post-title">{_esc(c.title)}</h1>{c.byline()}</div>{c.share()}\n'
            f'<div class="{c.p}post-content">\n{c.body()}\n{c.ad("inarticle")}\n{c.after_article}</div>\n'
            f'{c.comments()}</div>{c.sidebar()}</div>\n<div class="{c.p}footer"><div class="{c.p}footer-menu">'
            f'{c.nav_html("footer-nav")}</div>{c.footer_line()}</div>\n</body>\n</html>\n')


def _tpl_minimal(c: _Ctx) -> str:
    return (c.head() + f'<body>\n{c.cookie()}<header><a class="brand" href="/">{_esc(c.site)}</a></header>\n<main>'
            f'<h1>{_esc(c.title)}</h1>\n<p class="meta">{_esc(c.date)}</p>\n{c.body()}\n{c.after_article}</main>\n'
            f'{c.comments()}<footer>{c.footer_line()}</footer>\n</body>\n</html>\n')


def _tpl_amp(c: _Ctx) -> str:
    extra = (f'<link rel="canonical" href="https://{c.domain}/{slug(c.title)}/">\n'
             '<style amp-custom>body{font-family:sans-serif}</style>\n')
    return (c.head(extra).replace("<html ", "<html amp ", 1) + f'<body>\n<header class="amp-wp-header"><div>'
            f'<a href="/">{_esc(c.site)}</a></div></header>\n<article class="amp-wp-article"><header '
            f'class="amp-wp-article-header"><h1 class="amp-wp-title">{_esc(c.title)}</h1><div class="amp-wp-meta">'
            f'{_esc(c.author or c.site)} &middot; {_esc(c.date)}</div></header>\n<div class="amp-wp-article-content">\n'
            f'{c.body()}\n{c.ad("amp")}{c.after_article}</div>{c.share()}</article>\n<footer class="amp-wp-footer">'
            f'<div>{c.footer_line()}<a href="#top" class="back-to-top">Back to top</a></div></footer>\n'
            f'</body>\n</html>\n')


def _tpl_bootstrap(c: _Ctx) -> str:
    side = c.sidebar()
    main_cols = "col-md-8" if side else "col-md-12"
    return (c.head() + f'<body>\n{c.cookie()}<nav class="navbar navbar-expand-lg navbar-light bg-light"><a '
            f'class="navbar-brand" href="/">{_esc(c.site)}</a>{c.nav_html("navbar-nav")}</nav>\n<div class="container">'
            f'<div class="row"><div class="{main_cols}"><article class="{c.p}article"><h1 class="display-5">'
            f'{_esc(c.title)}</h1>{c.byline()}<div class="{c.p}article-body">\n{c.body()}\n</div>\n{c.after_article}'
            f'{c.share()}</article>{c.comments()}</div><div class="col-md-4">{side}</div></div></div>\n'
            f'<footer class="footer mt-auto py-3"><div class="container">{c.footer_line()}</div></footer>\n'
            f'</body>\n</html>\n')


def _tpl_page_builder(c: _Ctx) -> str:
    def wrap(inner: str, kind: str) -> str:
        return (f'<div class="{c.p}section {c.p}element"><div class="{c.p}container"><div class="{c.p}column">'
                f'<div class="{c.p}widget-wrap"><div class="{c.p}widget {c.p}widget-{kind}"><div '
                f'class="{c.p}widget-container">{inner}</div></div></div></div></div></div>\n')
    return (c.head() + f'<body class="{c.p}default {c.p}page">\n{c.cookie()}'
            + wrap(f'<a href="/" class="{c.p}logo">{_esc(c.site)}</a>{c.nav_html("nav-menu")}', "header")
            + wrap(f'<h1 class="{c.p}heading-title">{_esc(c.title)}</h1>', "heading")
            + wrap(c.byline(), "post-info")
            + wrap(c.body(), "theme-post-content")
            + (wrap(c.after_article, "posts") if c.after_article else "")
            + (wrap(c.share(), "share-buttons") if c.extras.get("share") else "")
            + wrap(c.footer_line() or "&nbsp;", "footer")
            + "</body>\n</html>\n")


def _tpl_portal_table(c: _Ctx) -> str:
    nav = "".join(f'<a href="/{slug(n)}.html">{_esc(n)}</a> | ' for n in c.nav)
    return ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f'<title>{_esc(c.site)} :: {_esc(c.title)}</title>\n</head>\n<body bgcolor="#ffffff">\n'
            f'<table width="100%" cellpadding="0" cellspacing="0"><tr><td class="logo"><b>{_esc(c.site)}</b></td>'
            f'<td align="right">{c.ad("banner")}</td></tr><tr><td colspan="2" class="nav">{nav}</td></tr></table>\n'
            f'<table width="100%"><tr><td valign="top" width="70%"><h2>{_esc(c.title)}</h2><font size="-1">'
            f'{_esc(c.date)}</font>\n{c.body()}\n{c.after_article}</td><td valign="top">{c.sidebar()}</td></tr></table>\n'
            f'<div align="center" class="footer">{c.footer_line()}</div>\n</body>\n</html>\n')


def _tpl_html5_semantic(c: _Ctx) -> str:
    crumbs = (f'<nav class="{c.p}breadcrumbs" aria-label="breadcrumb"><a href="/">Home</a> &raquo; '
              f'<a href="/{slug(c.nav[0])}/">{_esc(c.nav[0])}</a> &raquo; <span>{_esc(c.title)}</span></nav>')
    return (c.head() + f'<body>\n{c.cookie()}<header class="{c.p}header" role="banner"><h2 class="{c.p}logo">'
            f'{_esc(c.site)}</h2>{c.nav_html()}</header>\n{crumbs}\n<main role="main"><article itemscope '
            f'itemtype="https://schema.org/NewsArticle"><h1 itemprop="headline">{_esc(c.title)}</h1>'
            f'<p class="{c.p}dateline"><span itemprop="author">{_esc(c.author)}</span> <time itemprop="datePublished">'
            f'{_esc(c.date)}</time></p>{c.share()}<section itemprop="articleBody">\n{c.body()}\n</section>\n'
            f'{c.after_article}</article>{c.comments()}</main>{c.sidebar()}\n<footer role="contentinfo">'
            f'{c.nav_html("footer-links")}{c.footer_line()}</footer>\n</body>\n</html>\n')


def _tpl_newspaper_theme(c: _Ctx) -> str:
    return (c.head() + f'<body class="td-standard-pack global-block-template-1 single_template_2">\n{c.cookie()}'
            f'<div class="td-scroll-up"></div><div id="td-outer-wrap" class="td-theme-wrap"><div class="td-header-wrap">'
            f'<div class="td-header-top-menu">{_esc(c.date)}</div><div class="td-header-sp-logo"><a class="td-main-logo" '
            f'href="/"><span class="td-logo-text">{_esc(c.site)}</span></a></div>{c.nav_html("td-header-menu")}</div>\n'
            f'<div class="td-main-content-wrap td-container-wrap"><div class="td-container"><div class="td-crumb-container">'
            f'<div class="entry-crumbs"><span><a href="/">Home</a></span> <i class="td-icon-right"></i> '
            f'<span>{_esc(c.nav[1])}</span></div></div><div class="td-pb-row"><div class="td-pb-span8 td-main-content">'
            f'<div class="td-ss-main-content"><article class="post"><div class="td-post-header"><header '
            f'class="td-post-title"><h1 class="entry-title">{_esc(c.title)}</h1><div class="td-module-meta-info">'
            f'{c.byline()}</div></header></div>{c.share()}<div class="td-post-content tagdiv-type">\n{c.body()}\n'
            f'</div>{c.ad("content-bottom")}{c.after_article}</article>{c.comments()}</div></div><div '
            f'class="td-pb-span4 td-main-sidebar">{c.sidebar()}</div></div></div></div>\n<div class="td-footer-wrapper">'
            f'<div class="td-sub-footer-copy">{c.footer_line()}</div></div></div>\n</body>\n</html>\n')


def _tpl_blogger(c: _Ctx) -> str:
    return (c.head() + f"<body class='{c.p}blog'>\n{c.cookie()}<div class='outer-wrapper'><div class='header section' "
            f"id='header'><div class='widget Header'><h1 class='title'><a href='/'>{_esc(c.site)}</a></h1></div></div>"
            f"<div class='main-wrapper'><div class='date-outer'><h2 class='date-header'><span>{_esc(c.date)}</span></h2>"
            f"<div class='post-outer'><div class='post hentry'><h3 class='post-title entry-title'>{_esc(c.title)}</h3>"
            f"<div class='post-body entry-content'>\n{c.body()}\n<div style='clear: both;'></div></div>"
            f"<div class='post-footer'><span class='post-author vcard'>Posted by {_esc(c.author or 'admin')}</span>"
            f"{c.share()}</div></div>{c.after_article}</div></div>{c.comments()}</div>{c.sidebar()}</div>\n"
            f"<div class='footer-outer'>{c.footer_line()}</div>\n</body>\n</html>\n")


_TEMPLATES: dict[str, Callable[[_Ctx], str]] = {
    "wp_classic": _tpl_wp_classic, "news_magazine": _tpl_news_magazine, "minimal": _tpl_minimal, "amp": _tpl_amp,
    "bootstrap": _tpl_bootstrap, "page_builder": _tpl_page_builder, "portal_table": _tpl_portal_table,
    "html5_semantic": _tpl_html5_semantic, "newspaper_theme": _tpl_newspaper_theme, "blogger": _tpl_blogger,
}
TEMPLATE_NAMES: tuple[str, ...] = tuple(_TEMPLATES)
_NAV = ["World", "Business", "Politics", "Technology", "Health", "Sports", "Science", "Entertainment", "Lifestyle",
        "Opinion", "Travel", "Local", "Markets", "Culture", "Education", "Environment"]


def _render(rng: random.Random, *, title: str, paragraphs: list[str], site_name: str, after_article: str,
            footer_copyright: str, template: str | None) -> str:
    name = template if template is not None else rng.choice(TEMPLATE_NAMES)
    ctx = _Ctx(
        rng=rng, site=site_name, domain=site_domain(site_name), title=title, paragraphs=list(paragraphs),
        after_article=after_article, footer_copyright=footer_copyright, p=rng.choice(_PREFIXES),
        author=person_name(rng) if rng.random() < 0.7 else "", date=_date(rng), nav=rng.sample(_NAV, rng.randint(4, 8)),
        extras={k: rng.random() < 0.5 for k in ("cookie", "ads", "share", "comments", "sidebar")},
    )
    return _TEMPLATES[name](ctx)


def farm_page(title: str, paragraphs: list[str], rng: random.Random, *, spam_links: bool, residue: bool,
              site_name: str | None = None, template: str | None = None, spinner: object | None = None) -> str:
    """A content-farm page: the (already spun) article in a random template; then, when asked, the copied
    source's residue lines and a trailing block of off-topic spam links ("More Stories"...). Farm sites
    have their own footer copyright as often as legit ones. `spinner` optionally spins the spam titles."""
    site = site_name or rng.choice(SITE_NAMES)
    domain = site_domain(site)
    after = ""
    if residue:
        after += residue_html(copyright_residue(rng), rng)
    if spam_links:
        titles = spam_link_titles(rng, rng.randint(3, 8), spinner=spinner if rng.random() < 0.5 else None)
        after += trailing_block_html(rng.choice(TRAILING_HEADINGS), titles, rng, domain=domain)
    footer = own_copyright_line(site, rng) if rng.random() < 0.6 else ""
    return _render(rng, title=title, paragraphs=paragraphs, site_name=site, after_article=after,
                   footer_copyright=footer, template=template)


def legit_page(title: str, paragraphs: list[str], rng: random.Random, *, site_name: str,
               related_titles: list[str] | None, own_copyright: bool, template: str | None = None) -> str:
    """A legitimate page from the same template pool: the site's own copyright (same name as the logo), in
    the footer or right under the article, and an on-topic related-links block when `related_titles` is
    given. A hard negative: it has the same furniture as a farm page, only not the tells."""
    domain = site_domain(site_name)
    after = ""
    footer = ""
    if own_copyright:
        line = own_copyright_line(site_name, rng)
        if rng.random() < 0.3:
            after += residue_html([line], rng)
        else:
            footer = line
    if related_titles:
        after += trailing_block_html(rng.choice(TRAILING_HEADINGS), list(related_titles), rng, domain=domain)
    return _render(rng, title=title, paragraphs=paragraphs, site_name=site_name, after_article=after,
                   footer_copyright=footer, template=template)
