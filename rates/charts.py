"""Horizontal bar charts as plain data for an inline-SVG template (`admin/rates/_hbars.html`). Pure.

Each row is an HTML label, an SVG track (0–100 units wide, stretched to the row) and the value as text, so the
text never shrinks on a phone and a screen reader reads the labels and values (the SVG itself is decoration).
Values may be negative (a change in cm or kg): the track then runs from −limit to +limit around a zero line.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

Number = Decimal | float | int

TRACK = 100  # SVG user units across the track


@dataclass(frozen=True)
class Marker:
    """A vertical line across a row: a target (目標) or the zero of a diverging scale."""

    x: float
    label: str
    kind: str = "target"  # "target" (dashed) or "zero"


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float  # left edge, 0–100
    width: float
    tone: str = "primary"  # CSS modifier: primary, secondary, muted
    markers: tuple[Marker, ...] = ()
    note: str = ""  # counts shown under the bar ("12 / 40 人")

    @property
    def labelled_markers(self) -> bool:
        return any(marker.label for marker in self.markers)

    def unlabelled(self) -> "Bar":
        """The same bar with its markers' labels left to the chart's legend (many rows, one target)."""
        markers = tuple(Marker(x=m.x, label="", kind=m.kind) for m in self.markers)
        return Bar(self.label, self.value_text, self.x, self.width, self.tone, markers, self.note)


@dataclass(frozen=True)
class Chart:
    caption: str
    bars: tuple[Bar, ...]
    scale: tuple[Marker, ...] = field(default=())  # tick labels under the chart
    legend: tuple[tuple[str, str], ...] = ()  # (tone or marker kind, label)


def marker_legend(markers: Sequence[Marker]) -> tuple[tuple[str, str], ...]:
    return tuple((f"marker-{marker.kind}", marker.label) for marker in markers)


def position(value: Number, low: Number, high: Number) -> float:
    """Where `value` lies on a track from `low` to `high`, in 0–100 units (clamped)."""
    low_f, high_f = float(low), float(high)
    if high_f <= low_f:
        raise ValueError("the scale needs high > low")
    return max(0.0, min(float(TRACK), (float(value) - low_f) / (high_f - low_f) * TRACK))


def bar_span(value: Number | None, low: Number, high: Number) -> tuple[float, float]:
    """(x, width) of a bar drawn from zero (or from `low` when zero is off the scale) to `value`."""
    if value is None:
        return 0.0, 0.0
    origin = position(max(float(low), min(0.0, float(high))), low, high)
    end = position(value, low, high)
    return (min(origin, end), abs(end - origin))


def percent_scale(ticks: Sequence[int] = (0, 25, 50, 75, 100)) -> tuple[Marker, ...]:
    return tuple(Marker(x=position(t, 0, 100), label=f"{t}%", kind="tick") for t in ticks)


def symmetric_limit(values: Sequence[Number | None], minimum: Number = 1) -> float:
    """A round limit for a diverging scale that holds every value (at least `minimum`)."""
    largest = max([abs(float(v)) for v in values if v is not None] + [float(minimum)])
    for step in (0.5, 1, 2, 5, 10, 20, 50, 100):
        if largest <= step:
            return float(step)
    return float(int(largest) + 1)


def signed_scale(limit: float, unit: str) -> tuple[Marker, ...]:
    ticks = (-limit, 0.0, limit)
    return tuple(Marker(x=position(t, -limit, limit), label=f"{_number(t)}{unit}", kind="tick") for t in ticks)


def _number(value: float) -> str:
    text = f"{value:+.1f}" if value else "0"
    return text[:-2] if text.endswith(".0") else text
