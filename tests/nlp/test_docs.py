"""The note and the slides quote only measured numbers, and keep to the format the brief sets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlp.doc_numbers import allowed_numbers, decimals_in

pytestmark = pytest.mark.nlp

ROOT = Path(__file__).resolve().parents[2]
NOTE = ROOT / "docs" / "nlp" / "note_methodologique.md"
SLIDES = ROOT / "docs" / "nlp" / "slides.md"
REPORTS = ROOT / "reports" / "nlp"

# Figures quoted from the literature (each cited in the note's bibliography) or fixed by the protocol.
NOT_MEASURED = {
    "14,3": "chance level 1/7 for 7 balanced classes",
    "26,7": "the public T5 attempt on this data set named in the brief",
}


def _sources() -> list[Path]:
    # results.json and explanations.json of every run, plus the external pretraining's own records
    # (pretrain_info.json, tokenizer_diagnostics.json).
    return sorted(REPORTS.rglob("*.json"))


@pytest.mark.parametrize("doc", [NOTE, SLIDES], ids=lambda p: p.name)
def test_every_decimal_number_comes_from_the_measured_results(doc: Path) -> None:
    allowed = allowed_numbers(_sources())
    unknown = [n for n in decimals_in(doc.read_text(encoding="utf-8")) if n not in allowed and n not in NOT_MEASURED]
    assert not unknown, f"{doc.name}: numbers not found in reports/nlp JSON files: {sorted(set(unknown))}"


def test_note_fits_ten_pages_under_the_template_headings() -> None:
    text = NOTE.read_text(encoding="utf-8")
    # About 550 words per printed page of prose and tables.
    assert len(text.split()) <= 5500
    headings = [h.lower() for h in re.findall(r"^## (.+)$", text, flags=re.MULTILINE)]
    for expected in ("jeu de données retenu", "concepts de l'algorithme récent", "modélisation",
                     "synthèse des résultats", "importance globale et locale", "limites et améliorations"):
        assert any(expected in h for h in headings), f"missing heading: {expected}"
    assert re.search(r"2209\.11055", text) and re.search(r"1910\.10683", text)


def test_slides_are_ten_to_twelve_figures_without_commands() -> None:
    text = SLIDES.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]  # after the front matter
    slides = [s for s in body.split("\n---\n") if s.strip()]
    assert 10 <= len(slides) <= 12
    assert "python -m" not in text and not re.search(r"\s--[a-z]", text)
    assert sum("![" in s for s in slides) >= 7  # figures, not paragraphs


def test_a_negative_difference_may_be_quoted_by_its_magnitude(tmp_path) -> None:
    (tmp_path / "r.json").write_text('{"differences": [-0.0302]}', encoding="utf-8")
    allowed = allowed_numbers([tmp_path / "r.json"])
    assert "0,030" in allowed and decimals_in("écart de −0,030") == ["0,030"]
    assert "0,031" not in allowed
