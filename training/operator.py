"""`make train DATA=path`: retrain the page classifier on an operator's own labelled pages.

The reference tables and the token swap models of the current (bundled) model are kept: they describe
normal English and spinning, not a particular site. An ensemble stays one, with the same members' swap
models (`training.train.finish`). The page classifiers are refitted on the operator's
pages (with the same cross-fitting by group: the URL's host, else the page id), the threshold is chosen
again, and the quality gate decides whether the new model replaces the current one.
"""
from __future__ import annotations

import sys
import time
from urllib.parse import urlsplit

import numpy as np

from model.detector import Detector
from model.errors import ArtifactError
from training.dataset import Sample, fold_of


def _group(url: str | None, fallback: str) -> str:
    host = urlsplit(url if url and "//" in url else "//" + (url or "")).hostname if url else None
    return host or fallback


def train_operator(args) -> int:
    from training.operator_data import DataError, dataset_sha256, load_labelled
    from training.train import MEMBER_SEED_STEP, Member, featurise, finish

    t0 = time.time()
    try:
        data = load_labelled(args.data)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for w in data.warnings:
        print(f"warning: {w}", file=sys.stderr)
    try:
        base = Detector.load(args.model_dir)
    except ArtifactError as exc:
        print(f"error: the current model cannot be loaded to reuse its reference tables: {exc}", file=sys.stderr)
        return 3
    K = args.folds
    samples = []
    for it in data.items:
        group = _group(it.url, it.id)
        samples.append(Sample(id=it.id, html=it.html, label=int(it.label), kind=it.kind or ("spam" if it.label else "ham"),
                              group=group, fold=fold_of(group, K), source=str(it.meta.get("source", "operator")),
                              page_type=str(it.meta.get("page_type", "")), url=it.url or ""))
    folds = np.array([s.fold for s in samples])
    y = np.array([s.label for s in samples])
    for k in range(K):
        if not ((folds == k) & (y == 1)).any() or not ((folds == k) & (y == 0)).any():
            print(f"error: fold {k} lacks a class: too few groups (hosts) for a {K}-fold split; "
                  f"add pages from more sites or lower --folds", file=sys.stderr)
            return 2
    print(f"[train] operator data: {len(samples)} pages ({int(y.sum())} spam, {int((1 - y).sum())} ham), "
          f"{len(set(s.group for s in samples))} groups; counts {dict(data.counts)}", flush=True)
    tables = base.bundle["tables"]
    Xs = featurise(samples, {k: (tables, base.token_models) for k in range(K)}, args.workers,
                   pooled_swaps=base.pooled_swaps, read_comments=base.read_comments)
    members = [Member(X, token_model, args.seed + m * MEMBER_SEED_STEP)
               for m, (X, token_model) in enumerate(zip(Xs, base.token_models))]
    summary = {"source": str(args.data), "pages": len(samples), "spam": int(y.sum()), "ham": int((1 - y).sum()),
               "data_sha256": dataset_sha256(data.items), "counts": dict(data.counts),
               "reference_tables_from": base.version}
    return finish(args, samples, members, y, folds, tables, t0, K, data_summary=summary,
                  pooled_swaps=base.pooled_swaps, read_comments=base.read_comments)
