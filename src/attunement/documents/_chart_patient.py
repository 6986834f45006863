"""The patient's charts: outcome with expected band, alliance, item heat strip."""

from __future__ import annotations

from functools import partial

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from attunement.documents._chart_data import AllianceChartData, ItemHeatStripData, OutcomeChartData
from attunement.documents._chart_style import GREY, OKABE_ITO, Drawn, legend, session_axis
from attunement.i18n import translate
from attunement.wording import format_number, sentences_in

__all__ = [
    "describe_alliance",
    "describe_heat_strip",
    "describe_outcome",
    "draw_alliance",
    "draw_heat_strip",
    "draw_outcome",
]


def _words(language: str) -> dict[str, str]:
    """The charts' recurring words in ``language`` (outside f-strings, where Babel finds them)."""
    return {
        "session": translate("Session", language),
        "expected": translate("Expected", language),
        "item": translate("Item", language),
        "not_scorable": translate("not scorable", language),
        "reliable": translate("No reliable change from intake", language),
        "cutoff": translate("Clinical cut-off", language),
        "risk": translate("Risk item endorsed", language),
        "threshold": translate("Alliance threshold", language),
        "red": translate("Red alert limit", language),
        "higher_better": translate("higher is better", language),
    }


def describe_outcome(data: OutcomeChartData, language: str) -> Drawn:
    """The outcome chart in words (title, each point's tooltip, description), without
    drawing: what the page prints beside the chart and the SVG carries as ``<title>``."""
    w = _words(language)
    num = partial(format_number, digits=data.digits, language=language)
    drawn = Drawn(
        translate("%(instrument)s over sessions", language, instrument=data.instrument), ""
    )
    words: list[str] = []
    if data.intake is not None and data.reliable_change is not None:
        words.append(f"{w['reliable']}: ±{num(data.reliable_change)}")
    if data.expected:
        last = data.expected[-1]
        words.append(
            f"{w['expected']} ({w['session'].lower()} {last.session}):"
            f" {num(last.value)} ({num(last.low)}–{num(last.high)})"
        )
    if data.cutoff is not None:
        words.append(f"{w['cutoff']}: {num(data.cutoff)}")
    if data.red_limit is not None:
        words.append(f"{w['red']}: {num(data.red_limit)}")
    expected_at = {e.session: e for e in data.expected}
    for point in data.points:
        if point.value is None:
            tip = f"{w['session']} {point.session}: {w['not_scorable']}"
        else:
            tip = f"{w['session']} {point.session}: {num(point.value)}"
            if point.session in expected_at:
                e = expected_at[point.session]
                tip += f" ({w['expected'].lower()} {num(e.value)}, {num(e.low)}–{num(e.high)})"
            if point.risk:
                tip += f" — {w['risk']}"
        drawn.tooltips[f"pt-{point.session}"] = tip
    observed = "; ".join(drawn.tooltips[f"pt-{p.session}"] for p in data.points)
    drawn.description = ". ".join([observed, *words])
    return drawn


def _padded_range(ax: Axes, low: float, high: float) -> None:
    """The whole scale on the axis, with a margin so a marker at either end is whole, and
    ticks only within the scale (its top value among them: a 27 reads as 27)."""
    margin = (high - low) * 0.04
    ax.set_ylim(low - margin, high + margin)
    ticks = [float(t) for t in MaxNLocator(nbins=6, steps=[1, 2, 5, 10]).tick_values(low, high)]
    inside = [t for t in ticks if low <= t <= high and high - t >= (high - low) * 0.08]
    ax.set_yticks([*inside, high])
    for side in ("bottom", "top"):
        if ax.spines[side].get_visible():
            ax.spines[side].set_bounds(*ax.get_xlim())
    ax.spines["left"].set_bounds(low, high)


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _with_gaps(points: list[tuple[int, float | None]]) -> tuple[list[int], list[float]]:
    """Every session from the first to the last, NaN where none was scored or held, so the
    line breaks at a missed session instead of joining across it."""
    known = dict(points)
    sessions = list(range(min(known), max(known) + 1))
    values = [np.nan if known.get(s) is None else float(known[s] or 0.0) for s in sessions]
    return sessions, values


