"""``docs/officers-guide.md`` quotes what the tool really prints, and shows what it really makes."""

from __future__ import annotations

import importlib.util
import re

from support import ROOT

GUIDE = ROOT / "docs" / "officers-guide.md"


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_in_the_guide_is_what_the_tool_prints_now():
    guide = script("officers_guide")
    text = GUIDE.read_text(encoding="utf-8")
    assert guide.updated(text) == text, "run .venv/bin/python scripts/officers_guide.py"
    assert len(guide.EXAMPLES) == 10
    for name in guide.EXAMPLES:  # each example shows an error, at its file and line
        block = text.split(f"<!-- example: {name} -->\n```text\n", 1)[1].split("```", 1)[0]
        assert re.match(r"decisions/md-3311\.json:\d+:\d+: ", block), name
        assert "\n  hint: " in block or "\n  see also " in block, name


def test_the_guide_shows_pictures_the_scripts_make(tmp_path):
    """The first page in the guide (and in the forms page) is what first_pages.py draws now."""
    from support import run
    pictures = sorted(set(re.findall(r"\(images/([a-z0-9-]+)-first-page\.png\)",
                                     GUIDE.read_text(encoding="utf-8"))))
    assert pictures == ["md-3311"]
    forms = sorted(set(re.findall(r"\(images/([a-z0-9-]+)-first-page\.png\)",
                                  (ROOT / "docs" / "forms.md").read_text(encoding="utf-8"))))
    assert forms == ["kdr-2025-014", "md-3311", "pcd-1717"]
    ids = sorted(set(pictures) | set(forms))
    assert run(*[ROOT / "decisions" / f"{pid}.json" for pid in ids], "--out",
               tmp_path / "out").code == 0
    drawn = script("first_pages").first_pages(
        [tmp_path / "out" / f"{pid}.docx" for pid in ids], tmp_path / "work", 72)
    for pid in ids:
        assert drawn[tmp_path / "out" / f"{pid}.docx"] == \
            (ROOT / "docs" / "images" / f"{pid}-first-page.png").read_bytes(), \
            f"run .venv/bin/python build.py && .venv/bin/python scripts/first_pages.py ({pid})"


def test_the_preview_picture_is_what_the_script_draws(tmp_path):
    """Chromium may differ by a pixel between versions, so the picture is redrawn and its
    size compared, not its bytes."""
    import struct
    drawn = script("preview_picture").picture()
    committed = (ROOT / "docs" / "images" / "preview.png").read_bytes()
    for data in (drawn, committed):
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (1280, 1400)
    assert "(images/preview.png)" in GUIDE.read_text(encoding="utf-8")
