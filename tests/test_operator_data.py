"""Operator-supplied labelled data: both layouts, every bad-input category, dedup and the data-set digest."""
from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from training.operator_data import (
    COUNT_KEYS, DataError, LabelledPage, dataset_sha256, load_labelled, parse_label,
)


def page(i: int, spam: bool) -> bytes:
    """A tiny invented page, unique per (i, spam)."""
    body = (f"<p>Secretary of Point out visited the all-natural gasoline plant number {i}.</p>"
            f"<div>More Stories</div>" if spam else f"<p>The council met on Tuesday to discuss road {i}.</p>")
    return f"<html><head><title>Page {i}</title></head><body>{body}</body></html>".encode()


def make_folder(root: Path, n_spam: int = 20, n_ham: int = 20) -> Path:
    """spam/ (half nested under farm_full/, a third gzipped) and ham/ (.htm) with unique pages."""
    for i in range(n_spam):
        sub = root / "spam" / ("farm_full" if i % 2 else "")
        sub.mkdir(parents=True, exist_ok=True)
        if i % 3 == 0:
            (sub / f"s{i}.html.gz").write_bytes(gzip.compress(page(i, True)))
        else:
            (sub / f"s{i}.html").write_bytes(page(i, True))
    (root / "ham").mkdir(parents=True, exist_ok=True)
    for i in range(n_ham):
        (root / "ham" / f"h{i}.htm").write_bytes(page(i, False))
    return root