def draw_outcome(fig: Figure, data: OutcomeChartData, language: str) -> Drawn:
    w = _words(language)
    num = partial(format_number, digits=data.digits, language=language)
    low, high = data.scale_min, data.scale_max
    ax = fig.add_subplot()
    sessions = [p.session for p in data.points] + [e.session for e in data.expected]
    session_axis(ax, sessions, language)
    drawn = describe_outcome(data, language)
    intake = data.intake
    if intake is not None and data.reliable_change is not None:
        # the reliable-change band: grey hatching between dotted edges (no fill colour)
        band = (
            _clip(intake - data.reliable_change, low, high),
            _clip(intake + data.reliable_change, low, high),
        )
        ax.axhspan(
            *band,
            facecolor="none",
            edgecolor="#6E6E6E",
            hatch="//",
            linewidth=0,
            label=f"{w['reliable']} (±{num(data.reliable_change)})",
        )
        for edge in band:
            ax.axhline(edge, color="#6E6E6E", linestyle=":", linewidth=1.4)
    if data.expected:
        # the expected range: a solid blue fill with solid edges, told apart from the
        # hatched reliable-change band by fill, edge style and legend
        xs = [e.session for e in data.expected]
        lows = [_clip(e.low, low, high) for e in data.expected]
        highs = [_clip(e.high, low, high) for e in data.expected]
        ax.fill_between(
            xs,
            lows,
            highs,
            color=OKABE_ITO["sky_blue"],
            alpha=0.45,
            linewidth=0,
            label=translate("Expected range", language),
        )
        for edges in (lows, highs):
            ax.plot(xs, edges, color=OKABE_ITO["blue"], linewidth=1.2)
        ax.plot(
            xs,
            [_clip(e.value, low, high) for e in data.expected],
            color=OKABE_ITO["blue"],
            linestyle="--",
            linewidth=2,
            label=translate("Expected", language),
        )
    if data.cutoff is not None:
        ax.axhline(
            data.cutoff,
            color=OKABE_ITO["orange"],
            linestyle="-.",
            linewidth=2.2,
            label=f"{w['cutoff']} ({num(data.cutoff)})",
        )
    if data.red_limit is not None and low <= data.red_limit <= high:
        ax.axhline(
            data.red_limit,
            color=OKABE_ITO["vermillion"],
            linestyle=(0, (6, 2)),
            linewidth=2.4,
            label=f"{w['red']} ({num(data.red_limit)})",
        )
    xs_line, ys_line = _with_gaps([(p.session, p.value) for p in data.points])
    ax.plot(
        xs_line,
        ys_line,
        gid="observed-line",
        color=OKABE_ITO["black"],
        linewidth=2.2,
        label=translate("Observed", language),
    )
    risk_labelled = False
    for point in data.points:
        gid = f"pt-{point.session}"
        if point.value is None:
            ax.plot([point.session], [low], marker="x", color=GREY, ms=9, gid=gid)
            continue
        marker, colour, size = (
            ("^", OKABE_ITO["vermillion"], 12.0) if point.risk else ("o", OKABE_ITO["black"], 8.0)
        )
        label = None
        if point.risk and not risk_labelled:
            label, risk_labelled = translate("Risk item endorsed", language), True
        ax.plot(
            [point.session],
            [point.value],
            linestyle="none",
            gid=gid,
            label=label,
            marker=marker,
            color=colour,
            markersize=size,
            clip_on=False,
        )
    _padded_range(ax, low, high)
    if data.higher_is_worse is None:  # a neutral scale has no better end
        ax.set_ylabel(data.instrument)
    else:
        better = (
            translate("lower is better", language)
            if data.higher_is_worse
            else translate("higher is better", language)
        )
        ax.set_ylabel(f"{data.instrument}\n({better})")
    ax.set_title(drawn.title, wrap=True)
    legend(fig, ncols=2)
    return drawn


def _alliance_threshold_label(data: AllianceChartData, language: str) -> str:
    w = _words(language)
    return f"{w['threshold']} ({format_number(data.threshold, language=language)})"


def describe_alliance(data: AllianceChartData, language: str) -> Drawn:
    """The alliance chart in words, without drawing (see :func:`describe_outcome`)."""
    w = _words(language)
    drawn = Drawn(translate("Alliance (%(instrument)s)", language, instrument=data.instrument), "")
    words: list[str] = []
    if data.threshold is not None:
        worded = () if data.threshold_note_worded is None else (data.threshold_note_worded,)
        said = sentences_in((data.threshold_note,), worded, language) if data.threshold_note else ()
        note = f" — {said[0]}" if said else ""
        words.append(_alliance_threshold_label(data, language) + note)
    for point in data.points:
        shown = (
            translate("not scorable", language)
            if point.value is None
            else format_number(point.value, language=language)
        )
        drawn.tooltips[f"pt-{point.session}"] = f"{w['session']} {point.session}: {shown}"
    drawn.description = ". ".join(["; ".join(drawn.tooltips.values()), *words])
    return drawn


