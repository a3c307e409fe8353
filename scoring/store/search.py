"""Client search, computed in the database: an id prefix, or words of the income type, occupation
or contract type as an advisor says them, in French or in English, accents and case ignored.

The three text columns only hold the schema's levels (the input contract refuses others), so a
query is translated here, in Python, into the level codes it names ("retraité" → Pensioner,
"ouvrier" → Laborers and Low-skill Laborers) and the database gets ``IN`` tests on indexed
columns. No accent folding runs per row, on either backend, and the plan is the one the English
words already had.
"""

from __future__ import annotations

import functools
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from scoring.store.models import Client
from scoring.store.records import ClientSummary, as_utc
from scoring.text_policy import refused_character

MAX_CLIENT_ID = 2**63 - 1
SEARCH_LIMIT_MAX = 100
MAX_WORDS = 8
ID_FIELD = "SK_ID_CURR"
"""What ``ClientSummary.matched_fields`` names when the query was an id prefix."""

TEXT_FIELDS: tuple[tuple[str, Any], ...] = (
    ("NAME_INCOME_TYPE", Client.income_type),
    ("OCCUPATION_TYPE", Client.occupation_type),
    ("NAME_CONTRACT_TYPE", Client.contract_type),
)
_CLIENTS = Client.__table__
_RECENT = (Client.updated_at.desc(), Client.client_id.desc())
# Quotes and punctuation around a word ("« retraité »,") are not part of it; inside a word they
# are ("low-skill", "waiters/barmen").
_WORD_EDGES = string.punctuation + "«»“”‘’"


def fold(text: str) -> str:
    """``text`` as search compares it: compatibility-decomposed, accents dropped, case-folded.

    "RETRAITÉ", "retraité" and "retraite" all give "retraite".
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))  # typographic apostrophe
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@functools.cache
def _level_names() -> tuple[tuple[str, Any, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
    """Per text field: its column and, per level, the folded names it answers to (code, FR, EN)."""
    from scoring.display import format_level
    from scoring.schema import TABLES

    applications = TABLES["application_train"]
    fields = []
    for field, column in TEXT_FIELDS:
        levels = applications.column(field).levels or ()
        names = tuple(
            (level, tuple(dict.fromkeys(fold(name) for name in (level, format_level(level, "fr"),
                                                                 format_level(level, "en")))))
            for level in levels
        )
        fields.append((field, column, names))
    return tuple(fields)


@dataclass(frozen=True)
class TextQuery:
    """What a text query asks the database, and which levels of which field it named."""

    condition: Any
    named_levels: Mapping[str, frozenset[str]]
    # When the condition is an OR over fields ("commercial": an income type or an occupation):
    # the same matches as one condition per field, each of which its index returns in order.
    branches: tuple[Any, ...] = ()

    def matched_fields(self, summary: Mapping[str, Any]) -> tuple[str, ...]:
        """The fields of a hit whose value one of the query's words named, in TEXT_FIELDS order."""
        return tuple(field for field, levels in self.named_levels.items() if summary.get(field) in levels)


def text_query(query: str) -> TextQuery | None:
    """Each word must be part of a level's code, French or English name, accents and case ignored.

    None when some word names no level (nothing can match). Words that name levels of one field
    only narrow that field together ("ouvrier non qualifié" is occupation = 'Low-skill Laborers',
    one index lookup, rather than an AND of ORs, which the planner can only answer by a scan).
    """
    words = [word for word in (raw.strip(_WORD_EDGES) for raw in fold(query).split()) if word][:MAX_WORDS]
    if not words:
        return None
    # A phrase that is part of one name is that name ("prêt personnel" is the contract type, not
    # also the occupation "Personnel médical").
    phrase = _levels_naming(" ".join(words)) if len(words) > 1 else []
    if phrase:
        terms = [column.in_(sorted(levels)) for _, column, levels in phrase]
        return TextQuery(or_(*terms), {field: levels for field, _, levels in phrase},
                         tuple(terms) if len(terms) > 1 else ())
    narrowed: dict[str, tuple[Any, frozenset[str]]] = {}
    per_word = []
    named: dict[str, set[str]] = {}
    for word in words:
        matches = _levels_naming(word)
        if not matches:
            return None
        for field, _, levels in matches:
            named.setdefault(field, set()).update(levels)
        if len(matches) == 1:
            field, column, levels = matches[0]
            _, before = narrowed.get(field, (column, levels))
            if not before & levels:
                return None
            narrowed[field] = (column, before & levels)
        else:
            per_word.append([column.in_(sorted(levels)) for _, column, levels in matches])
    # A hit's field matched if its value is a level the query named and the condition kept.
    kept = {field: frozenset(levels) & narrowed[field][1] if field in narrowed else frozenset(levels)
            for field, levels in named.items()}
    condition = and_(*(column.in_(sorted(levels)) for column, levels in narrowed.values()),
                     *(or_(*terms) for terms in per_word))
    # With a field narrowed, its index gives the order; without, the first word's OR is split.
    branches = () if narrowed or not per_word else tuple(
        and_(term, *(or_(*terms) for terms in per_word[1:])) for term in per_word[0])
    order = [field for field, _ in TEXT_FIELDS if field in kept]
    return TextQuery(condition, {field: kept[field] for field in order}, branches)


