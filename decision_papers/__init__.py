"""Build formal public-sector decision papers from checked JSON sources.

The package is laid out in pipeline order, so the module list reads as the
data flow:

``source`` → ``validate`` → ``walk`` → ``figures`` → ``checks`` → ``prose``
→ ``templates`` → ``intermediate`` (the neutral ``model``) → ``write_docx`` /
``write_markdown`` → ``output``.  ``pipeline.build()`` runs the steps and
``cli.main()`` is the thin command-line front.
"""

__version__ = "0.1.0"


class UsageError(Exception):
    """The command was given something it cannot work with (exit 2)."""
