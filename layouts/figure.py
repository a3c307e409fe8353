"""Plain-dict plotly figures.

`plotly.graph_objects` validates every property on every update: 20–50 ms per figure here,
most of a callback's time. The panels build the same JSON as plain dicts with this small
builder (the method names follow `go.Figure`'s), and the tests check the result against plotly's
schema by loading it into `go.Figure`.
"""

from __future__ import annotations

import math
from typing import Any

from scoring.display import format_percent


def percent_ticks(low: float, high: float, lang: str, scale: float = 1.0, target: int = 6) -> dict[str, Any]:
    """Axis ticks for shares, labelled as the page's language writes them ("10 %" with a narrow
    no-break space in French): plotly's ".0%" format writes "10%" in every language. `scale` is
    100 when the axis holds points rather than shares."""
    span = max(high - low, 1e-9)
    raw = span / target
    step = min((m * 10 ** math.floor(math.log10(raw)) for m in (1, 2, 2.5, 5, 10)
                if m * 10 ** math.floor(math.log10(raw)) >= raw), default=raw)
    first = math.ceil(low / step - 1e-9) * step
    values = [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]
    points = step * 100
    decimals = next((d for d in (0, 1, 2) if abs(points * 10 ** d - round(points * 10 ** d)) < 1e-6), 3)
    return {"tickvals": [v * scale for v in values],
            "ticktext": [format_percent(v, lang, decimals) for v in values]}


def trace(kind: str, **properties: Any) -> dict[str, Any]:
    return {"type": kind, **properties}


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


class Fig(dict):
    """{"data": [...], "layout": {...}}, with the few `go.Figure` verbs the panels use."""

    def __init__(self, *traces: dict[str, Any]) -> None:
        super().__init__(data=list(traces), layout={})

    @property
    def traces(self) -> list[dict[str, Any]]:
        return self["data"]

    @property
    def layout(self) -> dict[str, Any]:
        return self["layout"]

    def add_trace(self, trace_: dict[str, Any]) -> Fig:
        self["data"].append(trace_)
        return self

    def update_layout(self, **properties: Any) -> Fig:
        _merge(self["layout"], properties)
        return self

    def update_xaxes(self, **properties: Any) -> Fig:
        return self.update_layout(xaxis=properties)

    def update_yaxes(self, **properties: Any) -> Fig:
        return self.update_layout(yaxis=properties)

    def add_annotation(self, **properties: Any) -> Fig:
        self["layout"].setdefault("annotations", []).append(properties)
        return self

    def add_shape(self, **properties: Any) -> Fig:
        self["layout"].setdefault("shapes", []).append(properties)
        return self

    def add_vline(self, x: float, line: dict[str, Any], annotation_text: str | None = None) -> Fig:
        self.add_shape(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=line)
        if annotation_text:
            self.add_annotation(x=x, y=1, xref="x", yref="paper", yanchor="bottom", xanchor="left",
                                showarrow=False, text=annotation_text)
        return self

    def add_hline(self, y: float, line: dict[str, Any], annotation_text: str | None = None) -> Fig:
        self.add_shape(type="line", xref="paper", yref="y", x0=0, x1=1, y0=y, y1=y, line=line)
        if annotation_text:
            # Above the line: the last point's value label sits just below-right of it otherwise.
            self.add_annotation(x=1, y=y, xref="paper", yref="y", yanchor="bottom", xanchor="right",
                                showarrow=False, text=annotation_text)
        return self

    def add_decision_band(self, review_band: tuple[float, float] | list[float], threshold: float,
                          label: str, axis: str = "x", scale: float = 100.0) -> Fig:
        """The 'to review' band with the cost-minimising threshold inside it, drawn the same way
        wherever a chart shows where decisions change (the limits decide, not the threshold)."""
        low, high = (scale * float(v) for v in review_band)
        line = {"color": "#5c4400", "width": 1}
        if axis == "x":
            self.add_shape(type="rect", xref="x", yref="paper", x0=low, x1=high, y0=0, y1=1,
                           fillcolor="#f7dca0", opacity=0.6, layer="below", line={"width": 0})
            for limit in (low, high):
                self.add_shape(type="line", xref="x", yref="paper", x0=limit, x1=limit, y0=0, y1=1, line=line)
            self.add_vline(x=scale * threshold, line={"color": "#1a1a1a", "dash": "dot", "width": 1})
            if label:
                self.add_annotation(x=(low + high) / 2, y=1, xref="x", yref="paper", yanchor="bottom",
                                    xanchor="center", showarrow=False, text=label)
        else:
            self.add_shape(type="rect", xref="paper", yref="y", x0=0, x1=1, y0=low, y1=high,
                           fillcolor="#f7dca0", opacity=0.6, layer="below", line={"width": 0})
            for limit in (low, high):
                self.add_shape(type="line", xref="paper", yref="y", x0=0, x1=1, y0=limit, y1=limit, line=line)
            self.add_hline(y=scale * threshold, line={"color": "#1a1a1a", "dash": "dot", "width": 1})
            self.add_annotation(x=1, y=high, xref="paper", yref="y", yanchor="bottom", xanchor="right",
                                showarrow=False, text=label)
        return self
