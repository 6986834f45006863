"""The one chart builder: matplotlib, rendered to SVG for pages and documents, PNG on request.

Why matplotlib to SVG (and not a browser charting library such as Vega-Lite):

- **One renderer, one look.** The web page and the PDF embed the very same SVG text, so a
  chart cannot differ between the screen, the print-out and the archived report. WeasyPrint
  renders the SVG into the PDF as vectors.
- **No JavaScript.** The web app's Content-Security-Policy forbids inline scripts and the
  app ships no JS bundle; a static SVG needs neither. Interactivity is what SVG gives
  natively: each point, cell and bar carries a ``<title>`` that browsers show as a tooltip.
- **Accessible.** The root ``<svg>`` has ``role="img"`` and is labelled by a ``<title>`` and
  a ``<desc>`` that states the numbers in words; text stays text (``svg.fonttype = none``),
  so a screen reader, a search and the PDF's text layer all see it.
- **CSP-safe.** Styles are written as SVG presentation attributes (``fill="…"``), never
  ``style=""`` or ``<style>``, so the page's Content-Security-Policy has nothing to refuse.
- **Deterministic.** Same data, same bytes: ``svg.hashsalt`` is fixed, the SVG carries no
  date and no matplotlib metadata, and ids are prefixed with the chart id so several charts
  can sit on one page. Tests can compare output exactly.

Rendering uses matplotlib's object API on the Agg canvas explicitly (``FigureCanvasAgg``),
never ``pyplot`` (no global figure state, no GUI backend). ``rcParams`` are process-global,
so a lock serialises rendering; a chart takes tens of milliseconds.
"""

from __future__ import annotations

import io
import re
import threading
import xml.etree.ElementTree as ET
from typing import Any, Literal

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from attunement.documents._chart_clinic import draw_distribution, draw_severity
from attunement.documents._chart_data import (
    AllianceChartData,
    ChartData,
    ItemHeatStripData,
    OutcomeChartData,
    OutcomeDistributionData,
    RecoveryBySeverityData,
)
from attunement.documents._chart_patient import (
    describe_alliance,
    describe_heat_strip,
    describe_outcome,
    draw_alliance,
    draw_heat_strip,
    draw_outcome,
)
from attunement.documents._chart_style import Drawn

