"""The charts' shared style: palette, hatches, axes, legend, and what a drawing returns.

Each drawing function (``_chart_patient``, ``_chart_clinic``) draws on a fresh ``Figure``
(matplotlib's object API) and returns a :class:`Drawn`: the chart's accessible title, a
description in words (what a screen reader reads and what a PDF's text layer carries), and
the tooltip of every point keyed by the ``gid`` given to its artist — the builder
(``_charts``) turns those into SVG ``<title>`` elements.

Colours are the Okabe–Ito palette (Okabe & Ito 2008, *Color Universal Design*), safe for
the common colour-vision deficiencies; every category also differs by hatch or marker shape,
so nothing is told by colour alone. The heat strip uses ``cividis`` (Nuñez, Anderton &
Renslow 2018, PLoS ONE 13:e0199239), designed to read the same with deuteranopia.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from attunement.i18n import N_, translate

__all__ = [
    "CATEGORY_LABELS",
    "CATEGORY_STYLE",
    "GREY",
    "OKABE_ITO",
    "Drawn",
    "legend",
    "session_axis",
]

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

#: the words for each Jacobson–Truax category (translated where shown).
CATEGORY_LABELS: dict[str, str] = {
    "recovered": N_("Recovered"),
    "improved": N_("Improved"),
    "unchanged": N_("Unchanged"),
    "deteriorated": N_("Deteriorated"),
    "insufficient": N_("Not enough data"),
}


@dataclass
class Drawn:
    """What a drawing function reports back to the builder."""

    title: str
    description: str
    tooltips: dict[str, str] = field(default_factory=dict)


def session_axis(ax: Axes, sessions: list[int], language: str) -> None:
    first, last = min(sessions), max(sessions)
    ax.set_xlim(first - 0.5, last + 0.5)
    step = 1 if last - first <= 16 else 2
    ax.set_xticks(list(range(first, last + 1, step)))
    ax.set_xlabel(translate("Session", language))
    ax.grid(axis="y", color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def legend(fig: Figure, ncols: int = 3) -> None:
    """Legend below the plot, inside the figure (constrained layout makes room)."""
    fig.legend(loc="outside lower center", ncols=ncols, frameon=False)
