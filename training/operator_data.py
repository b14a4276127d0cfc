"""Load an operator's own labelled pages for training or evaluation.

Two layouts are accepted:

* a folder with ``spam/`` and ``ham/`` subfolders holding ``.html``, ``.htm`` or ``.html.gz``/``.htm.gz``
  files (searched recursively; a file at ``spam/<kind>/...`` gets that ``kind``);
* a JSONL manifest (``.jsonl`` or ``.jsonl.gz``), one object per line:
  ``{"path" or "html", "label", "url"?, "id"?, "kind"?, ...}``. ``path`` is relative to the manifest's
  folder; every other key lands in ``LabelledPage.meta`` (``source``, ``site``, ``page_type``, ``spin_rate``...).

Labels: ``spam``/``ham``, ``1``/``0``, ``true``/``false`` (any case; JSON numbers and booleans too).

Nothing is dropped silently: every skipped input is counted in ``LabelledSet.counts`` and summarised in
``LabelledSet.warnings``; conditions that make the set unusable (no pages of a class, too few pages, the same
page labelled both ways) raise ``DataError`` carrying the counts.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
MANIFEST_SUFFIXES = (".jsonl", ".jsonl.gz")
LABEL_NAMES = {1: "spam", 0: "ham"}
_LABELS = {"spam": 1, "1": 1, "true": 1, "ham": 0, "0": 0, "false": 0}
# Every category a loader counts; all start at zero so a report can show them side by side.
COUNT_KEYS = (
    "read", "kept", "kept_spam", "kept_ham", "skipped_unreadable", "skipped_empty", "skipped_unknown_label",
    "skipped_bad_json", "skipped_bad_record", "ignored_other_files", "duplicates", "duplicate_ids",
)
_MAX_LISTED = 5  # examples quoted in one warning


class DataError(Exception):
    """The labelled data cannot be used as given. `counts` holds what was read and skipped so far."""

    def __init__(self, message: str, counts: dict[str, int] | None = None) -> None:
        self.message = message
        self.counts = dict(counts or {})
        suffix = f" (counts: {_fmt_counts(self.counts)})" if self.counts else ""
        super().__init__(message + suffix)


@dataclass(frozen=True)
class LabelledPage:
    """One labelled page: raw bytes as stored, label 1 = spam (content farm), 0 = ham."""

    id: str
    html: bytes
    label: int
    url: str | None = None
    source_path: str | None = None
    kind: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the page bytes, the page's identity for dedup and frozen eval sets (computed once)."""
        return hashlib.sha256(self.html).hexdigest()


@dataclass
class LabelledSet:
    """Loaded pages plus everything the loader had to say about the input."""

    items: list[LabelledPage]
    warnings: list[str]
    counts: dict[str, int]

    @property
    def n_spam(self) -> int:
        return sum(1 for it in self.items if it.label == 1)

    @property
    def n_ham(self) -> int:
        return sum(1 for it in self.items if it.label == 0)


