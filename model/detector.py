"""Detector: load a verified artifact once, then score pages.

The public contract used by `service/`, `crawl/` and `training/`:

    det = Detector.load()                       # bundled model in model/artifacts/, SHA-256 verified
    det = Detector.load("path/to/dir")          # another model dir (unspun.joblib + model_card.json)
    v = det.score(page_bytes_or_str, url=None, content_type=None, threshold=None)
    v.verdict, v.score, v.threshold, v.signals, v.to_dict()
    det.version, det.sha256, det.threshold, det.threshold_bare, det.card

An artifact may hold an ensemble (`model.artifact.members_of`): several swap models, each with the page
classifier trained on its features. The page is analysed once; each member's swap model gives its own
swap features and its classifier a score; the page's score is their mean, against one threshold chosen
on the mean of the members' out-of-fold scores (`training.train`). Averaging retrains' scores caught more
spun pages than picking one of them (docs/measurements.md, "Averaging retrains").

A bare article page (`model.page.is_bare_article`: the article alone, no link, no copyright line, as a
text/plain body or an extracted article is) has its own threshold, `threshold_bare`, chosen at training on
out-of-fold bare pages of real articles under their own false-positive budget; an artifact without one
scores bare pages against `threshold`. The verdict's `threshold` is the one applied, and reason
`bare_article_threshold` says when it was the bare one. An artifact trained with `--bare-classifier` also
has, per member, a page classifier fitted on bare pages only (`model.artifact.bare_classifiers_of`), which
then scores the pages judged bare (reason `bare_article_classifier`); the page classifiers score the rest.
An artifact trained with `--pooled-swaps` (`model.artifact.pooled_swaps_of`) gives every member's classifier
the swap features of the members' mean swap probability instead of its own swap model's. One trained with
`--read-comments` (`model.artifact.read_comments_of`) has the spun-phrase pass read the page's comment
sections after its main text (reason `comments_read`).

`score` never raises for odd input: bytes of any encoding, broken markup, binary garbage all get a
verdict; only an empty document raises `InputError("empty_document", ...)`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from model.artifact import bare_classifiers_of, load_artifact, members_of, pooled_swaps_of, read_comments_of
from model.errors import ArtifactError, InputError
from model.signals import FEATURE_NAMES
from model.signals.spun_phrases import TOKEN_FEATURES
from model.features import analyse_page, PageAnalysis
from model.forest import compile_classifier
from model.verdict import Verdict

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "artifacts"


class Detector:
    """A loaded, verified model. Construct with `Detector.load`."""

    def __init__(self, bundle: dict[str, Any], card: dict[str, Any], sha256: str,
                 classifiers: list[Any] | None = None, bare_classifiers: list[Any] | None = None) -> None:
        self.bundle = bundle
        self.card = card
        self.sha256 = sha256
        members = members_of(bundle)
        self.token_models = [token_model for token_model, _ in members]
        self.classifiers = [pipeline for _, pipeline in members] if classifiers is None else list(classifiers)
        if len(self.classifiers) != len(members):
            raise ValueError(f"{len(self.classifiers)} classifiers for {len(members)} members")
        bare = bare_classifiers_of(bundle)
        self.bare_classifiers = None if bare is None else list(bare if bare_classifiers is None else bare_classifiers)
        if self.bare_classifiers is not None and len(self.bare_classifiers) != len(members):
            raise ValueError(f"{len(self.bare_classifiers)} bare-page classifiers for {len(members)} members")
        self.pooled_swaps = pooled_swaps_of(bundle)
        self.read_comments = read_comments_of(bundle)
        if len({token_model is None for token_model in self.token_models}) > 1:
            raise ArtifactError("model artifact's members are malformed: some have a swap model and some not")
        self._threads: ThreadpoolController | None = None

    @classmethod
    def load(cls, model_dir: str | Path | None = None, *, expected_sha256: str | None = None) -> "Detector":
        """Load `unspun.joblib` from `model_dir`, refusing it unless its SHA-256 matches the card
        (and `expected_sha256` when given). Raises `ArtifactError`."""
        bundle, card, sha = load_artifact(Path(model_dir) if model_dir else DEFAULT_MODEL_DIR, expected_sha256)
        if list(bundle["feature_names"]) != list(FEATURE_NAMES) or \
                list(bundle.get("token_features", TOKEN_FEATURES)) != list(TOKEN_FEATURES):
            raise ArtifactError("model artifact was trained on other features than this code computes; retrain it")
        return cls.from_bundle(bundle, card, sha)

    @classmethod
    def from_bundle(cls, bundle: dict[str, Any], card: dict[str, Any], sha256: str) -> "Detector":
        """A detector over an already verified bundle, its page classifiers compiled (model/forest.py):
        the same fitted trees and calibrators read into arrays, 0.7 ms a page instead of 20-30 ms."""
        compiled = [compile_classifier(pipeline) or pipeline for _, pipeline in members_of(bundle)]
        bare = bare_classifiers_of(bundle)
        return cls(bundle, card, sha256, compiled,
                   None if bare is None else [compile_classifier(pipeline) or pipeline for pipeline in bare])

    @property
    def classifier(self) -> Any:
        """The first member's page classifier (the only one of a single model)."""
        return self.classifiers[0]

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unknown"))

    @property
    def threshold(self) -> float:
        """The operating threshold for pages."""
        return float(self.bundle["threshold"])

    @property
    def threshold_bare(self) -> float:
        """The threshold for bare article pages; `threshold` when the artifact has none."""
        return float(self.bundle.get("threshold_bare", self.bundle["threshold"]))

    def judged_bare(self, analysis: PageAnalysis) -> bool:
        """Whether this model judges an analysed page against its bare-page threshold (a bare page, and an
        artifact that has one)."""
        return analysis.bare_article and "threshold_bare" in self.bundle

    def threshold_for(self, analysis: PageAnalysis) -> float:
        """The threshold this model applies to an analysed page (bare or not)."""
        return self.threshold_bare if self.judged_bare(analysis) else self.threshold

    def analyse(self, page: bytes | str, *, url: str | None = None, content_type: str | None = None) -> PageAnalysis:
        """Decode, parse and compute every signal (no classifier)."""
        models = [] if self.token_models[0] is None else self.token_models
        return analyse_page(page, url=url, content_type=content_type, tables=self.bundle["tables"],
                            token_models=models, pooled_swaps=self.pooled_swaps,
                            with_comments=self.read_comments)

    def score(self, page: bytes | str, *, url: str | None = None, content_type: str | None = None,
              threshold: float | None = None) -> Verdict:
        """Score one page. `threshold` overrides the model's operating threshold for this call."""
        if page is None or len(page) == 0:
            raise InputError("empty_document", "the document is empty")
        # One page is a few hundred rows for the trees: OpenMP threads cost more than they give (8x
        # slower measured on 2 cores), and services and crawlers already run one process per core.
        if self._threads is None:
            self._threads = ThreadpoolController()
        with self._threads.limit(limits=1, user_api="openmp"):
            analysis = self.analyse(page, url=url, content_type=content_type)
            return self.verdict_for(analysis, threshold=threshold)

    def verdict_for(self, analysis: PageAnalysis, *, threshold: float | None = None) -> Verdict:
        """Apply the classifier to an analysed page and assemble the verdict with its evidence."""
        thr = self.threshold_for(analysis) if threshold is None else float(threshold)
        if len(analysis.vectors) != len(self.classifiers):
            raise ValueError(f"an analysis with {len(analysis.vectors)} feature vectors for {len(self.classifiers)} "
                             "members: analyse the page with this detector")
        bare = self.judged_bare(analysis)
        classifiers = self.bare_classifiers if bare and self.bare_classifiers is not None else self.classifiers
        prob = float(np.mean([clf.predict_proba(v.reshape(1, -1))[0, 1]
                              for clf, v in zip(classifiers, analysis.vectors)]))
        reasons = list(analysis.reasons)
        if threshold is None and bare:
            reasons.append("bare_article_threshold")
        if classifiers is self.bare_classifiers:
            reasons.append("bare_article_classifier")
        verdict = "spam" if prob >= thr else "ham"
        reasons.append("score_at_or_above_threshold" if verdict == "spam" else "score_below_threshold")
        return Verdict(
            verdict=verdict, score=prob, threshold=thr, signals=tuple(analysis.signals),
            language=analysis.language, model_version=self.version, model_sha256=self.sha256,
            reasons=tuple(reasons), stats=analysis.stats,
        )
