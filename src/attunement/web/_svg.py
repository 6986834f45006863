"""Make the chart builder's SVG fit the page's Content-Security-Policy.

The pages are served with ``default-src 'self'``, so the browser refuses inline styles:
every ``style="..."`` attribute and ``<style>`` element inside an SVG placed in the page.
matplotlib writes its colours and strokes exactly that way, and the chart would render
black. SVG presentation attributes (``fill="#fff"``) are not styles and are not blocked
(SVG 2 §6.6, "Presentation attributes"), so each declaration is moved into the attribute
of the same name. Nothing is drawn or recomputed here: the chart is the builder's; this only
changes how the same properties are spelled.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markupsafe import Markup

__all__ = ["csp_safe_svg"]

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", _SVG_NS)
ET.register_namespace("xlink", _XLINK_NS)

#: SVG 2 presentation attributes that matplotlib's output uses (and a few neighbours).
_PRESENTATION = frozenset(
    {
        "clip-path",
        "clip-rule",
        "color",
        "display",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "letter-spacing",
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
        "visibility",
        "white-space",
    }
)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _declarations(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for part in text.split(";"):
        name, sep, value = part.partition(":")
        if sep and name.strip() and value.strip():
            out.append((name.strip().lower(), value.strip()))
    return out


def _apply(element: ET.Element, declarations: list[tuple[str, str]], *, override: bool) -> None:
    for name, value in declarations:
        if name in _PRESENTATION and (override or name not in element.attrib):
            element.set(name, value)


def csp_safe_svg(svg: str) -> Markup:
    """The same SVG with inline styles turned into presentation attributes.

    ``<style>`` rules for ``*`` or ``svg`` become attributes of the root (the properties
    matplotlib puts there, ``stroke-linejoin`` and ``stroke-linecap``, are inherited);
    other selectors are dropped. ``style`` attributes become attributes on their element,
    overriding an attribute of the same name as CSS would.
    """
    root = ET.fromstring(svg)  # noqa: S314  (the chart builder's output, not user input)
    parents = {child: parent for parent in root.iter() for child in parent}
    for style in [e for e in root.iter() if e.tag in (f"{{{_SVG_NS}}}style", "style")]:
        for selector, body in _RULE.findall(style.text or ""):
            if selector.strip() in ("*", "svg"):
                _apply(root, _declarations(body), override=False)
        parents[style].remove(style)
    for element in root.iter():
        inline = element.attrib.pop("style", None)
        if inline:
            _apply(element, _declarations(inline), override=True)
    text = ET.tostring(root, encoding="unicode")
    return Markup(text)  # noqa: S704  (serialised by ElementTree, which escapes text)
