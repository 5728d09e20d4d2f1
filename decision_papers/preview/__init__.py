"""The live preview: ``serve`` shows a paper in the browser as it will print.

``page`` builds the paper in memory (with ``preview``, so a paper with errors
is still shown) and lays it out with the GOV.UK Design System's styles:
the paper's blocks as the HTML writer writes them, each finding under the
block it concerns, the findings listed beside, and each printed figure a
link to its ``explain`` entry.  ``server`` serves it on 127.0.0.1 only, from
files vendored in ``static/`` (no CDN), and the page reloads itself when a
source file is saved.
"""
