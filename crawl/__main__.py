"""`python -m crawl filter ...` — see crawl/cli.py for options and exit codes."""
import sys

from crawl.cli import main

if __name__ == "__main__":
    sys.exit(main())
