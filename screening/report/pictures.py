"""The pictures of a report: key frames as JPEG, and charts of a measure drawn with matplotlib.

Charts are drawn on matplotlib's Agg canvas directly (no pyplot, so no global figure state
and no display), in the skeleton's colours: the person's left in blue, right in orange.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from screening.io.annotate import LEFT_COLOUR, RIGHT_COLOUR

CHART_SIZE_IN = (5.6, 2.5)
CHART_DPI = 120
JPEG_QUALITY = 85
THRESHOLD_COLOUR = "#c0392b"
OTHER_COLOUR = "#555555"
OVER_COLOUR = "#e8a39b"  # a rep past the threshold
UNDER_COLOUR = "#c5cbcf"


@dataclass(frozen=True)
class Picture:
    """An encoded image ready for both layouts (PDF placement needs its pixel size)."""

    data: bytes
    mime: str  # image/jpeg or image/png
    width: int
    height: int
    caption: str

    @property
    def data_uri(self) -> str:
        """The image inlined, so the HTML report fetches nothing."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def jpeg_picture(rgb: np.ndarray, caption: str) -> Picture:
    """A video frame as JPEG: a tenth of the size of PNG for a photo, in PDF and HTML alike."""
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
    )
    if not ok:
        raise ValueError("could not encode a key frame as JPEG")
    return Picture(buf.tobytes(), "image/jpeg", rgb.shape[1], rgb.shape[0], caption)


def _units(units: str) -> str:
    return units.replace("deg", "degrees")


def _colour(side: str) -> str | tuple[float, float, float]:
    rgb = {"left": LEFT_COLOUR, "right": RIGHT_COLOUR}.get(side)
    return OTHER_COLOUR if rgb is None else (rgb[0] / 255, rgb[1] / 255, rgb[2] / 255)


def _png(fig: Figure, caption: str) -> Picture:
    canvas = FigureCanvasAgg(fig)
    fig.tight_layout()
    buf = io.BytesIO()
    canvas.print_png(buf)
    width, height = canvas.get_width_height()
    return Picture(buf.getvalue(), "image/png", width, height, caption)


def _figure(units: str) -> tuple[Figure, Any]:
    fig = Figure(figsize=CHART_SIZE_IN, dpi=CHART_DPI)
    ax = fig.add_subplot()
    ax.set_ylabel(_units(units))
    ax.grid(True, alpha=0.3)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return fig, ax


def time_chart(
    table: Mapping[str, np.ndarray], rep_spans: Sequence[tuple[float, float]], units: str, name: str
) -> Picture:
    """A measure over time per side (columns of `visuals.measure_table`) with its threshold."""
    fig, ax = _figure(units)
    t = table["time_s"]
    for start, end in rep_spans:
        ax.axvspan(start, end, color="#999999", alpha=0.12, linewidth=0)
    for column, values in table.items():
        if column in ("time_s", "threshold"):
            continue
        label = column if column in ("left", "right") else name.lower()
        ax.plot(t, values, color=_colour(column), linewidth=1.6, label=label)
    ax.plot(
        t,
        table["threshold"],
        color=THRESHOLD_COLOUR,
        linestyle="--",
        linewidth=1.2,
        label="threshold",
    )
    ax.set_xlabel("seconds")
    ax.legend(loc="best", fontsize=8, frameon=False)
    return _png(
        fig,
        f"{name}: {_units(units)} over time. The dashed line is the threshold; "
        "the shaded bands are the reps.",
    )


def rep_chart(values: Sequence[float | None], threshold: float, units: str, name: str) -> Picture:
    """The measure at the bottom of each rep (from a stored record) against its threshold."""
    fig, ax = _figure(units)
    y = np.array([np.nan if v is None else float(v) for v in values])
    x = np.arange(1, len(y) + 1)
    over = np.nan_to_num(y, nan=-np.inf) >= threshold
    ax.bar(x, np.nan_to_num(y), color=[OVER_COLOUR if o else UNDER_COLOUR for o in over], width=0.6)
    ax.axhline(
        threshold,
        color=THRESHOLD_COLOUR,
        linestyle="--",
        linewidth=1.2,
        label="threshold",
        zorder=3,
    )
    ax.set_xticks(x, [f"rep {i}" for i in x])
    ax.legend(loc="best", fontsize=8, frameon=False)
    return _png(
        fig, f"{name}: {_units(units)} at the bottom of each rep. The dashed line is the threshold."
    )
