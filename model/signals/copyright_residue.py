"""copyright_residue: copyright, attribution and contact lines left over from another publisher.

Three quarters of real pages carry their own copyright line, so a copyright line alone is not a tell.
What is: a copyright naming an organisation that is not the page's own publisher, spun boilerplate
("All Legal rights Reserved", "Dow Jones & Firm", "Produce to <author> at"), orphan hex hashes, the
e-mail-protection placeholder of a scraped page, and "contributed to this post" credits.
"""
from __future__ import annotations

import re

from model import patterns as P
from model.page import Page
from model.verdict import Evidence, Signal

NAME = "copyright_residue"
DESCRIPTION = ("Copyright, attribution and contact lines of a publisher other than the page's own, spun "
               "boilerplate ('All Legal rights Reserved'), orphan hex hashes, e-mail-protection placeholders.")
FEATURES = ("cr_copyright_lines", "cr_foreign_copyright", "cr_own_copyright", "cr_spun_boilerplate",
            "cr_orphan_hash", "cr_email_protected", "cr_contributed", "cr_write_to", "cr_originally",
            "cr_in_main", "cr_strength")
_ORG_WORD = re.compile(r"[a-z0-9]{3,}")
_ORG_STOP = frozenset({"all", "rights", "reserved", "inc", "llc", "ltd", "company", "the", "and", "com", "www",
                       "media", "group", "news", "corporation", "corp", "limited", "copyright", "firm"})


def _org_tokens(org: str) -> set[str]:
    return {w for w in _ORG_WORD.findall(org.lower()) if w not in _ORG_STOP and not w.isdigit()}


def compute(page: Page) -> tuple[dict[str, float], Signal]:
    """Features and evidence from every text block of the page (residue often sits outside the main text)."""
    feats = {k: 0.0 for k in FEATURES}
    evidence: list[Evidence] = []
    own = set(page.site_tokens) | _org_tokens(page.title.rsplit("|", 1)[-1] if "|" in page.title else "")
    n_copy = foreign = own_hits = 0
    blocks = page.blocks[-400:]
    for b in blocks:
        text = b.text
        if len(text) > 2000:
            text = text[:2000]
        low = text.lower()
        if "copyright" in low or "©" in text or "(c)" in low:
            m = P.COPYRIGHT_LINE.search(text)
            if m:
                n_copy += 1
                org = _org_tokens(m.group("org"))
                if org and own and not (org & own):
                    foreign += 1
                    evidence.append(Evidence(text=text[:300], detail="foreign_copyright"))
                elif org & own:
                    own_hits += 1
        for pat, key, detail in ((P.SPUN_BOILERPLATE, "cr_spun_boilerplate", "spun_boilerplate"),
                                 (P.EMAIL_PROTECTED, "cr_email_protected", "email_protection_placeholder"),
                                 (P.CONTRIBUTED, "cr_contributed", "contributed_credit"),
                                 (P.WRITE_TO, "cr_write_to", "write_to_line"),
                                 (P.ORIGINALLY, "cr_originally", "originally_published")):
            if pat.search(text):
                feats[key] += 1.0
                if b.main:
                    feats["cr_in_main"] += 1.0
                evidence.append(Evidence(text=text[:300], detail=detail))
        for m in P.ORPHAN_HASH.finditer(text):
            feats["cr_orphan_hash"] += 1.0
            evidence.append(Evidence(text=m.group(), detail="orphan_hash"))
    feats["cr_copyright_lines"] = float(n_copy)
    feats["cr_foreign_copyright"] = float(foreign)
    feats["cr_own_copyright"] = float(own_hits)
    strong = feats["cr_spun_boilerplate"] + feats["cr_orphan_hash"] + feats["cr_foreign_copyright"]
    weak = feats["cr_email_protected"] + feats["cr_contributed"] + feats["cr_write_to"] + feats["cr_originally"]
    strength = min(1.0, 0.45 * strong + 0.15 * weak)
    feats["cr_strength"] = strength
    fired = feats["cr_spun_boilerplate"] > 0 or feats["cr_orphan_hash"] > 0 or (foreign > 0 and weak > 0)
    reason = ("spun_publisher_boilerplate" if feats["cr_spun_boilerplate"] else
              "orphan_hash" if feats["cr_orphan_hash"] else
              "foreign_copyright_with_credits" if fired else
              "own_or_no_copyright")
    # keep the evidence list short and de-duplicated
    seen: set[tuple[str, str | None]] = set()
    uniq = []
    for e in evidence:
        if (e.text, e.detail) not in seen:
            seen.add((e.text, e.detail))
            uniq.append(e)
    return feats, Signal(NAME, DESCRIPTION, strength, fired, tuple(uniq[:20]), reason)
