"""Charts a clinician reads at a glance (issue 16): the whole scale, the red limit drawn,
bands told apart, gaps at missed sessions, text of 12 px or more — in the SVG the page and
the PDF share, and in the PDF itself."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from attunement.documents import (
    ExpectedPoint,
    OutcomeChartData,
    OutcomePoint,
    render_chart,
    render_pdf,
)
from tests.documents.conftest import assert_not_blank, rasterise

SVG = "{http://www.w3.org/2000/svg}"

#: PHQ-9 at sessions 1, 2 and 4 (3 missed), reaching the top of the scale, with an expected
#: band and a reliable-change band that overlap and run past 27 before clipping.
DATA = OutcomeChartData(
    instrument="PHQ-9",
    points=(
        OutcomePoint(session=1, value=22),
        OutcomePoint(session=2, value=25),
        OutcomePoint(session=4, value=27, risk=True),
    ),
    expected=tuple(
        ExpectedPoint(session=s, value=v, low=v - 3, high=min(v + 6, 30))
        for s, v in ((1, 22), (2, 20), (3, 19), (4, 18))
    ),
    cutoff=10,
    reliable_change=6,
    red_limit=26.5,
    scale_min=0,
    scale_max=27,
    digits=0,
)


@pytest.fixture(scope="module")
def charts() -> dict[str, ET.Element]:
    return {
        layout: ET.fromstring(render_chart(DATA, chart_id="c", layout=layout).svg)
        for layout in ("wide", "narrow")
    }


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def test_the_axis_runs_to_the_top_of_the_scale_with_27_labelled(
    charts: dict[str, ET.Element],
) -> None:
    for root in charts.values():
        assert "27" in _texts(root)


def test_the_red_limit_is_drawn_and_named_and_bands_are_told_apart_in_the_legend(
    charts: dict[str, ET.Element],
) -> None:
    for root in charts.values():
        texts = " ".join(_texts(root))
        assert "Red alert limit (26)" in texts or "Red alert limit (27)" in texts
        assert "No reliable change from intake (±6)" in texts
        assert "Expected range" in texts


def test_the_observed_line_breaks_at_the_missed_session(charts: dict[str, ET.Element]) -> None:
    for root in charts.values():
        group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "c-observed-line")
        path = next(group.iter(f"{SVG}path")).get("d", "")
        assert len(re.findall(r"M\s", path)) == 2, path  # two pieces: 1–2, then 4


def test_text_is_at_least_12_px_when_the_chart_fills_its_box(
    charts: dict[str, ET.Element],
) -> None:
    """Wide: a 1280 px desktop shows it about 475 px wide; narrow: a 375 px phone about 310."""
    for layout, shown in (("wide", 475), ("narrow", 310)):
        root = charts[layout]
        view_width = float(root.get("viewBox", "0 0 1 1").split()[2])
        sizes = [float(t.get("font-size", "0").removesuffix("px")) for t in root.iter(f"{SVG}text")]
        assert min(sizes) * shown / view_width >= 12, (layout, min(sizes), view_width)


def test_the_pdf_prints_the_chart_with_its_full_range_and_red_limit(tmp_path: Path) -> None:
    chart = render_chart(DATA, chart_id="outcome")
    html = (
        '<!doctype html><html lang="en"><head><title>Chart</title></head>'
        f"<body><h1>Chart</h1>{chart.svg}</body></html>"
    )
    pdf = tmp_path / "chart.pdf"
    pdf.write_bytes(render_pdf(html))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"^\s*27\b", text, re.MULTILINE)
    assert "Red alert limit" in text
    assert "Expected range" in text
    for page in rasterise(pdf, tmp_path):
        assert_not_blank(page)
