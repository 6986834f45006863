"""QR codes for self-report links (Segno: pure Python, maintained, no image library).

The code is drawn as an inline SVG of one path (no ``style`` attribute, no script, so the
strict Content-Security-Policy holds) and offered for download as an SVG file in a
``data:`` URI built here, so the link's token never travels to the server a second time
(it is shown once and only its digest is stored).
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from markupsafe import Markup

__all__ = ["LinkQr", "link_qr"]


@dataclass(frozen=True)
class LinkQr:
    """The code for the page (inline SVG) and the same code as a downloadable SVG."""

    svg: Markup
    download: str


def link_qr(link: str, *, title: str) -> LinkQr:
    """A QR code of ``link`` (error correction M: readable with a little damage or glare)."""
    code = segno.make(link, error="m", micro=False)
    inline = code.svg_inline(
        scale=4,
        border=4,
        dark="#000",
        light="#fff",
        title=title,
        svgclass="qr-code",
        lineclass=None,
    )
    download = code.svg_data_uri(scale=10, border=4, dark="#000", light="#fff", title=title)
    # segno escapes the title; the SVG holds only its own elements and attributes
    inline = inline.replace("<svg ", '<svg role="img" ', 1)
    return LinkQr(svg=Markup(inline), download=download)  # noqa: S704
