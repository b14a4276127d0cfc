"""`python -m crawl filter INPUT... --out DIR`: the nightly batch filter's command line.

Exit codes (for schedulers):
  0   done; every page has a line in DIR/verdicts.jsonl (pages that errored included, unless --fail-on-error)
  1   done, but some pages could not be scored and --fail-on-error was given
  2   usage error: bad arguments, an input missing or unreadable, or DIR holds state of a different run
  3   the model failed to load (missing / corrupt artifact, SHA-256 mismatch)
  4   aborted (a worker died, disk full, an unexpected error): rerun the same command to resume where it stopped
  75  another run holds DIR's lock (EX_TEMPFAIL): try again later
  130 interrupted (Ctrl-C / SIGTERM): rerun the same command to resume
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Sequence

from crawl.inputs import InputUsageError
from crawl.runner import DEFAULT_SHARD_SIZE, FilterConfig, RunAborted, format_summary, run_filter
from crawl.scoring import ModelLoadError
from crawl.state import StateBusy, StateMismatch

EXIT_OK, EXIT_PAGE_ERRORS, EXIT_USAGE, EXIT_MODEL, EXIT_ABORTED, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 75, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m crawl", description="unspun batch filtering of crawl output.",
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser(
        "filter", help="score every HTML page of WARC files, HTML folders or JSONL files",
        description="Score every HTML page and write one verdict line per page to DIR/verdicts.jsonl. "
                    "Inputs: WARC / WARC.gz (HTML response records), folders of .html/.htm/.html.gz "
                    "(recursive, sorted), JSONL(.gz) of {\"url\", \"html\"} (optional \"id\").",
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    f.add_argument("inputs", nargs="+", metavar="INPUT")
    f.add_argument("--out", required=True, metavar="DIR", help="output folder (also holds the resumable state)")
    f.add_argument("--gzip", action="store_true", help="write verdicts.jsonl.gz instead of verdicts.jsonl")
    f.add_argument("--keep-warc", nargs="?", const="", default=None, metavar="PATH",
                   help="also write ham (and unscorable) pages to a WARC.gz (default DIR/kept.warc.gz)")
    f.add_argument("--drop-warc", nargs="?", const="", default=None, metavar="PATH",
                   help="also write spam pages to a WARC.gz (default DIR/dropped.warc.gz)")
    f.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="worker processes (default: all cores, %(default)s); 1 scores in-process")
    f.add_argument("--shard-size", type=int, default=DEFAULT_SHARD_SIZE,
                   help="pages per shard, the unit of work and of resumption (default %(default)s)")
    f.add_argument("--model", metavar="DIR", default=None, help="model folder (default: the bundled model)")
    f.add_argument("--detector", metavar="MODULE:CALLABLE", default=None,
                   help="detector factory (default model:Detector.load; crawl.testing:load_fake for dry runs)")
    f.add_argument("--threshold", type=float, default=None, help="override the model's operating threshold")
    f.add_argument("--fail-on-error", action="store_true", help="exit 1 if any page could not be scored")
    f.add_argument("--restart", action="store_true", help="discard DIR's state from a different or earlier run")
    f.add_argument("--progress", choices=("auto", "bar", "log", "none"), default="auto",
                   help="bar on a terminal, periodic log lines otherwise (default auto)")
    f.add_argument("--log-interval", type=float, default=30.0, help="seconds between progress log lines")
    f.add_argument("--quiet", action="store_true", help="no progress and no summary on stderr")
    return parser


def _config(args: argparse.Namespace) -> FilterConfig:
    out = Path(args.out)
    return FilterConfig(
        inputs=list(args.inputs), out=str(out), workers=args.workers, shard_size=args.shard_size, gzip=args.gzip,
        keep_warc=None if args.keep_warc is None else (args.keep_warc or str(out / "kept.warc.gz")),
        drop_warc=None if args.drop_warc is None else (args.drop_warc or str(out / "dropped.warc.gz")),
        model_dir=args.model, detector=args.detector, threshold=args.threshold, restart=args.restart,
        progress="none" if args.quiet else args.progress, log_interval=args.log_interval)


class _StderrHandler(logging.Handler):
    """Log messages as plain lines on whatever sys.stderr is at the time (no root-logger setup)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(self.format(record), file=sys.stderr)


def _setup_logging(*, quiet: bool) -> None:
    logger = logging.getLogger("unspun.crawl")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler())
        logger.propagate = False
    logger.setLevel(logging.WARNING if quiet else logging.INFO)


def _sigterm(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run, print the summary, and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    _setup_logging(quiet=args.quiet)
    if args.workers < 1 or args.shard_size < 1:
        print("unspun filter: --workers and --shard-size must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    previous = signal.signal(signal.SIGTERM, _sigterm)
    try:
        summary = run_filter(_config(args))
    except InputUsageError as exc:
        print(f"unspun filter: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StateMismatch as exc:
        print(f"unspun filter: refusing to resume: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ModelLoadError as exc:
        print(f"unspun filter: the model failed to load: {exc}", file=sys.stderr)
        return EXIT_MODEL
    except StateBusy as exc:
        print(f"unspun filter: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except RunAborted as exc:
        print(f"unspun filter: aborted: {exc}", file=sys.stderr)
        return EXIT_ABORTED
    except KeyboardInterrupt:
        print("\nunspun filter: interrupted; rerun the same command to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:  # a bug or an unexpected I/O failure: finished shards are kept, so a rerun resumes
        traceback.print_exc()
        print("unspun filter: aborted by an unexpected error; rerun the same command to resume", file=sys.stderr)
        return EXIT_ABORTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not args.quiet:
        print(format_summary(summary), file=sys.stderr)
    if args.fail_on_error and summary["errors"]:
        return EXIT_PAGE_ERRORS
    return EXIT_OK

