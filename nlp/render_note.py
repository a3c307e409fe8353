"""Render a markdown note to PDF (A4) the way a reader prints it, and count its pages.

markdown-it-py (installed with rich) turns the markdown into HTML with the figures inlined from
their relative paths; headless Chromium prints it to A4 with 2 cm margins and 11 pt text;
`pdfinfo` (poppler-utils) reads the page count. This is how the note's "at most 10 pages" is
measured.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CSS = """
@page { size: A4; margin: 2cm; }
body { font-family: 'DejaVu Serif', serif; font-size: 11pt; line-height: 1.35; }
h1 { font-size: 17pt; } h2 { font-size: 14pt; margin-top: 1.1em; } h3 { font-size: 12pt; }
table { border-collapse: collapse; font-size: 9pt; margin: 0.5em 0; }
th, td { border: 1px solid #999; padding: 2px 4px; vertical-align: top; }
img { max-width: 100%; max-height: 8cm; display: block; margin: 0.4em auto; }
code { font-size: 9pt; }
"""


class RenderError(RuntimeError):
    """Chromium or pdfinfo is missing or failed; the message says which."""


def to_html(md_path: Path) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(md_path.read_text(encoding="utf-8"))
    base = md_path.resolve().parent.as_uri() + "/"
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><base href="{base}">'
            f"<style>{CSS}</style></head><body>{body}</body></html>")


def render_pdf(md_path: Path, pdf_path: Path, chromium: str | None = None) -> Path:
    exe = chromium or shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        raise RenderError("no chromium on PATH")
    with tempfile.TemporaryDirectory(prefix="note_") as tmp:
        html = Path(tmp) / "note.html"
        html.write_text(to_html(md_path), encoding="utf-8")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
               "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if not pdf_path.exists():
        raise RenderError(f"chromium did not write {pdf_path}: {proc.stderr[-500:]}")
    return pdf_path


def page_count(pdf_path: Path) -> int:
    if shutil.which("pdfinfo") is None:
        try:  # the dev extra's pdfplumber reads it too
            import pdfplumber
        except ImportError:
            raise RenderError("neither pdfinfo (poppler-utils) nor pdfplumber is installed") from None
        with pdfplumber.open(pdf_path) as pdf:
            return len(pdf.pages)
    out = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", out, flags=re.MULTILINE)
    if match is None:
        raise RenderError(f"pdfinfo gave no page count for {pdf_path}")
    return int(match.group(1))
