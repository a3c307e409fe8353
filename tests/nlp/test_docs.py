"""The note and the slides quote only measured numbers, and keep to the format the brief sets."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from nlp.doc_numbers import allowed_numbers, decimals_in
from nlp.note_tables import FEW_SHOT, SHORT, main_rows

pytestmark = pytest.mark.nlp

ROOT = Path(__file__).resolve().parents[2]
NOTE = ROOT / "docs" / "nlp" / "note_methodologique.md"
ANNEX = ROOT / "docs" / "nlp" / "annexe.md"
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


@pytest.mark.parametrize("doc", [NOTE, ANNEX, SLIDES], ids=lambda p: p.name)
def test_every_decimal_number_comes_from_the_measured_results(doc: Path) -> None:
    allowed = allowed_numbers(_sources())
    unknown = [n for n in decimals_in(doc.read_text(encoding="utf-8")) if n not in allowed and n not in NOT_MEASURED]
    assert not unknown, f"{doc.name}: numbers not found in reports/nlp JSON files: {sorted(set(unknown))}"


def test_note_fits_ten_pages_under_the_template_headings() -> None:
    text = NOTE.read_text(encoding="utf-8")
    # About 450 words per rendered page with the figures (tests/nlp/test_note_pages.py renders it).
    assert len(text.split()) <= 4500
    assert "(annexe.md)" in text and ANNEX.exists()
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


# ------------------------------------------------------------------ each number is the right quantity

def _fr(x: float, d: int = 3) -> str:
    return f"{x:.{d}f}".replace(".", ",")


def _table_after(text: str, heading: str, nth: int = 0) -> list[list[str]]:
    """Rows (cells, bold marks removed) of the nth markdown table after a heading."""
    body = text.split(heading, 1)[1]
    body = re.split(r"^#{2,3} ", body, maxsplit=1, flags=re.MULTILINE)[0]
    # [ \t]* (not \s*): a blank line ends a table, so two tables in a row stay two.
    tables = re.findall(r"((?:^\|.*\|[ \t]*\n?)+)", body, flags=re.MULTILINE)
    lines = [ln for ln in tables[nth].strip().splitlines()[2:]]
    return [[c.strip().replace("**", "") for c in ln.strip().strip("|").split("|")] for ln in lines]


@pytest.fixture(scope="module")
def results() -> dict:
    return json.loads((REPORTS / "results.json").read_text(encoding="utf-8"))


def test_main_table_cells_are_the_quantities_their_row_and_column_name(results) -> None:
    rows = _table_after(NOTE.read_text(encoding="utf-8"), "### 4.1")
    labels = main_rows(results)
    assert [r[0] for r in rows] == [lbl for lbl in labels if lbl in {r[0] for r in rows}] and len(rows) >= 9
    for label, acc, ci, f1, train, infer, params in rows:
        method, variant = labels[label]
        if variant is None:
            head = results["methods"][method]["headline"]
            boot = results["statistics"]["bootstrap_95"][method]["accuracy"]
        else:
            v = results["variants"]["variants"][variant]
            head, boot = v["headline"], v["bootstrap_95"]["accuracy"]
        assert acc == f"{_fr(head['accuracy']['mean'])} ± {_fr(head['accuracy']['std'])}", label
        assert ci == f"[{_fr(boot['low'])} ; {_fr(boot['high'])}]", label
        assert f1 == _fr(head["f1_macro"]["mean"]), label
        assert train == f"{_fr(head['train_time_s']['mean'], 1)} s", label
        assert infer == f"{_fr(head['infer_ms_per_text']['mean'], 2)} ms", label
        assert params == f"{_fr(results['methods'][method]['params'] / 1e6, 2)} M", label


def test_mcnemar_table_counts_are_those_of_the_named_method_against_the_best(results) -> None:
    rows = _table_after(NOTE.read_text(encoding="utf-8"), "### 4.2")
    by_short = {v: k for k, v in SHORT.items()}
    tests = results["statistics"]["mcnemar_vs_best"]["tests"]
    assert len(rows) == len(tests)
    for name, only_best, only_other, p_holm, significant in rows:
        t = tests[by_short[name]]
        assert (int(only_best), int(only_other)) == (t["only_a_right"], t["only_b_right"]), name
        if p_holm.startswith("<"):
            exponent = int(p_holm.split("10⁻")[1].translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
            assert t["p_value_holm"] < 10 ** -exponent, name
        else:
            assert p_holm == _fr(t["p_value_holm"]), name
        assert (significant == "oui") == t["significant_at_0_05_holm"], name


def test_few_shot_tables_are_the_per_draw_accuracies_and_tests_they_name(results) -> None:
    text = NOTE.read_text(encoding="utf-8")
    few = results["few_shot"]["per_class"]
    by_label = {v: k for k, v in FEW_SHOT.items()}
    rows = _table_after(text, "### 4.3", 0)
    assert rows
    for k, label, n_draws, per_draw, mean_std, n_pred, covered in rows:
        info = few[k]["methods"][by_label[label]]
        assert int(n_draws) == len(info["complete_draws"]), (k, label)
        if info["accuracy_per_complete_draw"]:
            assert per_draw == " ; ".join(_fr(a) for a in info["accuracy_per_complete_draw"]), (k, label)
            assert mean_std.startswith(_fr(info["accuracy_mean_over_draws"])), (k, label)
        assert int(n_pred) == info["n_predictions"] and covered == _fr(info["accuracy_covered"]), (k, label)
    tests_table = _table_after(ANNEX.read_text(encoding="utf-8"), "## A.6")
    assert tests_table
    for k, pair, n_pairs, acc_a, acc_b, only_a, only_b, _p in tests_table:
        a, b = (by_label[x.strip()] for x in pair.split(" / ", 1)) if pair.count(" / ") == 1 else (None, None)
        t = few[k]["mcnemar"][f"{a} vs {b}"]
        assert (int(n_pairs), acc_a, acc_b) == (t["n_pairs"], _fr(t["accuracy_a"]), _fr(t["accuracy_b"])), pair
        assert (int(only_a), int(only_b)) == (t["only_a_right"], t["only_b_right"]), pair


def test_a_number_moved_to_another_row_fails_the_check(results, tmp_path, monkeypatch) -> None:
    # The checks above must catch a value that exists in the results but sits in the wrong row.
    text = NOTE.read_text(encoding="utf-8")
    rows = _table_after(text, "### 4.1")
    first, second = rows[0], rows[1]
    swapped = text.replace(" | ".join(first[1:2]), "§§", 1).replace(" | ".join(second[1:2]), first[1], 1)
    swapped = swapped.replace("§§", second[1], 1)
    fake = tmp_path / "note.md"
    fake.write_text(swapped, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "NOTE", fake)
    with pytest.raises(AssertionError):
        test_main_table_cells_are_the_quantities_their_row_and_column_name(results)
