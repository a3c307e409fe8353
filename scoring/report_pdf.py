"""The one-page client report as a PDF (fpdf2), from content already written in the reader's
language (see layouts/report.py: the printable page and this PDF share that content).

A Unicode TrueType font is needed for French (œ, ’, the narrow no-break space of "12 345"):
DejaVu Sans, which matplotlib ships with its wheel, else Debian's copy; without either, the
text falls back to Helvetica with the few characters Latin-1 lacks replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fpdf import FPDF

DECISION_RGB = {"granted": (0, 90, 140), "to_review": (138, 90, 0), "refused": (163, 58, 0)}
DECISION_MARK = {"granted": "✓", "to_review": "?", "refused": "✗"}
_LATIN1_FALLBACK = {"\u202f": " ", "\u00a0": " ", "’": "'", "œ": "oe", "Œ": "OE", "—": "-", "–": "-",
                    "…": "...", "→": "->", "✓": "", "✗": "", "▲": "+", "▼": "-", "€": "EUR", "≤": "<=",
                    "«": '"', "»": '"'}


def _font_paths() -> tuple[Path, Path] | None:
    candidates = []
    try:
        import matplotlib

        base = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
        candidates.append((base / "DejaVuSans.ttf", base / "DejaVuSans-Bold.ttf"))
    except ImportError:  # matplotlib is optional here
        pass
    debian = Path("/usr/share/fonts/truetype/dejavu")
    candidates.append((debian / "DejaVuSans.ttf", debian / "DejaVuSans-Bold.ttf"))
    for regular, bold in candidates:
        if regular.exists() and bold.exists():
            return regular, bold
    return None


class _Report(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        fonts = _font_paths()
        self.unicode = fonts is not None
        if fonts:
            self.add_font("report", "", str(fonts[0]))
            self.add_font("report", "B", str(fonts[1]))
            self.family = "report"
        else:
            self.family = "helvetica"
        self.set_auto_page_break(auto=False)
        self.set_margins(18, 16, 18)

    def text_(self, text: str) -> str:
        if self.unicode:
            return text
        for char, replacement in _LATIN1_FALLBACK.items():
            text = text.replace(char, replacement)
        return text.encode("latin-1", "replace").decode("latin-1")

    def line_(self, text: str, size: float = 10, bold: bool = False, height: float = 5.2,
              rgb: tuple[int, int, int] = (26, 26, 26)) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*rgb)
        self.multi_cell(0, height, self.text_(text), new_x="LMARGIN", new_y="NEXT")

    def bullets(self, items: list[str], size: float = 10) -> None:
        self.set_font(self.family, "", size)
        self.set_text_color(26, 26, 26)
        for item in items:
            self.set_x(self.l_margin + 3)
            self.multi_cell(0, 5, self.text_(f"• {item}" if self.unicode else f"- {item}"),
                            new_x="LMARGIN", new_y="NEXT")


def render_pdf(content: dict[str, Any]) -> bytes:
    """One A4 page: header, decision, summary, reasons, favourable factors, what could change it."""
    pdf = _Report()
    pdf.set_title(pdf.text_(f"{content['title']} — {content['client']}"))
    pdf.set_lang(content.get("lang", "fr"))
    pdf.set_creator("Prêt à dépenser")
    pdf.add_page()
    pdf.line_(content["title"], 18, bold=True, height=9)
    pdf.line_(f"{content['client']} · {content['date']} · {content['model']}", 9, rgb=(70, 70, 70))
    pdf.ln(3)
    decision = content["decision"]
    mark = DECISION_MARK[decision] + " " if pdf.unicode else ""
    pdf.line_(mark + content["decision_text"], 22, bold=True, height=11, rgb=DECISION_RGB[decision])
    pdf.line_(content["probability"], 12, bold=True)
    pdf.line_(content["distance"], 10)
    pdf.ln(2)
    pdf.line_(content["summary_title"], 12, bold=True, height=7)
    pdf.set_font(pdf.family, "", 9)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for i, (label, value) in enumerate(content["summary"]):
        x = pdf.l_margin + (half if i % 2 else 0)
        if i % 2 == 0 and i:
            pdf.ln(4.6)
        pdf.set_xy(x, pdf.get_y())
        pdf.set_text_color(70, 70, 70)
        pdf.cell(half * 0.58, 4.6, pdf.text_(label[:42]))
        pdf.set_text_color(26, 26, 26)
        pdf.cell(half * 0.42, 4.6, pdf.text_(value))
    pdf.ln(7)
    for title_key, items_key in (("reasons_title", "reasons"), ("favourable_title", "favourable"),
                                 ("what_changes_title", "what_changes"), ("warnings_title", "warnings")):
        if content.get(items_key):
            pdf.line_(content[title_key], 12, bold=True, height=7)
            pdf.bullets(content[items_key])
            pdf.ln(1.5)
    pdf.set_y(pdf.h - 24)
    pdf.line_(content["disclaimer"], 8, rgb=(70, 70, 70), height=4)
    return bytes(pdf.output())
