"""Word, below the writers: the zip archive, raw OOXML, reading a DOCX back, accessibility.

Like python-docx's own layers: ``archive`` is the zip (fixed times and order,
limits against zip bombs); ``ooxml`` the few pieces of WordprocessingML that
python-docx's proxy objects cannot reach; ``read`` a written paper back into
the document model; ``accessibility`` the checks every written paper passes.
Raw XML lives in this package and nowhere else.
"""