def draw_alliance(fig: Figure, data: AllianceChartData, language: str) -> Drawn:
    w = _words(language)
    ax = fig.add_subplot()
    session_axis(ax, [p.session for p in data.points], language)
    drawn = describe_alliance(data, language)
    if data.threshold is not None:
        ax.axhline(data.threshold, color=OKABE_ITO["vermillion"], linestyle="--", linewidth=2)
        ax.lines[-1].set_label(_alliance_threshold_label(data, language))
    xs_line, ys_line = _with_gaps([(p.session, p.value) for p in data.points])
    ax.plot(
        xs_line,
        ys_line,
        gid="observed-line",
        color=OKABE_ITO["blue"],
        linewidth=2.2,
        label=translate("Observed", language),
    )
    for point in data.points:
        gid = f"pt-{point.session}"
        if point.value is None:
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
            clip_on=False,
        )
    _padded_range(ax, data.scale_min, data.scale_max)
    # two short lines: the label fits the short axis, in any language
    ax.set_ylabel(f"{data.instrument}\n({w['higher_better']})")
    ax.set_title(drawn.title, wrap=True)
    legend(fig)
    return drawn


def describe_heat_strip(data: ItemHeatStripData, language: str) -> Drawn:
    """The item heat map in words, without drawing (see :func:`describe_outcome`)."""
    w = _words(language)
    drawn = Drawn(
        translate(
            "%(instrument)s item answers, last %(n)s sessions",
            language,
            instrument=data.instrument,
            n=len(data.sessions),
        ),
        "",
    )
    for session, answers in zip(data.sessions, data.values, strict=True):
        for col, (item, value) in enumerate(zip(data.items, answers, strict=True)):
            shown = (
                translate("not scorable", language)
                if value is None
                else format_number(value, language=language)
            )
            drawn.tooltips[f"cell-{session}-{col}"] = (
                f"{w['session']} {session}, {w['item'].lower()} {item}: {shown}"
            )
    drawn.description = "; ".join(drawn.tooltips.values())
    return drawn


def draw_heat_strip(fig: Figure, data: ItemHeatStripData, language: str) -> Drawn:
    w = _words(language)
    ax = fig.add_subplot()
    cmap = colormaps["cividis"]
    norm = Normalize(vmin=data.answer_min, vmax=data.answer_max)
    drawn = describe_heat_strip(data, language)
    for row, (session, answers) in enumerate(zip(data.sessions, data.values, strict=True)):
        for col, value in enumerate(answers):
            gid = f"cell-{session}-{col}"
            face: str | tuple[float, float, float, float]
            if value is None:
                face, label, colour = "#FFFFFF", "–", GREY
            else:
                rgba = cmap(norm(value))
                luminance = 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2]
                face, label = rgba, format_number(value, language=language)
                colour = "#000000" if luminance > 0.5 else "#FFFFFF"
            ax.add_patch(
                Rectangle((col, row), 1, 1, facecolor=face, edgecolor="#FFFFFF", lw=2, gid=gid)
            )
            ax.text(col + 0.5, row + 0.5, label, ha="center", va="center", color=colour)
    ax.set_xlim(0, len(data.items))
    ax.set_ylim(len(data.sessions), 0)
    ax.set_xticks([i + 0.5 for i in range(len(data.items))])
    ax.set_xticklabels([f"{i}!" if i in data.risk_items else i for i in data.items])
    for tick, item in zip(ax.get_xticklabels(), data.items, strict=True):
        if item in data.risk_items:
            tick.set_color(OKABE_ITO["vermillion"])
            tick.set_fontweight("bold")
    ax.set_yticks([r + 0.5 for r in range(len(data.sessions))])
    ax.set_yticklabels([f"{w['session']} {s}" for s in data.sessions])
    ax.set_xlabel(translate("Item", language))
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    colorbar = fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap),
        ax=ax,
        fraction=0.04,
        pad=0.02,
        label=translate("Answer", language),
    )
    colorbar.outline.set_visible(False)
    ax.set_title(drawn.title, wrap=True)
    return drawn