__all__ = ["RENDERER", "Chart", "describe_chart", "render_chart", "render_png", "render_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("xlink", XLINK_NS)

_RC: dict[Any, Any] = {
    "svg.hashsalt": "attunement-charts",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.titleweight": "bold",
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "hatch.linewidth": 0.8,
}
_LOCK = threading.Lock()
#: What draws the charts; a stored drawing made by another renderer is drawn again
#: (bump the suffix when a drawing function's output changes).
RENDERER = f"matplotlib {matplotlib.__version__}; attunement charts 2"
_SIZES: dict[type[Any], tuple[float, float]] = {
    OutcomeChartData: (6.5, 4.4),
    AllianceChartData: (6.5, 3.3),
    ItemHeatStripData: (6.5, 3.0),
    OutcomeDistributionData: (8.0, 3.4),
    RecoveryBySeverityData: (8.0, 4.2),
}
#: The phone layout: a narrow figure with the same type sizes, so a chart shown about
#: 310 px wide on a 375 px screen keeps its text at 12 px or more (12 pt x 310 / 288).
_NARROW_SIZES: dict[type[Any], tuple[float, float]] = {
    OutcomeChartData: (4.0, 5.6),
    AllianceChartData: (4.0, 4.0),
    ItemHeatStripData: (4.0, 4.2),
    OutcomeDistributionData: (4.0, 3.8),
    RecoveryBySeverityData: (4.0, 4.8),
}
#: ``wide`` (pages on a desktop, documents) or ``narrow`` (phones).
Layout = Literal["wide", "narrow"]
_URL = re.compile(r"url\(#([^)]+)\)")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
#: SVG presentation attributes matplotlib's output uses (SVG 2 §6.6).
_PRESENTATION = frozenset(
    {
        "clip-path",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
    }
)


class Chart:
    """A rendered chart: its SVG text plus the accessible title and description."""

    __slots__ = ("chart_id", "description", "svg", "title")

    def __init__(self, chart_id: str, title: str, description: str, svg: str) -> None:
        self.chart_id = chart_id
        self.title = title
        self.description = description
        self.svg = svg

    def __html__(self) -> str:
        """Jinja2 inserts the SVG unescaped (it is our own, escaped by ElementTree)."""
        return self.svg


def _draw(figure: Figure, data: ChartData, language: str) -> Drawn:
    if isinstance(data, OutcomeChartData):
        return draw_outcome(figure, data, language)
    if isinstance(data, AllianceChartData):
        return draw_alliance(figure, data, language)
    if isinstance(data, ItemHeatStripData):
        return draw_heat_strip(figure, data, language)
    if isinstance(data, OutcomeDistributionData):
        return draw_distribution(figure, data, language)
    return draw_severity(figure, data, language)


def _figure(data: ChartData, language: str, layout: Layout = "wide") -> tuple[Figure, Drawn]:
    sizes = _NARROW_SIZES if layout == "narrow" else _SIZES
    figure = Figure(figsize=sizes[type(data)], layout="constrained")
    FigureCanvasAgg(figure)  # the Agg canvas, explicitly: no GUI backend, no pyplot state
    drawn = _draw(figure, data, language)
    if layout == "narrow" and figure.legends:  # one legend entry per line
        for old in list(figure.legends):
            old.remove()
        figure.legend(loc="outside lower center", ncols=1, frameon=False)
    return figure, drawn


def render_chart(
    data: ChartData, *, language: str = "en", chart_id: str = "chart", layout: Layout = "wide"
) -> Chart:
    """Render ``data`` to an accessible, deterministic SVG :class:`Chart`.

    ``chart_id`` must be unique on the page the chart goes into (it prefixes every SVG id);
    ``layout="narrow"`` draws the same chart for a phone (same series, same type sizes).
    """
    with _LOCK, matplotlib.rc_context(_RC):
        figure, drawn = _figure(data, language, layout)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _accessible(buffer.getvalue(), chart_id, drawn)
    return Chart(chart_id, drawn.title, drawn.description, svg)


def describe_chart(
    data: OutcomeChartData | AllianceChartData | ItemHeatStripData, *, language: str = "en"
) -> tuple[str, str]:
    """The title and the description in words of the chart of ``data``, as its SVG carries
    them, without drawing it (cheap: no matplotlib)."""
    if isinstance(data, OutcomeChartData):
        drawn = describe_outcome(data, language)
    elif isinstance(data, ItemHeatStripData):
        drawn = describe_heat_strip(data, language)
    else:
        drawn = describe_alliance(data, language)
    return drawn.title, drawn.description


def render_svg(data: ChartData, *, language: str = "en", chart_id: str = "chart") -> str:
    """The SVG text of :func:`render_chart`."""
    return render_chart(data, language=language, chart_id=chart_id).svg


def render_png(
    data: ChartData, *, language: str = "en", dpi: int = 150, layout: Layout = "wide"
) -> bytes:
    """The same chart as a PNG (for e-mail or slides); no timestamp in the file."""
    with _LOCK, matplotlib.rc_context(_RC):
        figure, _ = _figure(data, language, layout)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _prefix_ids(root: ET.Element, chart_id: str) -> None:
    renamed: dict[str, str] = {}
    for element in root.iter():
        old = element.get("id")
        if old is not None:
            renamed[old] = f"{chart_id}-{old}"
            element.set("id", renamed[old])

    def fix(value: str) -> str:
        value = _URL.sub(lambda m: f"url(#{renamed.get(m.group(1), m.group(1))})", value)
        if value.startswith("#") and value[1:] in renamed:
            value = "#" + renamed[value[1:]]
        return value

    for element in root.iter():
        for name, value in element.attrib.items():
            if name != "id" and ("#" in value):
                element.set(name, fix(value))
        if element.tag == f"{{{SVG_NS}}}style" and element.text:
            element.text = fix(element.text)


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = (part.partition(":") for part in css.split(";"))
    return [(n.strip().lower(), v.strip()) for n, sep, v in pairs if sep and n.strip()]


def _presentation_attributes(root: ET.Element) -> None:
    """Move CSS (``style=""`` and ``<style>``) into SVG presentation attributes.

    The same rendering (SVG 2 §6.6), but nothing a Content-Security-Policy without
    ``'unsafe-inline'`` refuses, and nothing WeasyPrint's HTML stylesheet parser trips on.
    """
    for defs in root.iter(f"{{{SVG_NS}}}defs"):
        for style in defs.findall(f"{{{SVG_NS}}}style"):
            for selector, body in _RULE.findall(style.text or ""):
                if selector.strip() in {"*", "svg"}:
                    for name, value in _declarations(body):
                        root.attrib.setdefault(name, value)
            defs.remove(style)
    for element in root.iter():
        inline = element.attrib.pop("style", None)
        if not inline:
            continue
        rest = []
        for name, value in _declarations(inline):
            if name in _PRESENTATION:
                element.set(name, value)
            else:
                rest.append(f"{name}: {value}")
        if rest:
            element.set("style", "; ".join(rest))


def _accessible(svg: str, chart_id: str, drawn: Drawn) -> str:
    root = ET.fromstring(svg)  # noqa: S314  (our own matplotlib output, not user input)
    for metadata in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(metadata)
    _presentation_attributes(root)
    tooltips = {f"{chart_id}-{gid}": tip for gid, tip in drawn.tooltips.items()}
    _prefix_ids(root, chart_id)
    for element in root.iter():
        tip = tooltips.get(element.get("id", ""))
        if tip is not None:
            title = ET.Element(f"{{{SVG_NS}}}title")
            title.text = tip
            element.insert(0, title)
    title = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{chart_id}-title"})
    title.text = drawn.title
    desc = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{chart_id}-desc"})
    desc.text = drawn.description
    root.insert(0, desc)
    root.insert(0, title)
    root.set("id", chart_id)
    root.set("class", "chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")
