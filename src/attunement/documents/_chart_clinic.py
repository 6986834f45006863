"""The clinic's charts: outcome categories, and outcome by intake severity."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from attunement.documents._chart_data import (
    CATEGORIES,
    CategoryCounts,
    OutcomeDistributionData,
    RecoveryBySeverityData,
)
from attunement.documents._chart_style import CATEGORY_LABELS, CATEGORY_STYLE, Drawn, legend
from attunement.i18n import translate

__all__ = ["draw_distribution", "draw_severity"]


def _category_text(counts: CategoryCounts, category: str, language: str) -> str:
    share = counts.share(category) if category != "insufficient" else None
    percent = f" ({share:.0%})" if share is not None else ""
    return f"{translate(CATEGORY_LABELS[category], language)}: {counts.count(category)}{percent}"


def draw_distribution(fig: Figure, data: OutcomeDistributionData, language: str) -> Drawn:
    ax = fig.add_subplot()
    counts = data.counts
    names = [*CATEGORIES, "insufficient"] if counts.insufficient else list(CATEGORIES)
    drawn = Drawn(translate("Outcomes by Jacobson–Truax category", language), "")
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
    ax.set_yticklabels([translate(CATEGORY_LABELS[n], language) for n in names])
    ax.set_xlabel(translate("Patients", language))
    ax.set_xlim(0, max(1, *(counts.count(n) for n in names)) * 1.18)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(drawn.title)
    drawn.description = "; ".join(drawn.tooltips.values())
    return drawn


def draw_severity(fig: Figure, data: RecoveryBySeverityData, language: str) -> Drawn:
    ax = fig.add_subplot()
    drawn = Drawn(translate("Outcome by intake severity", language), "")
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
                label=translate(CATEGORY_LABELS[name], language) if y == positions[0] else None,
            )
            left += share * 100
            drawn.tooltips[gid] = (
                f"{translate(group.band, language)}: {_category_text(group.counts, name, language)}"
            )
        ax.text(101, y, f"n = {group.counts.assessed}", va="center")
    ax.set_yticks(positions)
    ax.set_yticklabels([translate(g.band, language) for g in data.groups])
    ax.set_xlim(0, 115)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(translate("Share of patients (%)", language))
    severity = translate("Intake severity", language)
    ax.set_ylabel(f"{severity} ({data.instrument})")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(drawn.title)
    legend(fig)
    drawn.description = "; ".join(drawn.tooltips.values())
    return drawn
