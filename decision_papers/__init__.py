"""Build formal public-sector decision papers from checked JSON sources.

``docs/architecture.md`` gives the layers, bottom to top, and
``pipeline.build_one`` reads as the recipe of one paper.
"""

__version__ = "0.1.0"