def write_manifest(path: Path, lines: list[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def good_records(n: int = 20) -> list[str]:
    recs = [json.dumps({"html": page(i, True).decode(), "label": "spam", "id": f"s{i}", "source": "farm",
                        "spin_rate": 0.05}) for i in range(n)]
    recs += [json.dumps({"html": page(i, False).decode(), "label": 0, "url": f"https://example.org/{i}"})
             for i in range(n)]
    return recs


# --------------------------------------------------------------------------- folder layout

def test_folder_layout_loads_every_page_with_label_kind_and_id(tmp_path: Path) -> None:
    ls = load_labelled(make_folder(tmp_path))
    assert (ls.n_spam, ls.n_ham) == (20, 20)
    assert ls.counts["read"] == 40 and ls.counts["kept"] == 40 and ls.warnings == []
    assert set(COUNT_KEYS) <= set(ls.counts)
    by_id = {it.id: it for it in ls.items}
    assert by_id["spam/farm_full/s3.html.gz"].html == page(3, True)      # gunzipped
    assert by_id["spam/farm_full/s3.html.gz"].kind == "farm_full"        # nested folder names the kind
    assert by_id["spam/s2.html"].kind == "spam" and by_id["spam/s2.html"].label == 1
    assert by_id["ham/h0.htm"].label == 0 and by_id["ham/h0.htm"].kind == "ham"


def test_too_few_per_class_is_an_error_with_counts_but_lower_minimum_passes(tmp_path: Path) -> None:
    make_folder(tmp_path, n_spam=20, n_ham=19)
    with pytest.raises(DataError, match="only 19 ham pages") as err:
        load_labelled(tmp_path)
    assert err.value.counts["kept_ham"] == 19 and err.value.counts["kept_spam"] == 20
    assert load_labelled(tmp_path, min_per_class=19).n_ham == 19


def test_missing_class_is_an_error(tmp_path: Path) -> None:
    make_folder(tmp_path)
    for f in (tmp_path / "ham").iterdir():
        f.unlink()
    (tmp_path / "ham").rmdir()
    with pytest.raises(DataError, match="no ham pages"):
        load_labelled(tmp_path)


def test_folder_without_class_subfolders_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    with pytest.raises(DataError, match="spam/ and ham/"):
        load_labelled(tmp_path)


def test_unreadable_empty_and_foreign_files_are_counted_and_warned_not_dropped_silently(tmp_path: Path) -> None:
    make_folder(tmp_path)
    (tmp_path / "spam" / "broken.html.gz").write_bytes(b"this is not gzip")
    (tmp_path / "ham" / "empty.html").write_bytes(b"  \n")
    (tmp_path / "ham" / "notes.txt").write_text("not a page")
    ls = load_labelled(tmp_path)
    assert ls.counts["skipped_unreadable"] == 1
    assert ls.counts["skipped_empty"] == 1
    assert ls.counts["ignored_other_files"] == 1
    assert ls.counts["read"] == 42 and ls.counts["kept"] == 40
    text = "\n".join(ls.warnings)
    assert "1 unreadable file(s) skipped: spam/broken.html.gz" in text
    assert "1 empty page(s) skipped: ham/empty.html" in text
    assert "ham/notes.txt" in text
    with pytest.raises(DataError, match="strict mode"):
        load_labelled(tmp_path, strict=True)


def test_unreadable_by_permission_is_skipped(tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root can read files without read permission")
    make_folder(tmp_path)
    locked = tmp_path / "ham" / "locked.html"
    locked.write_bytes(page(99, False))
    locked.chmod(0)
    assert load_labelled(tmp_path).counts["skipped_unreadable"] == 1


def test_duplicate_bytes_keep_first_and_warn_with_count(tmp_path: Path) -> None:
    make_folder(tmp_path)
    (tmp_path / "ham" / "zz_copy1.htm").write_bytes(page(0, False))
    (tmp_path / "ham" / "zz_copy2.htm").write_bytes(page(0, False))
    ls = load_labelled(tmp_path)
    assert ls.counts["duplicates"] == 2 and ls.n_ham == 20
    assert any(w.startswith("2 duplicate page(s)") for w in ls.warnings)
    assert "ham/h0.htm" in {it.id for it in ls.items}                 # the first copy is the one kept


def test_same_page_labelled_both_ways_is_an_error(tmp_path: Path) -> None:
    make_folder(tmp_path)
    (tmp_path / "ham" / "leak.htm").write_bytes(page(1, True))        # a spam page's bytes, labelled ham
    with pytest.raises(DataError, match="both labels") as err:
        load_labelled(tmp_path)
    assert err.value.counts["conflicting_labels"] == 1


# --------------------------------------------------------------------------- manifest layout

def test_manifest_with_html_and_paths_and_every_label_spelling(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.html.gz").write_bytes(gzip.compress(page(100, True)))
    (tmp_path / "p" / "b.html").write_bytes(page(100, False))
    lines = good_records(18) + [
        json.dumps({"path": "p/a.html.gz", "label": "SPAM", "kind": "inplace_spun", "page_type": "article"}),
        json.dumps({"path": "p/b.html", "label": "Ham"}),
        json.dumps({"html": page(101, True).decode(), "label": True}),
        json.dumps({"html": page(101, False).decode(), "label": "false"}),
        json.dumps({"html": page(102, True).decode(), "label": "1"}),
        json.dumps({"html": page(102, False).decode(), "label": False}),
    ]
    ls = load_labelled(write_manifest(tmp_path / "m.jsonl", lines))
    assert (ls.n_spam, ls.n_ham) == (21, 21) and ls.warnings == []
    by_id = {it.id: it for it in ls.items}
    a = by_id["p/a.html.gz"]
    assert a.html == page(100, True) and a.label == 1 and a.kind == "inplace_spun"
    assert a.meta == {"page_type": "article"} and a.source_path == str(tmp_path / "p" / "a.html.gz")
    assert by_id["s0"].meta == {"source": "farm", "spin_rate": 0.05} and by_id["s0"].kind == "spam"
    assert by_id["line-19"].url == "https://example.org/0" and by_id["line-19"].kind == "ham"


def test_gzipped_manifest_loads(tmp_path: Path) -> None:
    ls = load_labelled(write_manifest(tmp_path / "m.jsonl.gz", good_records()))
    assert ls.counts["kept"] == 40


def test_manifest_bad_lines_each_get_their_own_count(tmp_path: Path) -> None:
    lines = good_records() + [
        "{not json",
        json.dumps({"html": "<p>x</p>", "label": "maybe"}),
        json.dumps({"html": "<p>y</p>"}),
        json.dumps({"path": "missing.html", "label": "ham"}),
        json.dumps(["a", "list"]),
        json.dumps({"html": "   ", "label": "spam"}),
        "",
    ]
    ls = load_labelled(write_manifest(tmp_path / "m.jsonl", lines))
    c = ls.counts
    assert (c["skipped_bad_json"], c["skipped_unknown_label"], c["skipped_bad_record"], c["skipped_unreadable"],
            c["skipped_empty"]) == (1, 1, 2, 1, 1)
    assert c["read"] == 46 and c["kept"] == 40                          # the blank line is not a record
    text = "\n".join(ls.warnings)
    assert "line 41" in text and "'maybe'" in text and "missing.html" in text


def test_manifest_duplicate_ids_are_renamed_and_counted(tmp_path: Path) -> None:
    lines = good_records()
    lines.append(json.dumps({"html": page(500, True).decode(), "label": "spam", "id": "s0"}))
    ls = load_labelled(write_manifest(tmp_path / "m.jsonl", lines))
    assert ls.counts["duplicate_ids"] == 1 and "s0#2" in {it.id for it in ls.items}


def test_unsupported_or_missing_path_is_an_error(tmp_path: Path) -> None:
    other = tmp_path / "data.csv"
    other.write_text("a,b")
    with pytest.raises(DataError, match="expected a folder"):
        load_labelled(other)
    with pytest.raises(DataError, match="no such file"):
        load_labelled(tmp_path / "nope")


@pytest.mark.parametrize("value,expected", [
    ("spam", 1), ("SPAM ", 1), ("ham", 0), ("Ham", 0), (1, 1), (0, 0), ("1", 1), ("0", 0),
    (True, 1), (False, 0), ("TRUE", 1), ("false", 0), (1.0, 1),
    ("spammy", None), ("yes", None), (2, None), (-1, None), (None, None), ("", None), (0.5, None),
])
def test_parse_label(value: object, expected: int | None) -> None:
    assert parse_label(value) == expected


# --------------------------------------------------------------------------- digest

def test_dataset_sha256_is_order_independent_and_sensitive_to_labels_and_bytes() -> None:
    a = LabelledPage(id="a", html=b"<p>one</p>", label=1)
    b = LabelledPage(id="b", html=b"<p>two</p>", label=0)
    assert dataset_sha256([a, b]) == dataset_sha256([b, a])
    assert dataset_sha256([a, b]) == dataset_sha256([LabelledPage(id="renamed", html=a.html, label=1), b])
    assert dataset_sha256([a, b]) != dataset_sha256([LabelledPage(id="a", html=a.html, label=0), b])
    assert dataset_sha256([a, b]) != dataset_sha256([LabelledPage(id="a", html=b"<p>one!</p>", label=1), b])
    assert len(dataset_sha256([])) == 64


# --------------------------------------------------------------------------- command line

def test_cli_prints_counts_and_digest_and_fails_on_unusable_data(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from training.operator_data import main

    make_folder(tmp_path / "ok")
    (tmp_path / "ok" / "ham" / "x.txt").write_text("x")
    assert main([str(tmp_path / "ok")]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["counts"]["kept"] == 40 and len(report["dataset_sha256"]) == 64
    assert "warning: 1 file(s) without" in err
    make_folder(tmp_path / "small", n_ham=3)
    assert main([str(tmp_path / "small")]) == 1
    assert "only 3 ham pages" in capsys.readouterr().err
    assert main([str(tmp_path / "small"), "--min-per-class", "3"]) == 0


# --------------------------------------------------------------------------- real pages from ../shared

SHARED = Path(os.environ.get("UNSPUN_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "corpus" / "manifest.jsonl.gz").exists(), reason="../shared corpus is absent")
def test_manifest_pointing_at_real_gzipped_pages(tmp_path: Path) -> None:
    import hashlib

    with gzip.open(SHARED / "corpus" / "manifest.jsonl.gz", "rt", encoding="utf-8") as fh:
        recs = [json.loads(line) for _, line in zip(range(30), fh)]
    lines = [json.dumps({"path": str(SHARED / "corpus" / "pages" / r["path"]), "label": "ham",
                         "source": r["source"], "sha1": r["sha1"]}) for r in recs]
    lines += [json.dumps({"html": page(i, True).decode(), "label": "spam"}) for i in range(20)]
    ls = load_labelled(write_manifest(tmp_path / "m.jsonl", lines), min_per_class=10)
    hams = [it for it in ls.items if it.label == 0]
    n_distinct = len({r["sha1"] for r in recs})     # real benchmarks repeat pages: those count as duplicates
    assert len(hams) == n_distinct and ls.counts["duplicates"] == 30 - n_distinct
    assert ls.counts["skipped_unreadable"] == 0
    for it in hams:                        # gunzipped bytes are the original page
        assert hashlib.sha1(it.html).hexdigest() == it.meta["sha1"]
