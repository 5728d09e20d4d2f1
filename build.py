"""Build decision papers: ``python build.py --help``."""

import sys

from decision_papers.cli import main

if __name__ == "__main__":
    sys.exit(main())
