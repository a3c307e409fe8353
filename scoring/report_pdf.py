"""The client's one-page letter as a PDF (fpdf2), from content already written in the reader's
language (scoring.client_letter: the printable page and this PDF share that content).

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
    """The client's letter on one A4 page (scoring.client_letter's content), every line written by
    multi_cell one under the other, so no text can sit over another."""
    pdf = _Report()
    pdf.set_title(pdf.text_(f"{content['title']} — {content['reference']}"))
    pdf.set_lang(content.get("lang", "fr"))
    pdf.set_creator(pdf.text_(content["bank"]))
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    pdf.line_(content["bank"], 11, bold=True, rgb=(70, 70, 70))
    pdf.line_(content["title"], 17, bold=True, height=8.5)
    pdf.line_(f"{content['reference']} · {content['date']}", 9, rgb=(70, 70, 70))
    pdf.ln(2.5)
    decision = content.get("decision")
    if decision:
        mark = DECISION_MARK[decision] + " " if pdf.unicode else ""
        pdf.line_(mark + content["decision_text"], 18, bold=True, height=9, rgb=DECISION_RGB[decision])
    else:
        pdf.line_(content["decision_text"], 18, bold=True, height=9, rgb=(70, 70, 70))
    for key in ("request", "decided", "recommendation"):
        if content.get(key):
            pdf.line_(content[key], 10)
            pdf.ln(1)
    if content.get("contest"):
        pdf.line_(content["contest"], 10, bold=True)
    for title_key, items_key, empty_key in (("reasons_title", "reasons", None),
                                            ("changes_title", "changes", "changes_none")):
        if not content.get(title_key):
            continue
        pdf.ln(1.5)
        pdf.line_(content[title_key], 12, bold=True, height=7)
        if content.get(items_key):
            pdf.bullets(content[items_key], size=9.5)
        elif empty_key and content.get(empty_key):
            pdf.line_(content[empty_key], 9.5)
    pdf.ln(1.5)
    pdf.line_(content["rights_title"], 12, bold=True, height=7)
    pdf.line_(content["rights"], 9.5, height=4.8)
    return bytes(pdf.output())
