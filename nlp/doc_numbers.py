"""The numbers the note and slides may quote, derived from the measured JSON files.

`allowed_numbers` walks every numeric value of the given JSON files and renders it the ways the
French documents write numbers (decimal comma; 1 to 3 decimals; as a percentage; seconds as
minutes; counts as millions or MiB), plus a few derived quantities (error counts, differences to
the best method). A test then checks that every decimal number in the documents is one of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

DECIMAL = re.compile(r"(?<![\w,.])(\d+,\d+)(?![\d,])")


def _walk(node: Any) -> Iterable[float]:
    if isinstance(node, bool):
        return
    if isinstance(node, int | float):
        yield float(node)
    elif isinstance(node, dict):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _renderings(v: float) -> set[str]:
    out = set()
    # abs(): the documents write a negative difference as "−0,020" or "de 0,020", and the regex
    # reads only the digits.
    for x in (v, abs(v), v * 100, v / 60, v / 1e6, v / 2**20, v * 1000):
        for d in (1, 2, 3):
            out.add(f"{x:.{d}f}".replace(".", ","))
    return out


def derived(results: dict[str, Any]) -> list[float]:
    """Quantities the documents quote that are not stored as such: errors, differences to the best."""
    y = np.asarray(results["texts"]["y_true"])
    vals: list[float] = []
    accs = {}
    for m, info in results["methods"].items():
        oof = np.array([-2 if p is None else p for p in info["oof_predictions"]])
        ran = oof != -2
        vals.append(float(np.sum(oof[ran] != y[ran])))
        accs[m] = info["headline"]["accuracy"]["mean"]
        st = info["headline"]
        vals.append(st["train_time_s"]["mean"] / max(st["infer_ms_per_text"]["mean"], 1e-9))
    curves = results.get("learning_curve", {})
    for rows_a in curves.values():
        for rows_b in curves.values():
            for ra in rows_a:
                for rb in rows_b:
                    if ra.get("per_class") == rb.get("per_class"):
                        vals.append(ra["accuracy"] - rb["accuracy"])
    best = max(accs.values()) if accs else 0.0
    vals += [best - a for a in accs.values()]
    vals += [a - b for a in accs.values() for b in accs.values()]
    return vals


def allowed_numbers(paths: Iterable[Path]) -> set[str]:
    allowed: set[str] = set()
    for p in paths:
        data = json.loads(Path(p).read_text(encoding="utf-8"))
        values = list(_walk(data))
        if "methods" in data and "texts" in data:
            values += derived(data)
        for v in values:
            allowed |= _renderings(v)
    return allowed


def decimals_in(text: str) -> list[str]:
    """Decimal numbers written with a comma, as in French prose."""
    return DECIMAL.findall(text)
