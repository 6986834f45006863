"""How each chart is drawn: one function per chart-data model, matplotlib's object API.

Each function draws on a fresh ``Figure`` and returns the chart's accessible title, a
description in words (what a screen reader reads and what a PDF's text layer carries), and
the tooltip text of every point, keyed by the ``gid`` given to the point's artist — the
builder (``_charts``) turns those into SVG ``<title>`` elements.

Colours are the Okabe–Ito palette (Okabe & Ito 2008, *Color Universal Design*), safe for
the common colour-vision deficiencies; every category also differs by hatch or marker shape,
so nothing is told by colour alone. The heat strip uses ``cividis`` (Nuñez, Anderton &
Renslow 2018, PLoS ONE 13:e0199239), designed to read the same with deuteranopia.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from attunement.reports._chart_data import (
    CATEGORIES,
    AllianceChartData,
    CategoryCounts,
    ItemHeatStripData,
    OutcomeChartData,
    OutcomeDistributionData,
    RecoveryBySeverityData,
)
from attunement.reports._i18n import Language, band_label, text

__all__ = ["CATEGORY_STYLE", "OKABE_ITO", "Drawn", "draw"]

#: Okabe & Ito (2008) colour-universal-design palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#8C8C8C"

#: colour and hatch per Jacobson–Truax category (hatch keeps them apart without colour).
CATEGORY_STYLE: dict[str, tuple[str, str]] = {
    "recovered": (OKABE_ITO["bluish_green"], ""),
    "improved": (OKABE_ITO["sky_blue"], "\\\\"),
    "unchanged": ("#BDBDBD", "//"),
    "deteriorated": (OKABE_ITO["vermillion"], "xx"),
    "insufficient": ("#FFFFFF", "--"),
}


@dataclass
class Drawn:
    """What a drawing function reports back to the builder."""

    title: str
    description: str
    tooltips: dict[str, str] = field(default_factory=dict)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _session_axis(ax: Axes, sessions: list[int], language: Language) -> None:
    first, last = min(sessions), max(sessions)
    ax.set_xlim(first - 0.5, last + 0.5)
    step = 1 if last - first <= 16 else 2
    ax.set_xticks(list(range(first, last + 1, step)))
    ax.set_xlabel(text("session", language))
    ax.grid(axis="y", color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _legend(fig: Figure, ncols: int = 3) -> None:
    """Legend below the plot, inside the figure (constrained layout makes room)."""
    fig.legend(loc="outside lower center", ncols=ncols, frameon=False)


def draw_outcome(fig: Figure, data: OutcomeChartData, language: Language) -> Drawn:
    ax = fig.add_subplot()
    sessions = [p.session for p in data.points] + [e.session for e in data.expected]
    _session_axis(ax, sessions, language)
    drawn = Drawn(text("outcome_title", language, instrument=data.instrument), "")
    words: list[str] = []
    intake = data.intake
    if intake is not None and data.reliable_change is not None:
        ax.axhspan(
            intake - data.reliable_change,
            intake + data.reliable_change,
            facecolor="#F2F2F2",
            edgecolor="#BDBDBD",
            hatch="//",
            linewidth=0,
            label=f"{text('reliable_band', language)} (±{_fmt(data.reliable_change)})",
        )
        words.append(f"{text('reliable_band', language)}: ±{_fmt(data.reliable_change)}")
    if data.expected:
        xs = [e.session for e in data.expected]
        ax.fill_between(
            xs,
            [e.low for e in data.expected],
            [e.high for e in data.expected],
            color=OKABE_ITO["sky_blue"],
            alpha=0.35,
            linewidth=0,
            label=text("expected_band", language),
        )
        ax.plot(
            xs,
            [e.value for e in data.expected],
            color=OKABE_ITO["blue"],
            linestyle="--",
            linewidth=2,
            label=text("expected", language),
        )
        last = data.expected[-1]
        words.append(
            f"{text('expected', language)} ({text('session', language).lower()} {last.session}):"
            f" {_fmt(last.value)} ({_fmt(last.low)}–{_fmt(last.high)})"
        )
    if data.cutoff is not None:
        ax.axhline(
            data.cutoff,
            color=OKABE_ITO["orange"],
            linestyle="-.",
            linewidth=2.2,
            label=f"{text('cutoff', language)} ({_fmt(data.cutoff)})",
        )
        words.append(f"{text('cutoff', language)}: {_fmt(data.cutoff)}")
    values = [np.nan if p.value is None else p.value for p in data.points]
    ax.plot(
        [p.session for p in data.points],
        values,
        color=OKABE_ITO["black"],
        linewidth=2.2,
        label=text("observed", language),
    )
    expected_at = {e.session: e for e in data.expected}
    risk_labelled = False
    for point in data.points:
        gid = f"pt-{point.session}"
        if point.value is None:
            ax.plot([point.session], [data.scale_min], marker="x", color=GREY, ms=9, gid=gid)
            tip = f"{text('session', language)} {point.session}: {text('not_scorable', language)}"
        else:
            marker, colour, size = (
                ("^", OKABE_ITO["vermillion"], 12.0)
                if point.risk
                else ("o", OKABE_ITO["black"], 8.0)
            )
            label = None
            if point.risk and not risk_labelled:
                label, risk_labelled = text("risk_point", language), True
            ax.plot(
                [point.session],
                [point.value],
                linestyle="none",
                gid=gid,
                label=label,
                marker=marker,
                color=colour,
                markersize=size,
            )
            tip = f"{text('session', language)} {point.session}: {_fmt(point.value)}"
            if point.session in expected_at:
                e = expected_at[point.session]
                tip += (
                    f" ({text('expected', language).lower()} {_fmt(e.value)},"
                    f" {_fmt(e.low)}–{_fmt(e.high)})"
                )
            if point.risk:
                tip += f" — {text('risk_point', language)}"
        drawn.tooltips[gid] = tip
    better = "lower_better" if data.higher_is_worse else "higher_better"
    ax.set_ylim(data.scale_min, data.scale_max)
    ax.set_ylabel(f"{data.instrument} ({text(better, language)})")
    ax.set_title(drawn.title)
    _legend(fig, ncols=2)
    observed = "; ".join(drawn.tooltips[f"pt-{p.session}"] for p in data.points)
    drawn.description = ". ".join([observed, *words])
    return drawn


def draw_alliance(fig: Figure, data: AllianceChartData, language: Language) -> Drawn:
    ax = fig.add_subplot()
    _session_axis(ax, [p.session for p in data.points], language)
    drawn = Drawn(text("alliance_title", language, instrument=data.instrument), "")
    words: list[str] = []
    if data.threshold is not None:
        label = f"{text('alliance_threshold', language)} ({_fmt(data.threshold)})"
        ax.axhline(data.threshold, color=OKABE_ITO["vermillion"], linestyle="--", linewidth=2)
        ax.lines[-1].set_label(label)
        note = f" — {data.threshold_note}" if data.threshold_note else ""
        words.append(label + note)
    values = [np.nan if p.value is None else p.value for p in data.points]
    ax.plot(
        [p.session for p in data.points],
        values,
        color=OKABE_ITO["blue"],
        linewidth=2.2,
        label=text("observed", language),
    )
    for point in data.points:
        gid = f"pt-{point.session}"
        if point.value is None:
            drawn.tooltips[gid] = (
                f"{text('session', language)} {point.session}: {text('not_scorable', language)}"
            )
            ax.plot([point.session], [data.scale_min], marker="x", color=GREY, ms=9, gid=gid)
            continue
        below = data.threshold is not None and point.value < data.threshold
        ax.plot(
            [point.session],
            [point.value],
            linestyle="none",
            marker="D" if below else "o",
            color=OKABE_ITO["vermillion"] if below else OKABE_ITO["blue"],
            markersize=9 if below else 8,
            gid=gid,
        )
        drawn.tooltips[gid] = f"{text('session', language)} {point.session}: {_fmt(point.value)}"
    ax.set_ylim(data.scale_min, data.scale_max)
    ax.set_ylabel(f"{data.instrument} ({text('higher_better', language)})")
    ax.set_title(drawn.title)
    _legend(fig)
    drawn.description = ". ".join(["; ".join(drawn.tooltips.values()), *words])
    return drawn


def draw_heat_strip(fig: Figure, data: ItemHeatStripData, language: Language) -> Drawn:
    ax = fig.add_subplot()
    cmap = colormaps["cividis"]
    norm = Normalize(vmin=data.answer_min, vmax=data.answer_max)
    drawn = Drawn(
        text("heat_title", language, instrument=data.instrument, n=len(data.sessions)), ""
    )
    for row, (session, answers) in enumerate(zip(data.sessions, data.values, strict=True)):
        for col, (item, value) in enumerate(zip(data.items, answers, strict=True)):
            gid = f"cell-{session}-{col}"
            face: str | tuple[float, float, float, float]
            if value is None:
                face, label, colour = "#FFFFFF", "–", GREY
            else:
                rgba = cmap(norm(value))
                luminance = 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2]
                face, label = rgba, _fmt(value)
                colour = "#000000" if luminance > 0.5 else "#FFFFFF"
            ax.add_patch(
                Rectangle((col, row), 1, 1, facecolor=face, edgecolor="#FFFFFF", lw=2, gid=gid)
            )
            ax.text(col + 0.5, row + 0.5, label, ha="center", va="center", color=colour)
            shown = text("not_scorable", language) if value is None else _fmt(value)
            drawn.tooltips[gid] = (
                f"{text('session', language)} {session}, {text('item', language).lower()} "
                f"{item}: {shown}"
            )
    ax.set_xlim(0, len(data.items))
    ax.set_ylim(len(data.sessions), 0)
    ax.set_xticks([i + 0.5 for i in range(len(data.items))])
    ax.set_xticklabels([f"{i}!" if i in data.risk_items else i for i in data.items])
    for tick, item in zip(ax.get_xticklabels(), data.items, strict=True):
        if item in data.risk_items:
            tick.set_color(OKABE_ITO["vermillion"])
            tick.set_fontweight("bold")
    ax.set_yticks([r + 0.5 for r in range(len(data.sessions))])
    ax.set_yticklabels([f"{text('session', language)} {s}" for s in data.sessions])
    ax.set_xlabel(text("item", language))
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    colorbar = fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap),
        ax=ax,
        fraction=0.04,
        pad=0.02,
        label=text("answer", language),
    )
    colorbar.outline.set_visible(False)
    ax.set_title(drawn.title)
    drawn.description = "; ".join(drawn.tooltips.values())
    return drawn


def _category_text(counts: CategoryCounts, category: str, language: Language) -> str:
    share = counts.share(category) if category != "insufficient" else None
    percent = f" ({share:.0%})" if share is not None else ""
    return f"{text(category, language)}: {counts.count(category)}{percent}"


def draw_distribution(fig: Figure, data: OutcomeDistributionData, language: Language) -> Drawn:
    ax = fig.add_subplot()
    counts = data.counts
    names = [*CATEGORIES, "insufficient"] if counts.insufficient else list(CATEGORIES)
    drawn = Drawn(text("distribution_title", language), "")
    positions = np.arange(len(names))[::-1]
    for y, name in zip(positions, names, strict=True):
        colour, hatch = CATEGORY_STYLE[name]
        gid = f"bar-{name}"
        ax.barh(y, counts.count(name), color=colour, hatch=hatch, edgecolor="#333333", gid=gid)
        ax.annotate(
            str(counts.count(name)),
            (counts.count(name), y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
        )
        drawn.tooltips[gid] = _category_text(counts, name, language)
    ax.set_yticks(positions)
    ax.set_yticklabels([text(n, language) for n in names])
    ax.set_xlabel(text("patients", language))
    ax.set_xlim(0, max(1, *(counts.count(n) for n in names)) * 1.18)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(drawn.title)
    drawn.description = "; ".join(drawn.tooltips.values())
    return drawn


def draw_severity(fig: Figure, data: RecoveryBySeverityData, language: Language) -> Drawn:
    ax = fig.add_subplot()
    drawn = Drawn(text("severity_title", language), "")
    positions = np.arange(len(data.groups))[::-1]
    for y, group in zip(positions, data.groups, strict=True):
        left = 0.0
        for name in CATEGORIES:
            share = group.counts.share(name) or 0.0
            colour, hatch = CATEGORY_STYLE[name]
            gid = f"seg-{y}-{name}"
            ax.barh(
                y,
                share * 100,
                left=left,
                color=colour,
                hatch=hatch,
                edgecolor="#333333",
                gid=gid,
                label=text(name, language) if y == positions[0] else None,
            )
            left += share * 100
            drawn.tooltips[gid] = (
                f"{band_label(group.band, language)}: "
                f"{_category_text(group.counts, name, language)}"
            )
        ax.text(101, y, f"n = {group.counts.assessed}", va="center")
    ax.set_yticks(positions)
    ax.set_yticklabels([band_label(g.band, language) for g in data.groups])
    ax.set_xlim(0, 115)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(text("share_patients", language))
    ax.set_ylabel(f"{text('intake_severity', language)} ({data.instrument})")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(drawn.title)
    _legend(fig)
    drawn.description = "; ".join(drawn.tooltips.values())
    return drawn


def draw(
    fig: Figure,
    data: OutcomeChartData
    | AllianceChartData
    | ItemHeatStripData
    | OutcomeDistributionData
    | RecoveryBySeverityData,
    language: Language,
) -> Drawn:
    """Draw ``data`` on ``fig`` with the function for its type."""
    if isinstance(data, OutcomeChartData):
        return draw_outcome(fig, data, language)
    if isinstance(data, AllianceChartData):
        return draw_alliance(fig, data, language)
    if isinstance(data, ItemHeatStripData):
        return draw_heat_strip(fig, data, language)
    if isinstance(data, OutcomeDistributionData):
        return draw_distribution(fig, data, language)
    return draw_severity(fig, data, language)
