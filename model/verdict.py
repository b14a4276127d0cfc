"""The detector's answer: a verdict, a score and the evidence behind it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence a person can check: the text, where it is, and what it suggests."""

    text: str
    start: int | None = None          # character offset in the main text (None: not in the main text)
    end: int | None = None
    suggestion: str | None = None     # e.g. the likely original of a spun phrase
    confidence: float | None = None   # 0..1
    detail: str | None = None         # a short named reason, e.g. "inverse_thesaurus"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        for key in ("start", "end", "suggestion", "confidence", "detail"):
            value = getattr(self, key)
            if value is not None:
                out[key] = round(value, 4) if isinstance(value, float) else value
        return out


@dataclass(frozen=True)
class Signal:
    """One signal family's finding on a page. `fired` is True when it counts as a tell."""

    name: str
    description: str
    strength: float                   # 0..1, how strongly this family points to a farm page
    fired: bool
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""                  # named reason for the decision, e.g. "off_topic_links"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "strength": round(self.strength, 4),
            "fired": self.fired,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Verdict:
    """The whole answer for one page."""

    verdict: str                      # "spam" or "ham"
    score: float                      # 0..1, calibrated probability of a farm page
    threshold: float
    signals: tuple[Signal, ...]
    language: str                     # detected language code, "und" if unknown
    model_version: str
    model_sha256: str
    reasons: tuple[str, ...] = ()     # named reasons, e.g. ("not_english",)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def is_spam(self) -> bool:
        return self.verdict == "spam"

    @property
    def fired(self) -> list[str]:
        """Names of the signals that fired."""
        return [s.name for s in self.signals if s.fired]

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "score": round(self.score, 6),
            "threshold": round(self.threshold, 6),
            "language": self.language,
            "reasons": list(self.reasons),
            "signals": [s.to_dict() for s in self.signals],
            "stats": self.stats,
            "model": {"version": self.model_version, "sha256": self.model_sha256},
        }
