"""An article spinner for training data: swaps ~rate of the words for dictionary synonyms, sense-blind.

It imitates what content farms do to copied news (see shared/seeds): every word the dictionary knows is
eligible, function words included ("between" -> "in between"), a random synonym is taken with no sense
choice ("Prime Minister" -> "Key Minister"), multi-word synonyms are fine, capitalisation is carried over
(Title, UPPER, lower), plurals of dictionary words are inflected ("days" -> "times"), and numbers are
partly spelled out ("3,000" -> "three,000", "120" -> "one hundred twenty") while small spelled numbers
may become digits ("three months" -> "3 months"). Everything outside a changed
word -- punctuation, whitespace, other words -- is kept byte for byte.

Deterministic: the same text, rate and ``random.Random`` state give the same output.
"""
from __future__ import annotations

import copy
import functools
import random
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# A word: letters with inner apostrophes ("don't", "Iraq's"). Numbers: 3,000 / 120 / 2.5.
_TOKEN = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)|(?P<word>[A-Za-z]+(?:['\u2019][A-Za-z]+)*)")
_POSSESSIVE = re.compile(r"^(?P<base>[A-Za-z]+)(?P<suf>['\u2019]s)$")
_MAX_PHRASE = 4

# Words ending in "s" that are not plurals: never inflect them via their "s"-less stem.
_NOT_PLURAL = frozenset(
    "is was has does goes this thus its his hers yours ours theirs us as plus less unless across always "
    "perhaps news series species chaos bus gas yes whereas nevertheless afterwards towards besides sometimes "
    "means lens bias status analysis basis crisis thesis famous various previous serious obvious numerous "
    "ridiculous dangerous anonymous continuous tremendous unanimous process progress success access business "
    "address congress class glass mass boss loss cross dress press stress kiss miss pass".split()
)

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
# Spelled numbers a spinner turns into digits ("two to three months" -> "two to 3 months").
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_ONES) if i > 0} | {w: str(10 * i) for i, w in enumerate(_TENS) if i > 1}


def number_words(n: int) -> str:
    """0..999 in words, the way spinners write them: 120 -> "one hundred twenty"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        t, o = divmod(n, 10)
        return _TENS[t] + ("" if o == 0 else "-" + _ONES[o])
    h, rest = divmod(n, 100)
    return _ONES[h] + " hundred" + ("" if rest == 0 else " " + number_words(rest))


def spell_number(token: str) -> str | None:
    """Partly spell out a number token; None when a spinner would leave it alone (years, decimals, big ints)."""
    if "." in token:
        return None
    if "," in token:
        head, _, tail = token.partition(",")
        return number_words(int(head)) + "," + tail
    if len(token) > 3 or (len(token) > 1 and token[0] == "0"):
        return None
    return number_words(int(token))


def match_case(original: str, replacement: str) -> str:
    """Carry `original`'s capitalisation over to `replacement`: UPPER, Capitalised, lower; phrases word by word."""
    letters = [c for c in original if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    words = original.split()
    if len(words) > 1:
        # a phrase: copy each original word's capitalisation onto the word in the same position
        # ("Secretary of State" -> "Secretary of Point out", "White House" -> "White Home")
        out = []
        for k, rep in enumerate(replacement.split(" ")):
            src = words[k] if k < len(words) else ""
            out.append(rep[:1].upper() + rep[1:] if src[:1].isupper() else rep)
        return " ".join(out)
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def pluralise(phrase: str) -> str:
    """Naive English plural of the last word: time -> times, city -> cities, box -> boxes."""
    head, _, last = phrase.rpartition(" ")
    if re.search(r"(s|x|z|ch|sh)$", last):
        last += "es"
    elif re.search(r"[^aeiou]y$", last):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


@dataclass(frozen=True)
class Change:
    """One replacement; `start`/`end` are offsets in the *spun* text."""

    start: int
    end: int
    original: str
    replacement: str


@dataclass
class SpinResult:
    """Spun text, its changes, the number of words in the source, and changed source words / words."""

    text: str
    changes: list[Change] = field(default_factory=list)
    words: int = 0
    rate: float = 0.0


@dataclass(frozen=True)
class _Candidate:
    """A replaceable span of the source: token indices [i, j) and the choices for it."""

    text_index: int
    i: int
    j: int
    kind: str          # "word", "plural", "possessive", "phrase", "number", "numword"


def _share(consistent: float) -> float:
    """`Spinner.consistent`, checked: a probability."""
    if not 0.0 <= consistent <= 1.0:
        raise ValueError(f"consistent must be in [0, 1], got {consistent}")
    return consistent


class Spinner:
    """Sense-blind synonym spinner over a ``{lowercase word or phrase: [synonyms]}`` dictionary.

    Keys containing spaces (from the thesaurus or `phrase_table`) are matched as phrases of up to four
    words; single-word entries of `phrase_table` take precedence over the thesaurus. `consistent` is the
    probability that a spin rewrites every occurrence of a word form it picks the same way (0: a synonym is
    drawn for each occurrence on its own; 1: always, as `SPINNER_DICTIONARIES`' "_consistent" ones do).
    """

    def __init__(self, thesaurus: dict[str, list[str]], *, name: str, spell_numbers: bool = True,
                 phrase_table: dict[str, list[str]] | None = None, consistent: float = 0.0) -> None:
        self.name = name
        self.consistent = _share(consistent)
        self.spell_numbers = spell_numbers
        self.thesaurus = thesaurus
        self.overrides: dict[str, list[str]] = {}
        self.phrases: dict[str, list[str]] = {}
        for table in (thesaurus, phrase_table or {}):
            for key, syns in table.items():
                if " " in key and key.count(" ") < _MAX_PHRASE and syns:
                    self.phrases[key] = list(syns)
        for key, syns in (phrase_table or {}).items():
            if " " not in key and syns:
                self.overrides[key] = list(syns)
        self._phrase_lengths = sorted({k.count(" ") + 1 for k in self.phrases}, reverse=True)
        self._phrase_first = frozenset(k.split(" ", 1)[0] for k in self.phrases)

    def with_consistency(self, share: float, name: str | None = None) -> "Spinner":
        """A copy (sharing the dictionaries) whose spins are consistent with probability `share`."""
        out = copy.copy(self)
        out.consistent = _share(share)
        out.name = self.name if name is None else name
        return out

    def with_common_synonyms(self, min_zipf: float, zipf: Callable[[str], float] | None = None) -> "Spinner":
        """A copy that offers only synonyms with `zipf(synonym) >= min_zipf` (`zipf`: the wordfreq Zipf value of
        its rarest word, `_phrase_zipf`, unless given); a headword left with none leaves its table (`synonyms`
        then falls back to the thesaurus's, or the word is not spun). Thesaurus spinners (Moby, MyThes) pick a
        rare word for about one swap in six; a spinner sold to publishers, whose output must read as English,
        almost never does (`training.train.SYNONYM_MIN_ZIPF`). Numbers are spun as before."""
        zipf = _phrase_zipf if zipf is None else zipf

        def kept(table: dict[str, list[str]]) -> dict[str, list[str]]:
            return {key: good for key, syns in table.items() if (good := [s for s in syns if zipf(s) >= min_zipf])}

        out = copy.copy(self)
        out.thesaurus = kept(self.thesaurus)
        out.overrides = kept(self.overrides)
        out.phrases = kept(self.phrases)
        out._phrase_lengths = sorted({k.count(" ") + 1 for k in out.phrases}, reverse=True)
        out._phrase_first = frozenset(k.split(" ", 1)[0] for k in out.phrases)
        return out

    def __repr__(self) -> str:
        return f"Spinner(name={self.name!r}, words={len(self.thesaurus)}, phrases={len(self.phrases)})"

    # -- lookup ---------------------------------------------------------------------------------------------
    def synonyms(self, word: str) -> list[str]:
        """Synonyms for one lowercase word (phrase_table first, then the thesaurus)."""
        return self.overrides.get(word) or self.thesaurus.get(word) or []

    def _word_kind(self, tok: str) -> str | None:
        low = tok.lower()
        if self.synonyms(low):
            return "word"
        m = _POSSESSIVE.match(tok)
        if m and self.synonyms(m.group("base").lower()):
            return "possessive"
        if (low.endswith("s") and len(low) > 3 and low not in _NOT_PLURAL and not low.endswith("ss")
                and self.synonyms(low[:-1])):
            return "plural"
        return None

    # -- planning -------------------------------------------------------------------------------------------
    @staticmethod
    def _tokens(text: str) -> list[re.Match[str]]:
        """Word and number tokens, skipping those glued to URLs, e-mail addresses, code or other tokens."""
        out = []
        n = len(text)
        for m in _TOKEN.finditer(text):
            s, e = m.start(), m.end()
            prev = text[s - 1] if s else " "
            nxt = text[e] if e < n else " "
            nxt2 = text[e + 1] if e + 1 < n else " "
            if prev in "@/\\_#=&%<>" or nxt in "@/\\_=<>" or prev.isalnum() or nxt.isalnum():
                continue
            if nxt == "." and nxt2.isalnum():       # example.com, 2.x
                continue
            if prev == "." and s >= 2 and text[s - 2].isalnum():
                continue
            if m.group("num") and (prev in "-+." or nxt in "-"):
                continue
            out.append(m)
        return out

    def _options(self, text_index: int, text: str, toks: list[re.Match[str]], i: int) -> list[_Candidate]:
        """Replaceable spans starting at token `i`: a phrase of 2..4 words, the word itself, or a number."""
        m = toks[i]
        if m.group("num"):
            if self.spell_numbers and spell_number(m.group()) is not None:
                return [_Candidate(text_index, i, i + 1, "number")]
            return []
        opts: list[_Candidate] = []
        low = m.group().lower()
        if self.spell_numbers and low in _NUMBER_WORDS and m.group() in (low, low.capitalize()):
            s, e = m.start(), m.end()
            if (s == 0 or text[s - 1] != "-") and (e == len(text) or text[e] != "-"):
                opts.append(_Candidate(text_index, i, i + 1, "numword"))
        if low in self._phrase_first:
            for length in self._phrase_lengths:
                j = i + length
                if j > len(toks) or any(t.group("num") for t in toks[i:j]):
                    continue
                # words of a phrase must be separated by plain spaces only
                if any(text[toks[k].end():toks[k + 1].start()] != " " for k in range(i, j - 1)):
                    continue
                if " ".join(t.group().lower() for t in toks[i:j]) in self.phrases:
                    opts.append(_Candidate(text_index, i, j, "phrase"))
        kind = self._word_kind(m.group())
        if kind:
            opts.append(_Candidate(text_index, i, i + 1, kind))
        return opts

    def _replacement(self, cand: _Candidate, source: str, rng: random.Random) -> str | None:
        low = source.lower()
        if cand.kind == "number":
            return spell_number(source)
        if cand.kind == "numword":
            return _NUMBER_WORDS[low]
        if cand.kind == "phrase":
            choices = self.phrases[" ".join(low.split())]
            rep = rng.choice(choices)
        elif cand.kind == "word":
            rep = rng.choice(self.synonyms(low))
        elif cand.kind == "plural":
            rep = pluralise(rng.choice(self.synonyms(low[:-1])))
        else:  # possessive
            m = _POSSESSIVE.match(source)
            assert m is not None
            rep = rng.choice(self.synonyms(m.group("base").lower())) + m.group("suf")
            return match_case(m.group("base"), rep)
        if rep.lower() == low:
            return None
        return match_case(source, rep)

    # -- spinning -------------------------------------------------------------------------------------------
    def spin_many(self, texts: list[str], rate: float, rng: random.Random) -> list[SpinResult]:
        """Spin several texts as one document: ~`rate` of all their words change, spread uniformly over
        eligible words. Used for spinning the text nodes of a page in place."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be in [0, 1], got {rate}")
        tokens = [self._tokens(t) for t in texts]
        total = sum(len(t) for t in tokens)
        target = int(rate * total + rng.random())          # stochastic rounding keeps the mean exact
        # Visit token positions in random order and take the first `target` words that have a synonym:
        # the same as a uniform draw over eligible words, without scoring every token of a long page.
        positions = [(ti, i) for ti, t in enumerate(tokens) for i in range(len(t))]
        rng.shuffle(positions)
        memo: dict[str, str] | None = None
        if self.consistent and (self.consistent >= 1.0 or rng.random() < self.consistent):
            # A dictionary spinner rewrites a word the same way wherever it occurs (the seed page has "coverage"
            # twice and "policy" never, "point out" four times and "state" never): each word form's occurrences are
            # visited together, in the order of the form's first random visit, and share one replacement.
            # Drawn only when `consistent` is set, so other spinners' random streams are unchanged.
            by_form: dict[str, list[tuple[int, int]]] = {}
            for ti, i in positions:
                by_form.setdefault(tokens[ti][i].group().lower(), []).append((ti, i))
            positions = [pos for group in by_form.values() for pos in group]
            memo = {}
        taken: dict[int, list[tuple[_Candidate, str]]] = {}
        used: set[tuple[int, int]] = set()
        changed = 0
        for ti, i in positions:
            if changed >= target:
                break
            if (ti, i) in used:
                continue
            opts = self._options(ti, texts[ti], tokens[ti], i)
            if not opts:
                continue
            c = opts[0] if len(opts) == 1 else rng.choice(opts)
            size = c.j - c.i
            if changed + size > target:
                continue
            span = [(c.text_index, k) for k in range(c.i, c.j)]
            if any(s in used for s in span):
                continue
            toks = tokens[c.text_index]
            source = texts[c.text_index][toks[c.i].start():toks[c.j - 1].end()]
            if memo is not None and source.lower() in memo:
                rep = match_case(source, memo[source.lower()])
            else:
                rep = self._replacement(c, source, rng)
                if memo is not None and rep is not None:
                    memo[source.lower()] = rep.lower()
            if rep is None or rep == source:
                continue
            used.update(span)
            changed += size
            taken.setdefault(c.text_index, []).append((c, rep))
        results = []
        for ti, text in enumerate(texts):
            toks = tokens[ti]
            parts: list[str] = []
            changes: list[Change] = []
            pos = 0
            out_len = 0
            n_changed = 0
            for c, rep in sorted(taken.get(ti, []), key=lambda x: x[0].i):
                s, e = toks[c.i].start(), toks[c.j - 1].end()
                keep = text[pos:s]
                parts.append(keep)
                out_len += len(keep)
                parts.append(rep)
                changes.append(Change(out_len, out_len + len(rep), text[s:e], rep))
                out_len += len(rep)
                n_changed += c.j - c.i
                pos = e
            parts.append(text[pos:])
            words = len(toks)
            results.append(SpinResult("".join(parts), changes, words, n_changed / words if words else 0.0))
        return results

    def spin(self, text: str, rate: float, rng: random.Random) -> SpinResult:
        """Replace ~`rate` of the words of `text` with random dictionary synonyms."""
        return self.spin_many([text], rate, rng)[0]


# -- the spinners used for training and cross-spinner evaluation ------------------------------------------------

# Hand-written swaps of the kind commercial spinners make that the thesauri do not offer (function words,
# idioms, set phrases). Only pairs absent from both Moby and MyThes are kept when the "private" spinner is built.
PRIVATE_SWAPS: dict[str, list[str]] = {
    "between": ["in between", "amongst"], "against": ["versus", "in opposition to"], "where": ["wherever", "exactly where"],
    "after": ["immediately after", "right after", "soon after"], "before": ["just before", "prior to"],
    "both": ["equally", "each"], "still": ["nevertheless", "even now"], "while": ["although", "even though", "when"],
    "however": ["on the other hand", "even so"], "also": ["also", "furthermore", "as nicely"],
    "very": ["extremely", "quite", "really"], "many": ["lots of", "a lot of", "several"], "some": ["some", "a number of"],
    "because": ["simply because", "since"], "about": ["about", "close to", "all around"], "during": ["throughout", "in the course of"],
    "through": ["via", "as a result of"], "into": ["into", "inside of"], "over": ["about", "in excess of", "more than"],
    "under": ["beneath", "below"], "within": ["inside of", "in just"], "without": ["devoid of", "with out"],
    "would": ["would", "might"], "should": ["should really", "ought to"], "could": ["could", "may possibly"],
    "may": ["may possibly", "could"], "might": ["may possibly", "could"], "will": ["will", "will certainly"],
    "said": ["stated", "reported", "explained"], "says": ["states", "suggests", "claims"], "told": ["informed", "instructed"],
    "added": ["added", "included", "extra"], "people": ["persons", "individuals", "folks"], "government": ["govt", "federal government"],
    "officials": ["officers", "authorities"], "official": ["formal", "officer"], "company": ["firm", "enterprise"],
    "companies": ["firms", "enterprises"], "house": ["home", "residence"], "state": ["point out", "condition"],
    "prime": ["key", "primary"], "natural": ["all-natural", "organic"], "policy": ["coverage", "plan"],
    "partner": ["spouse", "lover"], "write": ["produce", "compose"], "days": ["times", "times of day"], "day": ["working day"],
    "week": ["7 days"], "year": ["calendar year", "yr"], "years": ["several years", "yrs"], "month": ["thirty day period"],
    "news": ["information", "news"], "agency": ["company", "agency"], "foreign": ["overseas", "international"],
    "countries": ["international locations", "nations"], "country": ["place", "nation"], "former": ["previous", "former"],
    "recent": ["latest", "recent"], "recently": ["lately", "just lately"], "important": ["crucial", "significant"],
    "major": ["important", "main"], "top": ["major", "leading"], "leader": ["chief"], "leaders": ["leaders", "chiefs"],
    "election": ["election", "election marketing campaign"], "campaign": ["marketing campaign"], "statement": ["assertion"],
    "report": ["report", "reporting"], "reports": ["reviews", "stories"], "public": ["general public", "community"],
    "support": ["help", "aid"], "office": ["workplace", "business office"], "department": ["office", "division"],
    "power": ["ability", "electrical power"], "gas": ["gasoline", "fuel"], "electricity": ["electrical power", "energy"],
    "influence": ["impact", "affect"], "relationship": ["romance", "partnership"], "visit": ["check out", "go to"],
    "remove": ["take out", "eliminate"], "removal": ["removing", "elimination"], "close": ["near", "shut"],
    "every": ["each individual", "every single"], "each": ["just about every", "each and every"], "few": ["handful of", "couple"],
    "fight": ["combat", "struggle"], "aim": ["intention", "goal"], "steps": ["ways", "actions"], "step": ["phase", "action"],
    "capital": ["money", "funds"], "ties": ["ties", "bonds"], "security": ["stability", "safety"], "threat": ["risk", "menace"],
    "threats": ["threats", "risks"], "number": ["amount", "quantity"], "local": ["neighborhood", "regional"],
    "media": ["media", "press"], "said on": ["stated on"], "in the past": ["in the earlier", "in the previous"],
    "as well": ["as properly", "as nicely"], "according to": ["in accordance to", "according to"],
    "prime minister": ["key minister", "primary minister"], "secretary of state": ["secretary of point out"],
    "white house": ["white home"], "united states": ["united states", "us"], "last year": ["final yr", "past 12 months"],
    "next year": ["upcoming yr", "following calendar year"], "for example": ["for case in point", "for instance"],
    "in addition": ["in addition", "moreover"], "at least": ["at the very least", "at minimum"],
    "more than": ["extra than", "much more than"], "less than": ["much less than", "considerably less than"],
    "such as": ["these types of as", "this kind of as"], "such": ["these kinds of", "this kind of"],
    "even though": ["even nevertheless", "even although"], "so far": ["so much", "so considerably"],
    "on the other hand": ["on the flip side", "on the other hand"], "as well as": ["as nicely as", "as properly as"],
    "chief executive": ["main govt", "chief government"], "interest rates": ["desire premiums", "fascination fees"],
    "stock market": ["inventory market place", "stock sector"], "social media": ["social media", "social media marketing"],
    "health care": ["health and fitness treatment", "wellness care"], "real estate": ["genuine estate", "true estate"],
    "police officer": ["law enforcement officer"], "police": ["law enforcement", "police"],
    "first time": ["initially time", "very first time"], "last week": ["past 7 days", "very last 7 days"],
}



# More swaps of the same kind, written for training only: common words into other common words or longer
# forms, the way readable-output spinners rewrite news ("including" -> "which includes", "today" -> "these
# days", "meet" -> "satisfy", "in order to" -> "in buy to"). Headwords of the held-out half, its
# replacement forms and forms that hold one of its swaps are dropped (`_training_swaps`), so "seed" stays
# unseen.
EXTRA_TRAIN_SWAPS: dict[str, list[str]] = {
    "show": ["display", "present"], "shows": ["displays", "demonstrates"], "find": ["locate", "uncover"],
    "found": ["identified", "located"], "make": ["generate", "produce"], "made": ["designed", "crafted"],
    "take": ["consider", "acquire"], "get": ["acquire", "obtain"], "got": ["obtained", "received"],
    "give": ["provide", "present"], "keep": ["hold", "preserve"], "begin": ["commence"],
    "began": ["commenced", "started off"], "start": ["start off", "commence"], "started": ["commenced", "begun"],
    "end": ["finish", "conclude"], "ended": ["finished", "concluded"], "use": ["employ", "utilise"],
    "used": ["utilised", "employed"], "need": ["require", "want"], "needs": ["requires", "wants"],
    "think": ["imagine", "consider"], "thought": ["considered", "believed"], "know": ["realize", "recognize"],
    "known": ["regarded", "recognised"], "look": ["seem", "glance"], "looking": ["seeking", "searching"],
    "came": ["arrived", "appeared"], "announced": ["introduced", "declared"], "expected": ["envisioned", "predicted"],
    "continue": ["carry on", "keep on"], "include": ["incorporate", "involve"], "including": ["which includes", "like"],
    "provide": ["offer", "deliver"], "allow": ["allow for", "make it possible for"], "allowed": ["authorized", "permitted"],
    "believe": ["feel", "consider"], "called": ["termed", "named"], "asked": ["requested", "questioned"],
    "tried": ["experimented with", "attempted"], "try": ["try out", "attempt"], "become": ["grow to be", "turn out to be"],
    "became": ["grew to become", "turned"], "happened": ["transpired", "occurred"], "built": ["constructed", "crafted"],
    "closed": ["shut", "shut down"], "raised": ["elevated", "lifted"], "buy": ["obtain", "order"],
    "sell": ["offer", "market"], "sold": ["offered", "marketed"], "pay": ["spend", "fork out"],
    "paid": ["compensated", "paid out"], "run": ["operate"], "move": ["shift", "transfer"],
    "meet": ["satisfy", "fulfill"], "met": ["satisfied", "fulfilled"], "face": ["experience", "encounter"],
    "lead": ["direct", "guide"], "leading": ["foremost", "top rated"], "likely": ["probable", "most likely"],
    "probably": ["possibly", "almost certainly"], "already": ["currently", "by now"], "often": ["frequently", "typically"],
    "usually": ["generally", "commonly"], "really": ["definitely", "seriously"], "across": ["throughout", "across the"],
    "until": ["right until", "till"], "since": ["due to the fact", "given that"], "almost": ["virtually", "nearly"],
    "enough": ["more than enough", "adequate"], "together": ["collectively", "jointly"], "again": ["once more", "yet again"],
    "today": ["these days", "nowadays"], "high": ["significant", "substantial"], "low": ["minimal", "very low"],
    "big": ["huge", "massive"], "small": ["modest", "tiny"], "large": ["substantial", "massive"],
    "long": ["extended", "lengthy"], "short": ["brief", "limited"], "good": ["excellent", "superior"],
    "bad": ["poor", "terrible"], "great": ["wonderful", "fantastic"], "hard": ["challenging", "tough"],
    "easy": ["uncomplicated", "effortless"], "world": ["planet", "globe"], "city": ["metropolis", "town"],
    "team": ["workforce", "crew"], "game": ["recreation", "activity"], "players": ["gamers", "participants"],
    "win": ["acquire", "earn"], "won": ["gained", "received"], "lost": ["misplaced", "shed"],
    "money": ["cash", "revenue"], "market": ["industry", "marketplace"], "business": ["organization", "small business"],
    "industry": ["sector", "field"], "price": ["value", "selling price"], "prices": ["costs", "charges"],
    "growth": ["progress", "expansion"], "service": ["assistance", "provider"], "services": ["expert services", "solutions"],
    "products": ["items", "goods"], "customers": ["buyers", "consumers"], "family": ["relatives", "loved ones"],
    "children": ["kids", "youngsters"], "women": ["ladies", "females"], "men": ["males", "gentlemen"],
    "life": ["everyday living", "existence"], "death": ["loss of life", "dying"], "health": ["wellbeing", "well being"],
    "school": ["faculty", "college"], "students": ["learners", "pupils"], "car": ["auto", "car or truck"],
    "water": ["h2o", "drinking water"], "food": ["foods", "meals"], "book": ["e-book", "guide"],
    "film": ["movie", "motion picture"], "music": ["songs", "audio"], "question": ["query", "concern"],
    "problem": ["trouble", "challenge"], "issue": ["concern", "situation"], "change": ["modify", "alter"],
    "changes": ["adjustments", "alterations"], "increase": ["raise", "boost"], "decision": ["choice", "determination"],
    "war": ["conflict", "battle"], "attack": ["assault", "strike"], "died": ["passed away", "perished"],
    "army": ["military", "armed forces"], "court": ["courtroom", "court docket"], "law": ["regulation", "legislation"],
    "deal": ["offer", "arrangement"], "talks": ["negotiations", "discussions"], "party": ["get together", "celebration"],
    "area": ["location", "space"], "building": ["developing", "constructing"], "project": ["venture", "undertaking"],
    "research": ["investigation", "exploration"], "study": ["analyze", "research"], "data": ["info", "details"],
    "system": ["procedure", "method"], "technology": ["engineering", "technologies"], "online": ["on line", "on-line"],
    "website": ["internet site", "web site"], "phone": ["cellphone", "mobile phone"], "video": ["online video", "movie"],
    "article": ["short article", "write-up"], "story": ["tale", "account"], "important": ["essential", "vital"],
    "in order to": ["in buy to", "so as to"], "because of": ["simply because of", "owing to"],
    "at the same time": ["at the very same time", "concurrently"], "the same": ["the exact same", "the similar"],
    "right now": ["appropriate now", "proper now"], "in fact": ["in simple fact", "in truth"],
    "of course": ["of program", "of study course"], "as a result": ["as a consequence", "as a end result"],
    "a little": ["a small", "a very little"], "first": ["initially", "1st"], "second": ["2nd", "next"],
    "percent": ["per cent", "p.c."], "a lot of": ["a good deal of", "loads of"], "look at": ["appear at", "search at"],
    "find out": ["uncover out", "discover out"], "part of": ["component of", "element of"], "kind of": ["type of", "sort of"],
    # everyday news words, and the senses spinners cross ("point" -> "level", "left" -> "still left")
    "another": ["yet another", "a further"], "more": ["a lot more", "much more"], "most": ["most of the", "the vast majority of"],
    "other": ["other folks", "other people"], "around": ["all over", "all-around"], "among": ["amid", "amongst the"],
    "above": ["previously mentioned", "over and above"], "behind": ["guiding", "driving"], "along": ["together", "alongside"],
    "toward": ["towards", "in the direction of"], "towards": ["toward", "in the direction of"], "ago": ["back", "in the past"],
    "later": ["afterwards", "later on"], "soon": ["shortly", "before long"], "never": ["under no circumstances", "by no means"],
    "always": ["normally", "generally"], "sometimes": ["from time to time", "occasionally"], "ever": ["at any time", "ever before"],
    "too": ["far too", "also"], "well": ["effectively", "perfectly"], "away": ["absent", "away from"], "back": ["again", "back again"],
    "next": ["up coming", "subsequent"], "last": ["final", "very last"], "past": ["earlier", "previous"],
    "future": ["potential", "long run"], "early": ["early on", "premature"], "late": ["late", "belated"],
    "quickly": ["promptly", "speedily"], "slowly": ["bit by bit", "gradually"], "nearly": ["virtually", "practically"],
    "exactly": ["specifically", "precisely"], "especially": ["specially", "significantly"], "actually": ["really", "truly"],
    "finally": ["lastly", "eventually"], "currently": ["at present", "presently"], "instead": ["alternatively", "rather"],
    "home": ["household", "dwelling"], "homes": ["residences", "properties"], "work": ["perform", "get the job done"],
    "working": ["doing work", "functioning"], "works": ["operates", "is effective"], "worked": ["labored", "functioned"],
    "job": ["occupation", "position"], "jobs": ["careers", "work opportunities"], "time": ["time period", "instant"],
    "times": ["instances", "occasions"], "way": ["way", "method"], "ways": ["approaches", "techniques"],
    "thing": ["issue", "detail"], "things": ["points", "items"], "man": ["gentleman", "guy"], "woman": ["lady", "female"],
    "child": ["kid", "baby"], "group": ["team", "group of people"], "groups": ["teams", "teams of people"],
    "point": ["level", "stage"], "case": ["circumstance", "scenario"], "cases": ["situations", "conditions"],
    "fact": ["reality", "truth"], "place": ["spot", "location"], "side": ["aspect", "facet"], "part": ["portion", "component"],
    "level": ["degree", "amount"], "levels": ["amounts", "concentrations"], "rate": ["charge", "amount"],
    "rates": ["charges", "premiums"], "cost": ["value", "expense"], "costs": ["fees", "charges"], "plan": ["system", "prepare"],
    "plans": ["options", "ideas"], "program": ["application", "method"], "event": ["function", "occasion"],
    "events": ["functions", "situations"], "season": ["period", "time"], "result": ["consequence", "end result"],
    "results": ["success", "outcomes"], "evidence": ["proof", "evidence"], "idea": ["notion", "concept"],
    "ideas": ["suggestions", "concepts"], "experience": ["knowledge", "expertise"], "example": ["illustration", "instance"],
    "reason": ["purpose", "cause"], "reasons": ["factors", "motives"], "effect": ["outcome", "impact"],
    "effects": ["consequences", "outcomes"], "risk": ["chance", "hazard"], "risks": ["hazards", "dangers"],
    "patients": ["sufferers", "clients"], "doctor": ["health practitioner", "medical professional"],
    "doctors": ["physicians", "medical practitioners"], "hospital": ["clinic", "medical center"], "disease": ["illness", "ailment"],
    "crisis": ["disaster", "crisis"], "economy": ["economic system", "overall economy"], "bank": ["lender", "financial institution"],
    "banks": ["financial institutions", "lenders"], "investors": ["traders", "buyers"], "stock": ["inventory", "stock"],
    "stocks": ["shares", "equities"], "energy": ["vitality", "strength"], "climate": ["local climate", "weather"],
    "weather": ["temperature", "climate"], "environment": ["natural environment", "setting"], "members": ["users", "associates"],
    "member": ["member", "associate"], "staff": ["personnel", "employees"], "workers": ["staff", "personnel"],
    "employees": ["staff members", "personnel"], "community": ["neighborhood", "local community"], "society": ["modern society", "culture"],
    "history": ["historical past", "background"], "rights": ["legal rights", "rights"], "freedom": ["flexibility", "liberty"],
    "control": ["command", "handle"], "order": ["purchase", "buy"], "record": ["document", "file"], "fans": ["supporters", "lovers"],
    "coach": ["mentor", "coach"], "match": ["match", "sport"], "games": ["online games", "video games"], "player": ["participant", "player"],
    "goal": ["intention", "objective"], "goals": ["targets", "plans"], "points": ["details", "factors"], "round": ["spherical", "round"],
    "race": ["race", "competition"], "cup": ["cup", "mug"], "league": ["league", "association"],
    "head": ["head", "chief"], "hand": ["hand", "palm"], "hands": ["arms", "fingers"], "eyes": ["eyes", "eye"],
    "body": ["system", "overall body"], "mind": ["brain", "thoughts"], "heart": ["coronary heart", "heart"], "blood": ["blood", "bloodstream"],
    "help": ["support", "assistance"], "helped": ["aided", "assisted"], "helps": ["aids", "assists"], "want": ["want", "would like"],
    "wanted": ["wished", "required"], "see": ["see", "view"], "saw": ["noticed", "observed"], "seen": ["witnessed", "observed"],
    "go": ["go", "head"], "went": ["went", "went to"], "come": ["arrive", "occur"], "comes": ["arrives", "will come"],
    "left": ["still left", "remaining"], "right": ["suitable", "correct"], "hold": ["maintain", "keep"], "held": ["retained", "kept"],
    "bring": ["provide", "convey"], "brought": ["introduced", "brought"], "set": ["established", "set"], "put": ["place", "set"],
    "turn": ["switch", "flip"], "turned": ["turned", "became"], "play": ["participate in", "perform"], "played": ["performed", "played"],
    "playing": ["taking part in", "enjoying"], "live": ["reside", "dwell"], "lives": ["life", "lives"], "living": ["dwelling", "residing"],
    "kill": ["eliminate", "destroy"], "killed": ["killed", "slain"], "reported": ["documented", "noted"], "released": ["unveiled", "introduced"],
    "launch": ["start", "launch"], "launched": ["released", "introduced"], "hit": ["strike", "hit"], "decided": ["resolved", "made the decision"],
    "agreed": ["arranged", "concurred"], "warned": ["cautioned", "warned"], "received": ["gained", "been given"],
    "spent": ["invested", "expended"], "spend": ["invest", "expend"], "reach": ["achieve", "get to"], "reached": ["attained", "achieved"],
    "remain": ["continue being", "stay"], "remains": ["continues to be", "stays"], "stay": ["keep", "continue to be"],
    "create": ["produce", "generate"], "created": ["produced", "developed"], "offer": ["give", "supply"], "offers": ["delivers", "features"],
    "open": ["open up", "open"], "opened": ["opened up", "opened"], "follow": ["adhere to", "observe"], "following": ["next", "subsequent"],
    "expect": ["be expecting", "anticipate"], "learn": ["understand", "discover"], "understand": ["comprehend", "realize"],
    "explain": ["demonstrate", "make clear"], "explained": ["spelled out", "described"], "add": ["insert", "contain"],
    "involved": ["concerned", "associated"], "require": ["call for", "need"], "required": ["necessary", "essential"],
    "consider": ["think about", "take into account"], "considered": ["deemed", "regarded as"], "return": ["return", "come back"],
    "returned": ["came back", "returned"], "lose": ["eliminate", "get rid of"], "save": ["preserve", "conserve"],
    "protect": ["shield", "guard"], "prevent": ["avoid", "protect against"], "avoid": ["steer clear of", "stay clear of"],
    "reduce": ["decrease", "lower"], "improve": ["boost", "enhance"], "develop": ["build", "create"], "developed": ["designed", "formulated"],
    "ask": ["request", "inquire"], "tell": ["inform", "notify"], "call": ["get in touch with", "simply call"], "calls": ["phone calls", "calls"],
    "talk": ["chat", "converse"], "speak": ["talk", "converse"], "read": ["study", "examine"], "watch": ["observe", "enjoy"],
    "wait": ["hold out", "wait around"], "walk": ["stroll", "wander"], "drive": ["push", "travel"], "travel": ["journey", "vacation"],
    "check": ["look at", "verify"], "test": ["check", "examination"], "tests": ["assessments", "checks"], "choose": ["pick", "pick out"],
    "old": ["outdated", "previous"], "young": ["youthful", "younger"], "best": ["ideal", "finest"], "better": ["much better", "improved"],
    "worse": ["even worse", "worse"], "free": ["absolutely free", "cost-free"], "full": ["whole", "complete"], "whole": ["total", "full"],
    "certain": ["specified", "selected"], "different": ["distinct", "unique"], "similar": ["related", "comparable"],
    "simple": ["straightforward", "basic"], "special": ["distinctive", "exclusive"], "real": ["actual", "serious"],
    "true": ["genuine", "accurate"], "possible": ["achievable", "probable"], "available": ["readily available", "obtainable"],
    "able": ["capable", "ready"], "ready": ["completely ready", "prepared"], "sure": ["positive", "confident"],
    "clear": ["crystal clear", "distinct"], "private": ["personal", "non-public"], "personal": ["own", "individual"],
    "national": ["nationwide", "countrywide"], "international": ["global", "worldwide"], "global": ["world wide", "world-wide"],
    "economic": ["financial", "economical"], "military": ["navy", "armed service"], "financial": ["economic", "monetary"],
    "medical": ["healthcare", "clinical"], "serious": ["really serious", "severe"], "strong": ["robust", "potent"],
    "fast": ["speedy", "rapid"], "main": ["primary", "principal"], "huge": ["large", "massive"], "whole country": ["overall region", "complete country"],
    "around the world": ["all over the world", "all-around the entire world"], "at all": ["at all", "in any respect"],
    "as soon as": ["as quickly as", "as before long as"], "in the end": ["in the conclude", "ultimately"], "up to": ["up to", "up until"],
    "able to": ["in a position to", "capable to"], "a lot": ["a whole lot", "a great deal"], "all over": ["all around", "everywhere in"],
    "long time": ["prolonged time", "extended time"], "at the time": ["at the time", "at that time"], "for now": ["for now", "for the time being"],
    "each other": ["every other", "one particular another"], "one of": ["a single of", "just one of"], "lot of": ["good deal of", "whole lot of"],
    "number of": ["range of", "quantity of"], "set up": ["established up", "set up"], "carry out": ["carry out", "have out"],
    "take part": ["acquire component", "get component"], "take place": ["get area", "acquire place"], "took place": ["took area", "occurred"],
    "make sure": ["make certain", "make positive"], "point of view": ["stage of look at", "viewpoint"], "in front of": ["in entrance of", "before"],
    "at risk": ["at possibility", "at threat"], "face masks": ["deal with masks", "experience masks"], "cell phone": ["mobile telephone", "cellular phone"],
    "high school": ["large school", "higher faculty"], "supreme court": ["supreme courtroom", "supreme court docket"],
    "climate change": ["local weather change", "weather transform"], "human rights": ["human legal rights", "human rights"],
    "press conference": ["push convention", "press meeting"], "middle east": ["center east", "middle east"],
    "european union": ["european union", "eu"], "federal reserve": ["federal reserve", "fed"], "wall street": ["wall avenue", "wall street"],
    "real time": ["actual time", "genuine time"], "big data": ["large information", "massive facts"], "machine learning": ["device learning", "equipment studying"],
    "credit card": ["credit rating card", "credit history card"], "weight loss": ["body weight reduction", "fat loss"], "lose weight": ["get rid of body weight", "drop body weight"],
}


def seed_half(headword: str) -> int:
    """Which half of PRIVATE_SWAPS a headword is in: 0 trains ("seed_train"), 1 is held out ("seed", and
    "private"'s phrase table). By CRC-32, so the split is fixed and independent of the table's order.
    Training on seed-style swaps is the only way the swap model learns them (the thesauri do not have
    them), and keeping half out is what still measures swaps it has never seen."""
    return zlib.crc32(headword.encode("utf-8")) % 2


def _has_phrase(text: str, phrase: str) -> bool:
    """`phrase` occurs in `text` as whole words."""
    return f" {phrase} " in f" {text} "


def _training_swaps(held_out: dict[str, list[str]]) -> dict[str, list[str]]:
    """The training half of PRIVATE_SWAPS plus EXTRA_TRAIN_SWAPS, without the held-out headwords and forms.
    A form that writes a held-out swap inside a longer one is dropped too ("prime minister" -> "key
    minister" while "prime" -> "key" is held out), so no held-out swap trains as part of another."""
    held_forms = set(held_out) | {s for v in held_out.values() for s in v}
    held_swaps = {s for k, v in held_out.items() for s in v if s != k}

    def kept(key: str, swaps: list[str]) -> list[str]:
        return [s for s in swaps if s not in held_forms
                and not any(_has_phrase(s, h) and not _has_phrase(key, h) for h in held_swaps)]

    out: dict[str, list[str]] = {}
    for key, swaps in [*((k, v) for k, v in PRIVATE_SWAPS.items() if seed_half(k) == 0), *EXTRA_TRAIN_SWAPS.items()]:
        if key not in held_out and (forms := kept(key, swaps)):
            out[key] = list(dict.fromkeys(out.get(key, []) + forms))
    return out


SEED_HELD_OUT_SWAPS = {k: v for k, v in PRIVATE_SWAPS.items() if seed_half(k) == 1}
SEED_TRAIN_SWAPS = _training_swaps(SEED_HELD_OUT_SWAPS)


@functools.lru_cache(maxsize=None)
def _phrase_zipf(phrase: str) -> float:
    """wordfreq Zipf value of the rarest word of `phrase` (how common a synonym is, for the dictionaries
    below)."""
    from wordfreq import zipf_frequency

    return min((zipf_frequency(word, "en") for word in phrase.split()), default=float("inf"))


def build_private_dictionary(moby: dict[str, list[str]], mythes: dict[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Deterministically derive the "private" spinner's tables: Moby+MyThes pairs where both sides are
    common words (at most 2 words per synonym, at most 12 synonyms per word, in source order), and the
    held-out half of the hand-written swaps (SEED_HELD_OUT_SWAPS) not found in either thesaurus. Returns
    (thesaurus, phrase_table)."""

    def common(w: str) -> bool:
        return _phrase_zipf(w) >= 3.5

    thesaurus: dict[str, list[str]] = {}
    for source in (mythes, moby):
        for key in sorted(source):
            if " " in key or not common(key):
                continue
            cur = thesaurus.setdefault(key, [])
            for syn in source[key]:
                if len(cur) >= 12:
                    break
                if syn.count(" ") < 2 and syn not in cur and common(syn):
                    cur.append(syn)
            if not cur:
                del thesaurus[key]
    phrase_table: dict[str, list[str]] = {}
    for key, swaps in SEED_HELD_OUT_SWAPS.items():
        known = set(moby.get(key, ())) | set(mythes.get(key, ()))
        novel = [s for s in dict.fromkeys(swaps) if s != key and s not in known]
        if novel:
            phrase_table[key] = novel
    return thesaurus, phrase_table


def build_frequent_dictionary(moby: dict[str, list[str]], mythes: dict[str, list[str]],
                              keep: int = 6, min_zipf: float = 3.0) -> dict[str, list[str]]:
    """A commercial spinner's kind of dictionary: for each common word, its `keep` closest common
    synonyms. Uniform picks from a full thesaurus mostly give obscure words ("elbow room"), which are
    easy to spot; spinners that sell readable output prefer close, common synonyms ("individuals" for
    "people", "firm" for "company"), which are not. Closeness: listed by both thesauri, or by Moby in
    both directions (a pair listed one way only is often loose: "people" -> "get"). One or two words
    each, Zipf >= `min_zipf`; the closer and then the more frequent first."""
    z = _phrase_zipf
    out: dict[str, list[str]] = {}
    for key in sorted(set(moby) | set(mythes)):
        if " " in key or z(key) < min_zipf:
            continue
        in_mythes = set(mythes.get(key, ()))
        in_moby = set(moby.get(key, ()))
        scored = []
        for syn in in_mythes | in_moby:
            if syn == key or syn.count(" ") > 1 or z(syn) < min_zipf:
                continue
            close = (syn in in_mythes) + (syn in in_moby) + (key in moby.get(syn, ()))
            if close >= 2:
                scored.append((-close, -z(syn), syn))
        if scored:
            out[key] = [syn for _, _, syn in sorted(scored)[:keep]]
    return out


def _moby(shared: Path | None) -> Spinner:
    from training.thesauri import load_moby

    return Spinner(load_moby(), name="moby")


def _require(shared: Path | None) -> Path:
    if shared is None:
        raise FileNotFoundError("this spinner needs ../shared (lexicons); set UNSPUN_SHARED")
    return Path(shared)


def _mythes(shared: Path | None) -> Spinner:
    from training.thesauri import load_mythes

    return Spinner(load_mythes(_require(shared)), name="mythes")


def _tortured(shared: Path | None) -> Spinner:
    from training.thesauri import load_tortured_pairs, load_tortured_phrases

    s = _require(shared)
    return Spinner(load_tortured_pairs(s), name="tortured", phrase_table=load_tortured_phrases(s))


_MIXED: dict[Path, dict[str, list[str]]] = {}
_PRIVATE: dict[Path, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}
_FREQUENT: dict[Path, dict[str, list[str]]] = {}


def _frequent(shared: Path | None) -> Spinner:
    from training.thesauri import load_moby, load_mythes

    s = _require(shared)
    if s not in _FREQUENT:
        _FREQUENT[s] = build_frequent_dictionary(load_moby(), load_mythes(s))
    return Spinner(_FREQUENT[s], name="frequent")


def _mixed(shared: Path | None) -> Spinner:
    from training.thesauri import load_moby, load_mythes, load_tortured_pairs, load_tortured_phrases, merge

    s = _require(shared)
    if s not in _MIXED:
        _MIXED[s] = merge(load_moby(), load_mythes(s), load_tortured_pairs(s))
    return Spinner(_MIXED[s], name="mixed", phrase_table=load_tortured_phrases(s))


def _private(shared: Path | None) -> Spinner:
    from training.thesauri import load_moby, load_mythes

    s = _require(shared)
    if s not in _PRIVATE:
        _PRIVATE[s] = build_private_dictionary(load_moby(), load_mythes(s))
    thesaurus, phrases = _PRIVATE[s]
    return Spinner(thesaurus, name="private", phrase_table=phrases)


def _seed_swaps(swaps: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: [s for s in v if s != k] for k, v in swaps.items()}


def _seed(shared: Path | None) -> Spinner:
    """The held-out half of the hand-written swaps alone (SEED_HELD_OUT_SWAPS, each word's own spelling
    dropped), none of the thesauri's pairs: the kind of swaps the seed page shows (function words expanded,
    "in between", "every single"; senses crossed, "Point out", "Key Minister", "coverage" for "policy"), at
    the rates the protocols ask for. Never used in training, and a harder test than "private", whose
    thesaurus pairs make most of its swaps. Needs no shared dir."""
    return Spinner({}, name="seed", phrase_table=_seed_swaps(SEED_HELD_OUT_SWAPS))


def _seed_train(shared: Path | None) -> Spinner:
    """The other half and more of the kind (SEED_TRAIN_SWAPS): seed-style swaps for training. Needs no
    shared dir."""
    return Spinner({}, name="seed_train", phrase_table=_seed_swaps(SEED_TRAIN_SWAPS))


def consistently(factory: Callable[[Path | None], Spinner]) -> Callable[[Path | None], Spinner]:
    """`factory`'s spinner, rewriting every occurrence of a word form the same way in each spin."""

    def make(shared: Path | None) -> Spinner:
        spinner = factory(shared)
        return spinner.with_consistency(1.0, spinner.name + CONSISTENT_SUFFIX)

    return make


CONSISTENT_SUFFIX = "_consistent"

SPINNER_DICTIONARIES: dict[str, Callable[[Path | None], Spinner]] = {
    "moby": _moby,
    "mythes": _mythes,
    "tortured": _tortured,
    "mixed": _mixed,
    "frequent": _frequent,
    "private": _private,
    "seed": _seed,
    "seed_train": _seed_train,
    "private_consistent": consistently(_private),
    "moby_consistent": consistently(_moby),
    "seed_consistent": consistently(_seed),
}
"""name -> factory(shared) building that spinner. "moby", "seed" and "seed_train" need no shared dir; the
others read shared/lexicons."""
