"""scoring.text_policy: the C-speed str.isprintable() shortcut never lets a refused character by."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from scoring.text_policy import REFUSED_CATEGORIES, escape_controls, refused_character


def test_no_refused_character_is_printable() -> None:
    # The shortcut skips the per-character look-up for printable texts: it is only right if no
    # character of a refused category counts as printable (in this Python's Unicode database).
    printable = [f"U+{i:04X}" for i in range(sys.maxunicode + 1)
                 if unicodedata.category(chr(i)) in REFUSED_CATEGORIES and chr(i).isprintable()]
    assert printable == []


def _reference_escape(text: str) -> str:
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in REFUSED_CATEGORIES
                   else c for c in text)


@pytest.mark.parametrize("text", [
    "", "plain ascii text", "Élodie à Besançon", "ok\u202egnp.exe", "x\x1b[31mred", "nul\x00", "a\r\nb",
    "tab\there", "no-break\u00a0space", "line\u2028separator", "unassigned\u0378", "zero\u200bwidth",
    "bom\ufeff", "private\ue000use", "emoji 🙂",
])
def test_same_answers_as_the_character_by_character_rule(text: str) -> None:
    assert escape_controls(text) == _reference_escape(text)
    first = next((c for c in text if c not in "\n\t" and unicodedata.category(c) in REFUSED_CATEGORIES), None)
    assert refused_character(text) == (None if first is None else f"U+{ord(first):04X}")
