"""A frozen evaluation set: pages named by their SHA-256, listed in a manifest that is itself hashed.

Layout of an eval-set folder::

    pages/<sha256>.html.gz     one gzip file per page (gzip mtime 0: same pages, same bytes)
    manifest.jsonl             {"id","sha256","label","kind","spin_rate","source","site","page_type","url"} per
                               page, sorted by id, and "dictionary" (the spinner's) for a spun page that has one
    MANIFEST.sha256            "<sha256 of manifest.jsonl>  manifest.jsonl" (sha256sum format)

`load_evalset` refuses the set (`EvalSetError`) if the manifest digest does not match ``MANIFEST.sha256`` or the
digest the caller expects (e.g. the one recorded in the model card), if a page is missing, or if a page's bytes
do not hash to the manifest's SHA-256. Comparing two models on the same digest is what makes a quality gate fair.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

from training.operator_data import LABEL_NAMES, LabelledPage

MANIFEST = "manifest.jsonl"
DIGEST_FILE = "MANIFEST.sha256"
PAGES = "pages"
FIELDS = ("id", "sha256", "label", "kind", "spin_rate", "source", "site", "page_type", "url")


class EvalSetError(Exception):
    """The eval set is missing, incomplete or does not match its recorded SHA-256 sums."""


def manifest_digest(dir: Path) -> str:
    """SHA-256 of the eval set's manifest.jsonl bytes: the eval set's name."""
    try:
        return hashlib.sha256((Path(dir) / MANIFEST).read_bytes()).hexdigest()
    except OSError as exc:
        raise EvalSetError(f"{dir}: cannot read {MANIFEST}: {exc}") from exc


def _record(it: LabelledPage) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": it.id, "sha256": it.sha256, "label": int(it.label),
                           "kind": it.kind or LABEL_NAMES[int(it.label)]}
    for key in ("spin_rate", "source", "site", "page_type"):
        rec[key] = it.meta.get(key)
    rec["url"] = it.url
    if it.meta.get("dictionary"):      # only when known, so that sets written without it keep their bytes
        rec["dictionary"] = it.meta["dictionary"]
    return rec


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temp file renamed over it, so that a reader sees the old file or the
    whole new one, never a part: two `make train` runs in one checkout build the same cached set at once,
    and one read a page the other had just truncated (an empty page failing verification)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _gzipped(html: bytes) -> bytes:
    """`html` gzipped with mtime 0 and no file name in the header: the same page always gives the same bytes."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(html)
    return buf.getvalue()


def write_evalset(dir: Path, items: list[LabelledPage], *, overwrite: bool = False) -> Path:
    """Write pages + manifest + digest into `dir`; return the path of MANIFEST.sha256.

    Refuses (EvalSetError) duplicate ids, duplicate page bytes, and an existing eval set unless `overwrite`.
    """
    dir = Path(dir)
    if (dir / MANIFEST).exists() and not overwrite:
        raise EvalSetError(f"{dir}: an eval set already exists here; a frozen set is not rewritten "
                           f"(pass overwrite=True to replace it)")
    if not items:
        raise EvalSetError("refusing to write an empty eval set")
    ids: set[str] = set()
    shas: dict[str, str] = {}
    for it in items:
        if it.id in ids:
            raise EvalSetError(f"duplicate id in eval set: {it.id!r}")
        ids.add(it.id)
        if it.sha256 in shas:
            raise EvalSetError(f"pages {shas[it.sha256]!r} and {it.id!r} have identical bytes")
        shas[it.sha256] = it.id
        if int(it.label) not in (0, 1):
            raise EvalSetError(f"page {it.id!r}: label must be 0 or 1, got {it.label!r}")
    (dir / PAGES).mkdir(parents=True, exist_ok=True)
    for stale in (dir / PAGES).glob("*.html.gz"):   # left over from a set being overwritten
        if stale.name[: -len(".html.gz")] not in shas:
            stale.unlink()
    for it in items:
        _write_atomically(dir / PAGES / f"{it.sha256}.html.gz", _gzipped(it.html))
    lines = [json.dumps(_record(it), sort_keys=True, ensure_ascii=False) for it in sorted(items, key=lambda i: i.id)]
    manifest = ("\n".join(lines) + "\n").encode("utf-8")
    _write_atomically(dir / MANIFEST, manifest)
    digest = hashlib.sha256(manifest).hexdigest()
    out = dir / DIGEST_FILE
    _write_atomically(out, f"{digest}  {MANIFEST}\n".encode("ascii"))
    return out


def load_evalset(dir: Path, expected_digest: str | None = None) -> list[LabelledPage]:
    """Load and verify an eval set: manifest digest (against MANIFEST.sha256 and `expected_digest`), then
    every page's SHA-256. Any mismatch or missing file raises EvalSetError naming what is wrong."""
    dir = Path(dir)
    if not dir.is_dir():
        raise EvalSetError(f"{dir}: no such eval-set folder")
    try:
        recorded = (dir / DIGEST_FILE).read_text(encoding="ascii").split()[0].lower()
    except (OSError, IndexError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"{dir}: cannot read {DIGEST_FILE}: {exc}") from exc
    actual = manifest_digest(dir)
    if actual != recorded:
        raise EvalSetError(f"{dir}: {MANIFEST} has SHA-256 {actual}, but {DIGEST_FILE} records {recorded}: "
                           f"the manifest was changed after the set was frozen")
    if expected_digest is not None and actual != expected_digest.strip().lower():
        raise EvalSetError(f"{dir}: eval set is {actual}, expected {expected_digest.strip().lower()}: "
                           f"this is a different eval set")
    items: list[LabelledPage] = []
    problems: list[str] = []
    text = (dir / MANIFEST).read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            sha = str(rec["sha256"]).lower()
            label = int(rec["label"])
            page_id = str(rec["id"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise EvalSetError(f"{dir}/{MANIFEST} line {lineno}: malformed record: {exc}") from exc
        path = dir / PAGES / f"{sha}.html.gz"
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read()
        except (OSError, EOFError) as exc:
            problems.append(f"{page_id}: cannot read {path.name} ({type(exc).__name__}: {exc})")
            continue
        got = hashlib.sha256(data).hexdigest()
        if got != sha:
            problems.append(f"{page_id}: page bytes hash to {got}, manifest says {sha}")
            continue
        meta = {k: rec.get(k) for k in ("spin_rate", "source", "site", "page_type", "dictionary")
                if rec.get(k) is not None}
        items.append(LabelledPage(id=page_id, html=data, label=label, url=rec.get("url"), source_path=str(path),
                                  kind=str(rec.get("kind") or LABEL_NAMES.get(label, "")), meta=meta))
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise EvalSetError(f"{dir}: {len(problems)} page(s) fail verification: {shown}")
    return items


def main(argv: list[str] | None = None) -> int:
    """``python -m training.evalset DIR [--digest SHA256]``: verify a frozen eval set; exit 1 on any mismatch."""
    ap = argparse.ArgumentParser(prog="python -m training.evalset", description=main.__doc__)
    ap.add_argument("dir", type=Path)
    ap.add_argument("--digest", default=None, help="the manifest SHA-256 the set must have (e.g. from a model card)")
    args = ap.parse_args(argv)
    try:
        items = load_evalset(args.dir, args.digest)
    except EvalSetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    n_spam = sum(1 for it in items if it.label == 1)
    print(f"ok: {len(items)} pages ({n_spam} spam, {len(items) - n_spam} ham), manifest {manifest_digest(args.dir)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
