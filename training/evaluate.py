"""`make evaluate MODEL=dir DATA=path` (or `EVAL=dir`): score a labelled set with an existing model and
write the same report as training (reports/<model version>/evaluate-<data digest>/)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from model.detector import DEFAULT_MODEL_DIR, Detector
from model.errors import ArtifactError, InputError

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    from training.evaluation import per_kind_table
    from training.operator_data import DataError, dataset_sha256, load_labelled
    from training.report import evidence_from_verdict, write_report

    ap = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    ap.add_argument("--data", type=Path, help="spam/ and ham/ folders or a JSONL manifest")
    ap.add_argument("--eval", type=Path, help="a frozen evaluation set directory")
    ap.add_argument("--digest", help="expected SHA-256 of the evaluation set's manifest")
    args = ap.parse_args(argv)
    try:
        det = Detector.load(args.model)
    except ArtifactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    try:
        if args.eval:
            from training.evalset import EvalSetError, load_evalset
            try:
                items = load_evalset(args.eval, args.digest)
            except EvalSetError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
        elif args.data:
            data = load_labelled(args.data, min_per_class=1)
            for w in data.warnings:
                print(f"warning: {w}", file=sys.stderr)
            items = data.items
        else:
            print("error: give DATA=path or EVAL=dir", file=sys.stderr)
            return 2
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    y = np.array([int(it.label) for it in items])
    scores, evidence, meta = [], [], []
    for it in items:
        try:
            v = det.score(it.html, url=it.url)
            scores.append(v.score)
            evidence.append(evidence_from_verdict(it.id, v))
        except InputError:
            scores.append(0.0)
        meta.append({"id": it.id, "kind": it.kind or ("spam" if it.label else "ham"),
                     "spin_rate": it.meta.get("spin_rate"), "source": it.meta.get("source", ""),
                     "page_type": it.meta.get("page_type", ""), "site": it.meta.get("site", "")})
    s = np.array(scores)
    digest = dataset_sha256(items)[:12]
    out = REPO / "reports" / det.version / f"evaluate-{digest}"
    rep = write_report(out, title=f"unspun {det.version} on {args.eval or args.data}", y_true=y, scores=s,
                       threshold=det.threshold, meta=meta, worst_evidence=evidence,
                       extra_markdown="## By kind and spin rate\n\n" + per_kind_table(meta, y, s, det.threshold))
    print(rep.summary_line)
    print(f"report: {rep.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
