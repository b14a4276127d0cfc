"""Speed of the spun-phrase pass and of loading the model: `python -m bench.spun_phrases`.

Issue #3's targets: the spun-phrase pass under 5 ms for a 5,000-word article on this machine, and the
tables loading in under a second. Timings are reported beside a reference measured in the same run on
the same text (tokenising it with `str.split`, and `zlib.compress` of it), so that a busy machine shows
as a busy machine rather than as a regression. The article is generated (no corpus needed).

Loading is reported in three parts, because the target is for the tables: importing the detector and
the scikit-learn modules its artifact unpickles, loading the whole artifact (read, SHA-256, unpickling
everything in it), and the tables alone becoming ready (unpickling them and building their look-up
indexes).
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import statistics
import time
import zlib

os.environ.setdefault("OMP_NUM_THREADS", "1")
_T0 = time.perf_counter()
import sklearn.calibration  # noqa: E402,F401  (what unpickling the artifact imports, timed here)
import sklearn.ensemble  # noqa: E402,F401
import sklearn.pipeline  # noqa: E402,F401

from model import Detector  # noqa: E402
from model.signals import spun_phrases  # noqa: E402

IMPORT_S = time.perf_counter() - _T0    # importing the detector and the scikit-learn it unpickles

WORDS = ("the council said on tuesday that the new plan for the harbour would bring jobs and visitors to the town "
         "while critics pointed to the cost of dredging the channel and to traffic on the main road residents "
         "were asked to comment before the final vote next month according to a report presented at the meeting").split()


def article(n_words: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    sentences, words = [], 0
    while words < n_words:
        k = rng.randint(12, 28)
        s = " ".join(rng.choice(WORDS) for _ in range(k))
        sentences.append(s[0].upper() + s[1:] + ".")
        words += k
    return " ".join(sentences)


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def tables_ready(tables) -> float:  # noqa: ANN001 (model.tables.ReferenceTables)
    """Seconds for a copy of `tables` to become ready: unpickled from its bytes, its indexes built."""
    data = pickle.dumps(tables, protocol=5)
    t = time.perf_counter()
    pickle.loads(data).build_indexes()
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    det = Detector.load()
    load_s = time.perf_counter() - t
    tables, token_models = det.bundle["tables"], [m for m in det.token_models if m is not None]
    tables_ready_s = tables_ready(tables)
    text = article(args.words)

    def spun_pass() -> None:    # every member's swap model: an ensemble's pass costs one swap model per member
        spun_phrases.compute_members(text, tables, token_models=token_models)

    spun_pass()      # warm up
    best, median = best_of(spun_pass, args.repeat)
    ref_split, _ = best_of(lambda: text.lower().split(), args.repeat)
    ref_zlib, _ = best_of(lambda: zlib.compress(text.encode(), 6), args.repeat)
    out = {"words": args.words, "swap_models": len(token_models),
           "spun_pass_ms_best": best * 1e3, "spun_pass_ms_median": median * 1e3,
           "target_ms": 5.0, "import_s": IMPORT_S, "model_load_s": load_s, "tables_ready_s": tables_ready_s,
           "target_tables_ready_s": 1.0,
           "ratio_to_str_split": best / ref_split, "ratio_to_zlib_compress": best / ref_zlib}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"spun-phrase pass, {args.words} words, {len(token_models)} swap model(s): best "
              f"{out['spun_pass_ms_best']:.2f} ms, median "
              f"{out['spun_pass_ms_median']:.2f} ms (target < 5 ms); {out['ratio_to_str_split']:.0f}x str.split, "
              f"{out['ratio_to_zlib_compress']:.1f}x zlib.compress of the same text")
        print(f"tables ready (unpickled, look-up indexes built): {tables_ready_s:.2f} s (target < 1 s); whole "
              f"model load (artifact read, SHA-256, unpickle) {load_s:.2f} s, after importing the detector and "
              f"scikit-learn {IMPORT_S:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
