"""The client's letter: one page, who decided and why, in one language, currency everywhere, no
internal identifiers, and no text printed over other text (the PDF's word boxes are read back)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

import pdfplumber
import pytest

from scoring.client_letter import client_letter
from scoring.report_pdf import render_pdf
from tests.dashboard.conftest import Dashboard

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _words(pdf: bytes) -> tuple[int, list[dict[str, Any]]]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return len(document.pages), [w for page in document.pages for w in page.extract_words()]


def _overlaps(words: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            # Boxes that share more than a hair (0.5 pt) in both directions sit on each other.
            if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.5 and \
                    min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5:
                found.append((a["text"], b["text"]))
    return found


@pytest.fixture(scope="module")
def longest_letters(dashboard: Dashboard) -> dict[str, dict[str, Any]]:
    """Per language, the longest letter among refused clients with options (the most to fit)."""
    service = dashboard.service
    refused = [c for c in dashboard.client_ids if service.score_client(c, explain=False).decision != "granted"][:25]
    letters = {}
    for lang in ("fr", "en"):
        candidates = [client_letter(service, c, lang, now=NOW) for c in refused]
        letters[lang] = max(candidates, key=lambda content: len(" ".join(str(v) for v in content.values())))
    return letters


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_longest_letter_is_one_page_with_no_text_over_text(longest_letters: dict[str, Any], lang: str) -> None:
    pdf = render_pdf(longest_letters[lang])
    pages, words = _words(pdf)
    assert pages == 1
    assert len(words) > 80
    assert _overlaps(words) == []


def test_the_letter_says_who_decided_why_and_the_clients_rights(dashboard: Dashboard) -> None:
    service = dashboard.service
    client_id = next(c for c in dashboard.client_ids if service.score_client(c, explain=False).decision == "refused"
                     and not service.decisions.state(c).entries)
    before = client_letter(service, client_id, "fr", now=NOW)
    assert before["decision"] is None and "sera prise par votre conseiller" in before["decided"]
    assert before["decision_text"] == "EN COURS D'EXAMEN"
    assert "recommandait : refusé" in before["recommendation"]
    advisor = dashboard.store.get_user("conseil")
    service.decisions.decide(client_id, version=service.client(client_id).version, outcome="refused",
                             justification="", user=advisor)
    letter = client_letter(service, client_id, "fr", now=NOW)
    assert letter["decision_text"] == "REFUSÉ" and "(conseil)" in letter["decided"]
    assert 1 <= len(letter["reasons"]) <= 4 and len({r for r in letter["reasons"]}) == len(letter["reasons"])
    assert "réexamine votre dossier" in letter["rights"] and "contester" in letter["rights"]
    assert letter["date"] == "Le 25/11/2026"
    text = " ".join(str(v) for v in letter.values() if isinstance(v, str)) + " ".join(letter["reasons"])
    # No internal identifiers: neither the model's version nor a column code.
    assert service.artifact.version not in text
    assert not re.search(r"\b[A-Z]{2,}_[A-Z_]{2,}\b", text)
    assert "€" in (letter["request"] or "")


def test_each_language_stays_in_its_language(longest_letters: dict[str, Any]) -> None:
    english = " ".join(str(v) for v in longest_letters["en"].values() if isinstance(v, str))
    english += " ".join(longest_letters["en"]["reasons"] + longest_letters["en"]["changes"])
    for french_word in (" votre ", " vous ", " crédit ", " échéance", " mois ", " clients ont"):
        assert french_word not in english, french_word


def test_the_download_is_the_letter_as_a_pdf(dashboard: Dashboard) -> None:
    from tests.dashboard.conftest import DashRequest
    from tests.dashboard.test_callbacks import response_of

    request = DashRequest(dashboard.login("conseil"))
    body = response_of(request.call([("report-download", "data")], [("report-pdf", "n_clicks", 1)],
                                    [("report-client-id", "data", dashboard.client_ids[0]),
                                     ("shell-url", "search", "?lang=en")]))
    assert body["report-download"]["data"]["filename"] == f"application-letter-{dashboard.client_ids[0]}.pdf"
