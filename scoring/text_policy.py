"""Free text people type (edit reasons, labels, text fields) may hold line breaks and tabs, and
no other control or format character.

Why: NUL, ANSI escapes (ESC [ …) and bidirectional overrides (U+202E turns "ok\u202egnp.exe" into
"okexe.png" on screen) let a text say something else than it holds when the history, a terminal or
a log shows it; PostgreSQL refuses NUL in text outright, where SQLite stores it. One rule for the
API and the dashboard: the service and the store refuse such text, naming the character.
"""

from __future__ import annotations

import unicodedata

ALLOWED_CONTROLS = frozenset("\n\t")
# Cc: C0/C1 controls (NUL, ESC, DEL…); Cf: format characters (bidi overrides and isolates, zero
# widths, BOM); Cs: lone surrogates; Co: private use (no meaning to share).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})


def _may_hold_refused(text: str) -> bool:
    # str.isprintable() is False for every character of the refused categories (and for a few
    # others: unassigned, separators other than the space), and runs in C: most texts, and every
    # access-log value gunicorn formats on each request, need no per-character look-up at all.
    return not text.isprintable()


def normalize_line_breaks(text: str) -> str:
    """Browsers and terminals send CRLF or CR for a line break: one "\\n" each."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def refused_character(text: str) -> str | None:
    """The first character of ``text`` that free text may not hold, as U+XXXX, or None."""
    if not _may_hold_refused(text):
        return None
    for character in text:
        if character in ALLOWED_CONTROLS:
            continue
        if unicodedata.category(character) in REFUSED_CATEGORIES:
            return f"U+{ord(character):04X}"
    return None


def escape_controls(text: str) -> str:
    """``text`` for a log line: every control or format character as an escape (\\n, \\x1b,
    \\u202e), so a value cannot start a forged line or hide what follows it."""
    if not _may_hold_refused(text) or not any(unicodedata.category(c) in REFUSED_CATEGORIES for c in text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in REFUSED_CATEGORIES
                   else c for c in text)
