"""The note renders to at most 10 A4 pages (markdown -> HTML -> headless Chromium -> PDF)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlp.render_note import page_count, render_pdf

pytestmark = pytest.mark.nlp

NOTE = Path(__file__).resolve().parents[2] / "docs" / "nlp" / "note_methodologique.md"


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Chromium (scripts/system-deps.sh installs it)")
def test_note_renders_to_at_most_ten_pages(tmp_path) -> None:
    pdf = render_pdf(NOTE, tmp_path / "note.pdf")
    assert 1 <= page_count(pdf) <= 10
