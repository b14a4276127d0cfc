#!/usr/bin/env bash
# unspun nightly filter: score one day's crawl (default: yesterday, UTC) and write
#   $UNSPUN_OUT_ROOT/<day>/verdicts.jsonl.gz, summary.json and dropped.warc.gz (spam pages).
# Rerunning for the same day resumes an interrupted run (or does nothing if it finished).
# Exit codes are crawl filter's: 0 ok, 1 page errors (--fail-on-error), 2 usage/no input,
# 3 model failed to load, 4 aborted (rerun resumes), 75 another run holds the lock, 130 interrupted.
set -euo pipefail

REPO="${UNSPUN_REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
CRAWL_ROOT="${UNSPUN_CRAWL_ROOT:-/srv/crawl}"      # <root>/<YYYY-MM-DD>/*.warc.gz, written by the crawler
OUT_ROOT="${UNSPUN_OUT_ROOT:-/srv/unspun}"
DAY="${1:-$(date -u -d yesterday +%F)}"

shopt -s nullglob
inputs=("$CRAWL_ROOT/$DAY"/*.warc.gz "$CRAWL_ROOT/$DAY"/*.warc)
if (( ${#inputs[@]} == 0 )); then
    echo "unspun nightly: no WARC files for $DAY under $CRAWL_ROOT" >&2
    exit 2
fi

cd "$REPO"
# shellcheck disable=SC2086  # UNSPUN_FILTER_ARGS is a list of extra options
exec "$REPO/.venv/bin/python" -m crawl filter "${inputs[@]}" --out "$OUT_ROOT/$DAY" \
    --gzip --drop-warc --progress log --log-interval 60 ${UNSPUN_FILTER_ARGS:-}