def parse_label(value: Any) -> int | None:
    """Map an operator's label to 1 (spam) / 0 (ham); None when it is not one we accept."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value if value in (0, 1) else None
    if isinstance(value, float):
        return int(value) if value in (0.0, 1.0) else None
    if isinstance(value, str):
        return _LABELS.get(value.strip().lower())
    return None


def dataset_sha256(items: Iterable[LabelledPage]) -> str:
    """Order-independent digest of a data set: SHA-256 over the sorted (label, sha256(html)) pairs.

    Two runs on the same pages, however listed, get the same digest; relabelling one page changes it.
    """
    pairs = sorted(f"{int(it.label)}:{it.sha256}" for it in items)
    return hashlib.sha256("\n".join(pairs).encode("ascii")).hexdigest()


def load_labelled(path: Path, *, min_per_class: int = 20, strict: bool = False) -> LabelledSet:
    """Load labelled pages from a ``spam/``+``ham/`` folder or a JSONL manifest.

    `min_per_class`: fewer kept pages than this in either class raises `DataError`.
    `strict`: any skipped input (unreadable, unknown label, bad line...) raises `DataError` instead of a warning.
    """
    path = Path(path)
    counts: Counter[str] = Counter({k: 0 for k in COUNT_KEYS})
    problems: dict[str, list[str]] = {}
    if path.is_dir():
        raw = _read_folder(path, counts, problems)
    elif path.is_file() and path.name.lower().endswith(MANIFEST_SUFFIXES):
        raw = _read_manifest(path, counts, problems)
    elif path.exists():
        raise DataError(f"{path}: expected a folder with spam/ and ham/ or a .jsonl/.jsonl.gz manifest")
    else:
        raise DataError(f"{path}: no such file or folder")

    items = _dedupe(raw, counts, problems)
    counts["kept"] = len(items)
    counts["kept_spam"] = sum(1 for it in items if it.label == 1)
    counts["kept_ham"] = counts["kept"] - counts["kept_spam"]
    out_counts = dict(counts)

    warnings = [_warning(cat, out_counts[cat], examples) for cat, examples in problems.items()]
    skipped = {cat for cat in problems if cat not in ("duplicate_ids",)}
    if strict and skipped:
        raise DataError(f"{path}: strict mode refuses skipped input: " + "; ".join(warnings), out_counts)
    for label, name in ((1, "spam"), (0, "ham")):
        n = out_counts[f"kept_{name}"]
        if n == 0:
            raise DataError(f"{path}: no {name} pages were loaded (label {label}); both classes are needed",
                            out_counts)
        if n < min_per_class:
            raise DataError(f"{path}: only {n} {name} pages, at least {min_per_class} are needed per class "
                            f"(lower min_per_class to override)", out_counts)
    return LabelledSet(items=items, warnings=warnings, counts=out_counts)


# --------------------------------------------------------------------------- readers

def _read_folder(root: Path, counts: Counter[str], problems: dict[str, list[str]]) -> list[LabelledPage]:
    class_dirs = {name: root / name for name in ("spam", "ham") if (root / name).is_dir()}
    if not class_dirs:
        raise DataError(f"{root}: a labelled folder needs spam/ and ham/ subfolders; found neither",
                        dict(counts))
    items: list[LabelledPage] = []
    for name in ("spam", "ham"):
        base = class_dirs.get(name)
        if base is None:
            continue  # the missing class is reported after loading, with counts
        for file in sorted(p for p in base.rglob("*") if p.is_file()):
            rel = file.relative_to(root).as_posix()
            if not file.name.lower().endswith(PAGE_SUFFIXES):
                _note(counts, problems, "ignored_other_files", rel)
                continue
            counts["read"] += 1
            data = _read_page(file, rel, counts, problems)
            if data is None:
                continue
            sub = file.relative_to(base).parts
            kind = sub[0] if len(sub) > 1 else name
            items.append(LabelledPage(id=rel, html=data, label=_LABELS[name], source_path=str(file), kind=kind))
    return items


def _read_manifest(manifest: Path, counts: Counter[str], problems: dict[str, list[str]]) -> list[LabelledPage]:
    opener = gzip.open if manifest.name.lower().endswith(".gz") else open
    try:
        with opener(manifest, "rb") as fh:
            lines = fh.read().decode("utf-8").splitlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataError(f"{manifest}: cannot read the manifest: {exc}") from exc
    base = manifest.parent
    items: list[LabelledPage] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"line {lineno}"
        counts["read"] += 1
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            _note(counts, problems, "skipped_bad_json", f"{where}: {exc.msg}")
            continue
        if not isinstance(rec, dict) or ("path" not in rec and "html" not in rec) or "label" not in rec:
            _note(counts, problems, "skipped_bad_record", f"{where}: needs 'label' and 'path' or 'html'")
            continue
        label = parse_label(rec["label"])
        if label is None:
            _note(counts, problems, "skipped_unknown_label", f"{where}: {rec['label']!r}")
            continue
        source_path: str | None = None
        if "path" in rec:
            if not isinstance(rec["path"], str) or not rec["path"]:
                _note(counts, problems, "skipped_bad_record", f"{where}: 'path' must be a non-empty string")
                continue
            file = base / rec["path"]
            source_path = str(file)
            data = _read_page(file, f"{where}: {rec['path']}", counts, problems)
            if data is None:
                continue
        else:
            if not isinstance(rec["html"], str):
                _note(counts, problems, "skipped_bad_record", f"{where}: 'html' must be a string")
                continue
            data = rec["html"].encode("utf-8")
            if not data.strip():
                _note(counts, problems, "skipped_empty", where)
                continue
        page_id = str(rec.get("id") or rec.get("path") or f"line-{lineno}")
        kind = str(rec.get("kind") or LABEL_NAMES[label])
        meta = {k: v for k, v in rec.items() if k not in ("path", "html", "label", "url", "id", "kind")}
        url = rec.get("url")
        items.append(LabelledPage(id=page_id, html=data, label=label, url=str(url) if url else None,
                                  source_path=source_path, kind=kind, meta=meta))
    return items


def _read_page(file: Path, where: str, counts: Counter[str], problems: dict[str, list[str]]) -> bytes | None:
    """Page bytes (gunzipped for .gz), or None after counting why it was skipped."""
    try:
        if file.name.lower().endswith(".gz"):
            with gzip.open(file, "rb") as fh:
                data = fh.read()
        else:
            data = file.read_bytes()
    except (OSError, EOFError) as exc:
        _note(counts, problems, "skipped_unreadable", f"{where}: {type(exc).__name__}: {exc}")
        return None
    if not data.strip():
        _note(counts, problems, "skipped_empty", where)
        return None
    return data


# --------------------------------------------------------------------------- dedup

def _dedupe(raw: list[LabelledPage], counts: Counter[str], problems: dict[str, list[str]]) -> list[LabelledPage]:
    """Keep the first copy of identical bytes; identical bytes with both labels is an error."""
    first: dict[str, LabelledPage] = {}
    conflicts: list[str] = []
    kept: list[LabelledPage] = []
    for it in raw:
        prev = first.get(it.sha256)
        if prev is None:
            first[it.sha256] = it
            kept.append(it)
        elif prev.label != it.label:
            conflicts.append(f"{prev.id} ({LABEL_NAMES[prev.label]}) = {it.id} ({LABEL_NAMES[it.label]})")
        else:
            _note(counts, problems, "duplicates", f"{it.id} = {prev.id}")
    if conflicts:
        counts["conflicting_labels"] = len(conflicts)
        raise DataError(f"{len(conflicts)} page(s) appear with both labels (identical bytes): "
                        + "; ".join(conflicts[:_MAX_LISTED]), dict(counts))
    seen: Counter[str] = Counter()
    out: list[LabelledPage] = []
    for it in kept:
        seen[it.id] += 1
        if seen[it.id] > 1:
            new_id = f"{it.id}#{seen[it.id]}"
            _note(counts, problems, "duplicate_ids", f"{it.id} -> {new_id}")
            it = LabelledPage(id=new_id, html=it.html, label=it.label, url=it.url,
                              source_path=it.source_path, kind=it.kind, meta=it.meta)
        out.append(it)
    return out


# --------------------------------------------------------------------------- messages

_WHAT = {
    "skipped_unreadable": "unreadable file(s) skipped",
    "skipped_empty": "empty page(s) skipped",
    "skipped_unknown_label": "record(s) with an unknown label skipped (use spam/ham, 1/0, true/false)",
    "skipped_bad_json": "manifest line(s) that are not valid JSON skipped",
    "skipped_bad_record": "manifest record(s) missing 'label' or 'path'/'html' skipped",
    "ignored_other_files": "file(s) without a .html/.htm/.html.gz suffix ignored",
    "duplicates": "duplicate page(s) (same bytes, same label) dropped, first copy kept",
    "duplicate_ids": "page(s) sharing an id with another page renamed",
}


def _note(counts: Counter[str], problems: dict[str, list[str]], category: str, example: str) -> None:
    counts[category] += 1
    problems.setdefault(category, []).append(example)


def _warning(category: str, n: int, examples: list[str]) -> str:
    shown = "; ".join(examples[:_MAX_LISTED])
    more = f"; and {len(examples) - _MAX_LISTED} more" if len(examples) > _MAX_LISTED else ""
    return f"{n} {_WHAT.get(category, category)}: {shown}{more}"


def _fmt_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in counts.items() if v)


def main(argv: list[str] | None = None) -> int:
    """``python -m training.operator_data PATH``: check labelled data before training; exit 1 if unusable."""
    ap = argparse.ArgumentParser(prog="python -m training.operator_data", description=main.__doc__)
    ap.add_argument("path", type=Path, help="folder with spam/ and ham/, or a .jsonl/.jsonl.gz manifest")
    ap.add_argument("--min-per-class", type=int, default=20)
    ap.add_argument("--strict", action="store_true", help="treat any skipped input as an error")
    args = ap.parse_args(argv)
    try:
        ls = load_labelled(args.path, min_per_class=args.min_per_class, strict=args.strict)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for w in ls.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(json.dumps({"counts": ls.counts, "dataset_sha256": dataset_sha256(ls.items)}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
