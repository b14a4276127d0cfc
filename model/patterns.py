"""Every pattern unspun matches on, kept in one place (as trafilatura keeps its XPaths together)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

# --- page structure -------------------------------------------------------------------------------
# Containers whose class/id names them as boilerplate (navigation, sidebars, footers, widgets).
BOILERPLATE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|footer|sidebar|side-bar|widget|breadcrumbs?|cookie|banner|"
    r"share|sharing|social|comments?|related|recommend|promo|advert|ads?|sponsor|subscribe|newsletter|"
    r"masthead|header|topbar|toolbar|pagination|tags?|popular|trending|more-stories|read-more|footnote)"
    r"(?:$|[\s_-])", re.I)
# WordPress post_class() output on the article element: its "tag-<slug>" and "category-<slug>" name
# the post's taxonomy terms, not a tag list
WP_POST_CLASS = re.compile(r"(?:^|\s)(?:hentry|status-publish|type-post)(?:\s|$)")
WP_TAXONOMY_CLASS = re.compile(r"(?:^|\s)(?:tag|category)-\S*", re.I)
# Comment sections: boilerplate even when they hold most of a page's words (model/page.py)
COMMENT_NAMES = re.compile(r"(?:^|[\s_-])(?:comments?|replies|discussion|disqus)(?:$|[\s_-])", re.I)
# Cookie and privacy consent notices (CMP banners and dialogs: OneTrust, Cookiebot, Complianz, GDPR plugins),
# by class, id or aria-label, also glued into other words ("CybotCookiebotDialog",
# "cookiepreferences_popup"): boilerplate that is never a misnamed wrapper, even where it holds most of a
# page's words (model/page.py). "cookie" alone is not enough (a recipe site's "cookie-recipes").
CONSENT_NAMES = re.compile(
    r"cookies?[-_\s]?(?:accept|alert|banner|bar|bot|box|compliance|consent|container|dialog|info|law|message|modal|"
    r"notice|notif|overlay|policy|popup|pref|prompt|settings|warning|window|wrap)|consent|gdpr|onetrust|cmplz|"
    r"(?:^|[\s_-])ot-sdk|(?:^|[\s_-])cc-(?:window|banner)", re.I)
BOILERPLATE_TAGS = frozenset({"nav", "footer", "aside", "header", "menu"})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
                       "canvas", "video", "audio", "select", "button", "head", "title", "meta", "link"})
BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "td", "th", "tr", "table", "tbody", "thead", "h1", "h2",
                        "h3", "h4", "h5", "h6", "blockquote", "pre", "article", "section", "main", "dd", "dt",
                        "dl", "figcaption", "figure", "address", "form", "fieldset", "body", "nav", "footer",
                        "aside", "header", "br", "hr", "center", "caption", "details", "summary", "option"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# --- trailing link blocks -------------------------------------------------------------------------
# Headings that introduce a block of links after an article (English; the common WordPress/news ones).
RELATED_HEADING = re.compile(
    r"^\W{0,3}(?:more|most|other|related|recent|latest|popular|trending|top|similar|recommended|suggested|featured|"
    r"you (?:may|might) (?:also )?(?:like|enjoy)|also (?:read|see|on)|read (?:more|next|also)|see also|don'?t miss|"
    r"around the web|from the web|sponsored|what to read next|keep reading|further reading|in case you missed it|"
    r"editor'?s picks?|must read|hot|latest from|more from|more in|more on)\b[\w\s'’&:-]{0,40}\W{0,3}$",
    re.I)

# Vocabulary of link spam titles (SEO, money, health, gambling...): a title containing these reads as spam.
SPAMMY_WORDS = frozenset("""
casino casinos poker betting bet slots slot gambling jackpot loan loans payday credit mortgage refinance debt
insurance forex crypto bitcoin cryptocurrency trading invest investing investment profits income earn money cash
rich wealth business opportunities opportunity biz affiliate mlm marketing seo backlinks traffic ranking website
weight loss diet diets slim fat burn keto supplement supplements pills cbd hemp viagra cialis pharmacy dating
singles hookup essay essays homework writing replica cheap discount coupon coupons deals free win winning bonus
tips ideas secrets guide tricks ways reasons hacks best top home online work from lawyer attorney injury
""".split())

# --- copyright residue ----------------------------------------------------------------------------
COPYRIGHT_LINE = re.compile(
    r"(?:copyright|©|\(c\)|&copy;)\s*(?:©\s*)?(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?)?[\s,]*"
    r"(?P<org>[^.|\n]{0,80})", re.I)
ALL_RIGHTS = re.compile(r"all\s+rights\s+reserved", re.I)
# Spun forms of publisher boilerplate: the words a spinner puts in place of "Rights", "Company", "Write".
SPUN_BOILERPLATE = re.compile(
    r"all\s+(?:legal\s+rights|legal rights|rights\s+booked|rights\s+set\s+aside|privileges|proper\s+rights|"
    r"legal\s+right)\s+(?:reserved|booked|set\s+aside|kept)|"
    r"all\s+rights\s+(?:booked|set\s+aside|kept|scheduled)|"
    r"&\s*(?:firm|organization|enterprise|corporation organization)\s*,?\s*inc\b|"
    r"\bjones\s*&\s*firm\b|"
    r"^\s*(?:produce|compose|create|publish)\s+to\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s+at\b|"
    r"\bcontributed\s+to\s+this\s+(?:publish|submit|put\s+up|posting|piece\s+of\s+writing|short\s+article)\b",
    re.I | re.M)
WRITE_TO = re.compile(r"^\s*(?:write|produce|compose|create)\s+to\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s+at\b", re.M)
CONTRIBUTED = re.compile(r"contributed\s+to\s+this\s+(?:post|article|report|story|publish|write-up|piece|posting)", re.I)
EMAIL_PROTECTED = re.compile(r"\[\s*e-?mail\s*(?:&#160;|\s)*protected\s*\]", re.I)
# A 32/40/64-hex token standing alone in text (a leftover tracking or content hash, not part of a URL).
ORPHAN_HASH = re.compile(r"(?<![\w/=.:-])[0-9a-f]{32}(?:[0-9a-f]{8}|[0-9a-f]{32})?(?![\w/.-])")
ORIGINALLY = re.compile(r"(?:this (?:article|story|post) (?:originally |first )?(?:appeared|was published) (?:on|in)|"
                        r"originally published (?:on|in|at)|^source\s*:\s*\w)", re.I | re.M)
REPUBLISH_NOTICE = re.compile(r"may not be (?:published|reproduced|redistributed)|rewritten or redistributed", re.I)

# --- page metadata that repeats the article ---------------------------------------------------------
# Head elements whose text is written from the article (its title, its lede), by source name.
METADATA_SELECTORS = (
    ('meta[name="description"]', "description"), ('meta[property="og:description"]', "og_description"),
    ('meta[name="twitter:description"]', "twitter_description"), ('meta[property="og:title"]', "og_title"),
    ('meta[name="twitter:title"]', "twitter_title"),
)
# Schema.org structured data (JSON-LD) fields that hold the article's own text, as a JSON string literal.
# A regex rather than a JSON parse: blocks are often invalid JSON, and only these strings are wanted.
# Possessive, so an unterminated string fails in one linear pass (2.4 MB in 0.1 s); runs of plain
# characters are taken whole (`[^"\\]++`), two to three times faster than one character a step.
JSON_STRING_BODY = r'(?:[^"\\]++|\\.)*+'
JSONLD_TEXT_FIELD = re.compile(rf'"(articleBody|description|headline)"\s*:\s*"({JSON_STRING_BODY})"')
# A JSON string literal in an inline script: a site's own state (Next.js `__NEXT_DATA__`, Nuxt, Redux...)
# often holds its article's paragraphs, which a scraper that spins the visible text leaves as they were.
# The body is captured only when it is prose, SCRIPT_PROSE_MIN_WORDS words or more (as many spaces less
# one); other literals are consumed whole and come back as "", so the scan stays aligned on the quotes
# and costs no Python step for them.
SCRIPT_PROSE_MIN_WORDS = 6
_NO_SPACE_RUN = r'(?:[^"\\ ]++|\\.)*+'
SCRIPT_PROSE_STRING = re.compile(rf'"({_NO_SPACE_RUN}(?: {_NO_SPACE_RUN}){{{SCRIPT_PROSE_MIN_WORDS - 1},}})"'
                                 rf'|"{JSON_STRING_BODY}"')
# A run of four plain words (letters, single spaces): probes for the article's text in a script's source,
# which JSON escaping leaves as they are.
PLAIN_WORD_RUN = re.compile(r"(?<![\w'’-])[A-Za-z]{2,}(?: [A-Za-z]{2,}){3}(?![\w'’-])")

# --- spun-phrase footprints ------------------------------------------------------------------------
NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
               r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
               r"hundred)")


@dataclass(frozen=True)
class GatedPattern:
    """A pattern run only where a cheap necessary condition holds.

    Python's `re` tries an alternation of words at every word boundary: the three spun-text footprints
    below took 17 ms of the spun-phrase pass on a 5,000-word article (`python -m bench.spun_phrases`),
    while a substring test on the text takes ~0.05 ms. `gate(text)` must be true wherever `pattern`
    matches; it is false on almost all legitimate text, so the pattern itself runs on few pages."""

    pattern: re.Pattern[str]
    gate: Callable[[str], bool]

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.gate(text) else iter(())

    def findall(self, text: str) -> list[str]:
        return self.pattern.findall(text) if self.gate(text) else []


_NUMERAL_TAIL = re.compile(r"[,.]\d")
# The non-ASCII characters that a case-insensitive `re` match equates with an ASCII letter, besides
# those that str.lower() maps to it (the Kelvin sign): long s, dotless i, dotted capital I.
_RE_I_TO_ASCII = str.maketrans({"\u017f": "s", "\u0131": "i", "\u0130": "i"})


def folded(text: str) -> str:
    """`text` lowercased so that a substring or word test finds every match of a lowercase re.IGNORECASE
    form (used by the gates below and by page.py's boilerplate-name test)."""
    if not text.isascii() and any(c in text for c in "\u0130\u0131\u017f"):
        text = text.translate(_RE_I_TO_ASCII)
    return text.lower()


def _letter_before_numeral_tail(text: str) -> bool:
    """A letter right before ",0"/".0": needed by "three,000" (and rare otherwise: "3,000" has a digit)."""
    return any(m.start() > 0 and text[m.start() - 1].isalpha() for m in _NUMERAL_TAIL.finditer(text))


# "three,000", "five.2 million": a spelled-out digit glued to the rest of a numeral.
HALF_SPELLED_NUMBER = GatedPattern(re.compile(rf"\b{NUMBER_WORD}[,.]\d{{1,3}}\b", re.I),
                                   _letter_before_numeral_tail)


@dataclass(frozen=True)
class AnchoredPattern:
    """A pattern whose every match holds a match of `anchor` (a rare character in the right neighbourhood),
    run only around those.

    `pattern` is searched in a window of `reach` characters either side of each `anchor` match, and a match
    is kept when it holds that anchor. This finds what `pattern.finditer` over the whole text finds (the
    footprints below reach at most `reach` characters from their anchor, and each holds one), at the cost
    of a scan for the anchor instead of an alternation of words tried at every word boundary."""

    pattern: re.Pattern[str]
    anchor: re.Pattern[str]
    reach: int

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        anchors = list(self.anchor.finditer(text))
        if len(anchors) * 2 * self.reach > len(text):
            # anchors so dense that the windows would read the text many times over (hostile input: 2 s
            # for "a:1 " x 25,000 against 87 ms for one scan): the whole-text scan finds the same matches
            yield from self.pattern.finditer(text)
            return
        end = -1
        for a in anchors:
            if a.start() < end:
                continue
            for m in self.pattern.finditer(text, max(0, end, a.start() - self.reach), a.end() + self.reach):
                if m.start() <= a.start() and a.end() <= m.end():
                    end = m.end()
                    yield m
                    break

    def findall(self, text: str) -> list[str]:
        return [m.group() for m in self.finditer(text)]


# A spelled-out number inside numeral notation, which edited English writes in digits and a spinner that
# spells out digits leaves behind ("3%" -> "three%", "$5 million" -> "$five million", "1:15 PM" -> "1:fifteen
# PM", "Aug. 9, 2012" -> "Aug. nine, 2012"). None of them occurs in the 6,391 English reference texts, where
# the spinners here leave one in 5-8% of texts spun at 1.5% that have no "three,000" (docs/measurements.md,
# session 33). Currency takes lowercase words only: a spinner writes a digit's word in lowercase ("$ One" is
# a name).
_MONTH = (r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|May|June|July|"
          r"August|September|October|November|December)")
_SPELLED = rf"{NUMBER_WORD}(?:-{NUMBER_WORD})?"
NUMBER_IN_NOTATION = AnchoredPattern(
    re.compile(rf"(?i:\b{_SPELLED} ?%)"                                   # three%, twenty-five %
               rf"|[$\u00a3\u20ac] ?{NUMBER_WORD}\b(?![,.]\d)"             # $five, \u00a3ten (lowercase; "$ten,000"
                                                                            # is HALF_SPELLED_NUMBER's, once)
               rf"|(?i:\b\d{{1,2}}:{NUMBER_WORD}\b|\b{NUMBER_WORD}:\d\d\b)"   # 1:fifteen, nine:30
               rf"|\b{_MONTH}\.? {_SPELLED}, \d{{4}}\b"),                  # Aug nine, 2012
    # each footprint holds one of these: "%" after a letter, a currency sign before a lowercase letter, ":"
    # between a digit and a letter, ", 2012" after a lowercase letter (each alternative starts with its
    # character, so the scan is a character search: 0.16 ms on a 5,000-word text, against 5.5 for the
    # pattern itself over the whole text)
    re.compile(r"%(?:(?<=[A-Za-z]%)|(?<=[A-Za-z] %))|[$\u00a3\u20ac] ?[a-z]|:(?:(?<=[A-Za-z]:)(?=\d)|(?<=\d:)(?=[A-Za-z]))"
               r"|, \d{4}\b(?<=[a-z], \d{4})"),
    reach=40)

# "one hundred twenty times": a compound spelled number a writer would put in digits.
SPELLED_COMPOUND = GatedPattern(
    re.compile(rf"\b{NUMBER_WORD}\s+hundred(?:\s+(?:and\s+)?{NUMBER_WORD}(?:[- ]{NUMBER_WORD})?)?\b", re.I),
    lambda text: "hundred" in folded(text))

# Fixed expressions a spinner breaks by swapping one word, of the kinds in the tortured-phrase list ("in
# accordance to", "as properly" for "as well", "in purchase to" for "in order to"). Generic forms only:
# each is rare in edited English. The literal head of each form (up to its first group) gates the pattern.
BROKEN_IDIOM_FORMS = (
    "in accordance to", "as properly", "as nicely", "in purchase to", "in buy to", "a lot of of", "these kinds of a",
    "every single (?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|hundred)",
    "regardless of the truth that", "in spite of the simple fact", "compact business", "dwelling business",
    "residence based", "on-line (?:organization|small business)",
)


def _any_in(heads: tuple[str, ...], text: str) -> bool:
    return any(head in text for head in heads)


_IDIOM_HEADS = tuple(form.split("(")[0] for form in BROKEN_IDIOM_FORMS)
BROKEN_IDIOMS = GatedPattern(re.compile(r"\b(?:" + "|".join(BROKEN_IDIOM_FORMS) + r")\b", re.I),
                             lambda text: _any_in(_IDIOM_HEADS, folded(text)))

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*|\d[\d,.]*\d|\d")
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*\s+|\n+")

# English function words (closed classes), for Ntoulas et al.'s function-word fraction, topic overlap and
# language identification.
FUNCTION_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both but
by can could did do does doing down during each few for from further had has have having he her here hers herself
him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their theirs them themselves then
there these they this those through to too under until up very was we were what when where which while who whom why
will with would you your yours yourself yourselves also may might must shall upon us said says one two new like
""".split())

# A few languages' commonest words, to say when a page is not English (and not guess from English statistics).
LANGUAGE_MARKERS = {
    "en": frozenset("the and of to is in that it for was with on as are this be by have from".split()),
    "de": frozenset("der die und das ist nicht mit den von zu ein eine auch sich auf für dem des im".split()),
    "fr": frozenset("le la les et des est une pour dans que qui pas sur du au avec ce sont par".split()),
    "es": frozenset("el la los las y que es en del por una con para como se al más pero su".split()),
    "it": frozenset("il di che la per una sono con non del della gli le alla anche come più".split()),
    "pt": frozenset("o os que e do da em um uma para com não se na no por mais as dos".split()),
    "nl": frozenset("de het een en van is dat op te zijn niet met voor er ook aan als bij".split()),
    "la": frozenset("et in est non ad cum sed ut quod qui quae esse ab per enim atque".split()),
}
