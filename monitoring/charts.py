"""Server-rendered SVG bar charts.

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