def _levels_naming(text: str) -> list[tuple[str, Any, frozenset[str]]]:
    """(field, column, levels) for each text field that has levels with a name containing ``text``."""
    matches = [
        (field, column, frozenset(level for level, names in levels if any(text in name for name in names)))
        for field, column, levels in _level_names()
    ]
    return [(field, column, levels) for field, column, levels in matches if levels]


def clean_query(query: str | None) -> str:
    # Control and format characters never occur in what is stored (scoring.text_policy), so
    # they cannot match; dropped, they cannot reach PostgreSQL either, which refuses NUL.
    return "".join(c for c in (query or "") if refused_character(c) is None).strip()


def search_clients(connection: Connection, query: str, limit: int, offset: int) -> tuple[int, list[ClientSummary]]:
    """(number of matches, one page of them); ``limit`` and ``offset`` already checked."""
    query = clean_query(query)
    if not query:
        total = connection.execute(select(func.count()).select_from(_CLIENTS)).scalar_one()
        rows = connection.execute(select(_CLIENTS).order_by(*_RECENT).limit(limit).offset(offset)).all()
        return int(total), [summary_record(row) for row in rows]
    if query.isascii() and query.isdigit():
        total, rows = _search_id_prefix(connection, query, limit, offset)
        return total, [summary_record(row, (ID_FIELD,)) for row in rows]
    parsed = text_query(query)
    if parsed is None:
        return 0, []
    total = connection.execute(select(func.count()).select_from(_CLIENTS).where(parsed.condition)).scalar_one()
    if parsed.branches:
        # An OR sorted as a whole sorts every match (15,000 for "commercial" over 48,744 clients);
        # each branch read in its index's order stops after the page, and the page is merged here.
        found: dict[int, Any] = {}
        for branch in parsed.branches:
            for row in connection.execute(select(_CLIENTS).where(branch).order_by(*_RECENT).limit(offset + limit)):
                found[row.client_id] = row
        rows = sorted(found.values(), key=lambda row: (row.updated_at, row.client_id), reverse=True)
        rows = rows[offset:offset + limit]
    else:
        rows = connection.execute(
            select(_CLIENTS).where(parsed.condition).order_by(*_RECENT).limit(limit).offset(offset)
        ).all()
    return int(total), [summary_record(row, parsed.matched_fields(_summary(row))) for row in rows]


def id_prefix_ranges(prefix: str) -> list[tuple[int, int]]:
    """Id ranges whose decimal form starts with ``prefix``, in increasing order.

    "12" → [12, 12], [120, 129], [1200, 1299], …: each is a range scan of the primary key, so a
    prefix search stays an index lookup on both backends.
    """
    if prefix == "0":
        return [(0, 0)]
    if prefix.startswith("0") or len(prefix) > 19:
        return []
    base = int(prefix)
    ranges: list[tuple[int, int]] = []
    for extra_digits in range(19 - len(prefix) + 1):
        low, high = base * 10**extra_digits, (base + 1) * 10**extra_digits - 1
        if low > MAX_CLIENT_ID:
            break
        ranges.append((low, min(high, MAX_CLIENT_ID)))
    return ranges


def _search_id_prefix(connection: Connection, prefix: str, limit: int, offset: int) -> tuple[int, list[Any]]:
    # Two scalar subqueries: SQLite reads min() and max() from the index only one per query.
    lowest, highest = connection.execute(select(
        select(func.min(Client.client_id)).scalar_subquery(), select(func.max(Client.client_id)).scalar_subquery()
    )).one()
    ranges = [(low, high) for low, high in id_prefix_ranges(prefix)
              if lowest is not None and high >= lowest and low <= highest]
    if not ranges:
        return 0, []
    counts = connection.execute(select(*[
        select(func.count()).select_from(Client).where(Client.client_id.between(low, high)).scalar_subquery()
        for low, high in ranges
    ])).one()
    rows: list[Any] = []
    skip = offset
    for (low, high), count in zip(ranges, counts, strict=True):
        if len(rows) == limit:
            break
        if skip >= count:
            skip -= count
            continue
        rows += connection.execute(
            select(_CLIENTS).where(_CLIENTS.c.client_id.between(low, high))
            .order_by(_CLIENTS.c.client_id).offset(skip).limit(limit - len(rows))
        ).all()
        skip = 0
    return sum(counts), rows


def _summary(row: Any) -> dict[str, Any]:
    return {
        "NAME_CONTRACT_TYPE": row.contract_type,
        "AMT_INCOME_TOTAL": row.amt_income_total,
        "AMT_CREDIT": row.amt_credit,
        "NAME_INCOME_TYPE": row.income_type,
        "DAYS_BIRTH": row.days_birth,
        "OCCUPATION_TYPE": row.occupation_type,
    }


def summary_record(row: Any, matched_fields: tuple[str, ...] = ()) -> ClientSummary:
    """A ``clients`` row as a search hit."""
    return ClientSummary(
        client_id=row.client_id, version=row.current_version, in_training_set=bool(row.in_training_set),
        probability_of_default=row.probability_of_default, decision=row.decision, summary=_summary(row),
        updated_at=as_utc(row.updated_at), matched_fields=matched_fields,
    )
