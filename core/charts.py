"""Server-rendered SVG charts: bars (``bar_chart``) and lines over time (``line_chart``).

Shared by monitoring and mentoring (floor 0, so every app may use it); the partials are
``core/_chart.html`` and ``core/_line_chart.html``, the CSS is the design system's (``.chart*``
in ``frontend/css/kring.css``).

Why SVG from the server and no chart library: the pages must work under a strict CSP without
inline styles, at 360 px and without JavaScript, and every chart has its table beside it anyway;
a handful of bars needs no dependency to pin, vendor and audit. The SVG is decorative for
assistive technology (``aria-hidden``); the table right after it carries the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 600
HEIGHT = 160
GAP = 4


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    maximum: float = 0

    @property
    def first_label(self) -> str:
        return self.bars[0].label if self.bars else ""

    @property
    def last_label(self) -> str:
        return self.bars[-1].label if self.bars else ""


def bar_chart(title: str, points: list[tuple[str, float | None]], maximum: float | None = None) -> Chart:
    values = [v for _l, v in points if v is not None]
    top = maximum if maximum is not None else max(values, default=0)
    n = max(1, len(points))
    slot = WIDTH / n
    bars = []
    for i, (label, value) in enumerate(points):
        h = 0.0 if not value or not top else (HEIGHT - 2) * float(value) / float(top)
        bars.append(
            Bar(label=label, value=value, x=round(i * slot + GAP / 2, 1), y=round(HEIGHT - h, 1),
                width=round(max(1.0, slot - GAP), 1), height=round(h, 1))
        )  # fmt: skip
    return Chart(title=title, bars=bars, maximum=top)


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]
    points: str  # the polyline's "x,y x,y …"; empty when no value is shown
    number: int  # 1, 2, …: the CSS class (colour and dash) and the legend's key


@dataclass(frozen=True)
class LineChart:
    title: str
    labels: list[str]
    series: list[Series]
    width: int = WIDTH
    height: int = HEIGHT
    maximum: float = 0

    @property
    def first_label(self) -> str:
        return self.labels[0] if self.labels else ""

    @property
    def last_label(self) -> str:
        return self.labels[-1] if self.labels else ""


def line_chart(
    title: str, labels: list[str], series: list[tuple[str, list[float | None]]], maximum: float | None = None
) -> LineChart:
    """One line per series over ``labels`` (e.g. months); a ``None`` value is left out of its line."""
    values = [v for _label, vs in series for v in vs if v is not None]
    top = maximum if maximum is not None else max(values, default=0)
    n = len(labels)
    step = WIDTH / (n - 1) if n > 1 else 0.0
    lines = []
    for number, (label, vs) in enumerate(series, start=1):
        points = []
        for i, value in enumerate(vs[:n]):
            if value is None:
                continue
            x = i * step if n > 1 else WIDTH / 2
            h = 0.0 if not top else (HEIGHT - 2) * float(value) / float(top)
            points.append(f"{round(x, 1)},{round(HEIGHT - h, 1)}")
        lines.append(Series(label=label, values=list(vs), points=" ".join(points), number=number))
    return LineChart(title=title, labels=list(labels), series=lines, maximum=top)
