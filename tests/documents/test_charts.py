"""The chart builder: deterministic, accessible SVG with tooltips; PNG that is not blank."""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from attunement.documents import (
    AllianceChartData,
    AlliancePoint,
    CategoryCounts,
    ExpectedPoint,
    ItemHeatStripData,
    OutcomeChartData,
    OutcomeDistributionData,
    OutcomePoint,
    RecoveryBySeverityData,
    SeverityGroup,
    render_chart,
    render_png,
    render_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def outcome_data(*, risk_at: int | None = 3) -> OutcomeChartData:
    values = [19, 17, 18, 14, None, 11, 10, 8]
    points = tuple(
        OutcomePoint(session=i, value=v, risk=(i == risk_at)) for i, v in enumerate(values, 1)
    )
    expected = tuple(
        ExpectedPoint(
            session=i,
            value=19 - 3.5 * math.log(i),
            low=19 - 3.5 * math.log(i) - 4,
            high=19 - 3.5 * math.log(i) + 4,
        )
        for i in range(1, 11)
    )
    return OutcomeChartData(
        instrument="PHQ-9",
        points=points,
        expected=expected,
        expected_method="rational",
        cutoff=10,
        reliable_change=6,
        scale_min=0,
        scale_max=27,
    )


def every_chart() -> list[object]:
    counts = CategoryCounts(recovered=10, improved=6, unchanged=8, deteriorated=2, insufficient=3)
    return [
        outcome_data(),
        AllianceChartData(
            instrument="WAI-SR",
            points=tuple(
                AlliancePoint(session=i, value=v) for i, v in enumerate([3.2, 3.8, None, 4.2], 1)
            ),
            threshold=3.5,
            threshold_note="assumption",
            scale_min=1,
            scale_max=5,
        ),
        ItemHeatStripData(
            instrument="PHQ-9",
            items=tuple(str(i) for i in range(1, 10)),
            sessions=(6, 7, 8),
            values=((1, 2, 3, 0, 1, 2, None, 1, 1), (0,) * 9, (3,) * 9),
            answer_max=3,
            risk_items=("9",),
        ),
        OutcomeDistributionData(counts=counts),
        RecoveryBySeverityData(
            instrument="PHQ-9",
            groups=(
                SeverityGroup(band="mild", counts=CategoryCounts(recovered=3, unchanged=1)),
                SeverityGroup(band="moderately severe", counts=counts),
            ),
        ),
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize("data", every_chart(), ids=lambda d: type(d).__name__)
def test_every_chart_renders_the_same_bytes_twice(data: object) -> None:
    assert render_svg(data, chart_id="c") == render_svg(data, chart_id="c")  # type: ignore[arg-type]


@pytest.mark.parametrize("data", every_chart(), ids=lambda d: type(d).__name__)
def test_every_chart_is_an_accessible_image_with_title_and_description(data: object) -> None:
    chart = render_chart(data, chart_id="c")  # type: ignore[arg-type]
    root = parse(chart.svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == chart.title
    assert root[1].tag == f"{SVG}desc"
    assert root[1].text == chart.description
    assert chart.description.strip()


@pytest.mark.parametrize("data", every_chart(), ids=lambda d: type(d).__name__)
def test_svg_has_no_script_no_date_and_no_matplotlib_metadata(data: object) -> None:
    svg = render_svg(data)  # type: ignore[arg-type]
    assert "<script" not in svg
    assert "<metadata" not in svg
    assert "dc:date" not in svg
    assert "onmouseover" not in svg


@pytest.mark.parametrize("data", every_chart(), ids=lambda d: type(d).__name__)
def test_svg_needs_no_inline_style_so_a_strict_csp_renders_it(data: object) -> None:
    svg = render_svg(data)  # type: ignore[arg-type]
    assert "style=" not in svg
    assert "<style" not in svg
    assert 'fill="' in svg


def test_outcome_chart_gives_every_session_a_tooltip_with_its_value() -> None:
    root = parse(render_svg(outcome_data(), chart_id="o"))
    tips = {
        g.get("id"): g.find(f"{SVG}title").text  # type: ignore[union-attr]
        for g in root.iter(f"{SVG}g")
        if g.get("id", "").startswith("o-pt-")
    }
    assert tips["o-pt-1"].startswith("Session 1: 19")
    assert "Risk item endorsed" in tips["o-pt-3"]
    assert tips["o-pt-5"] == "Session 5: not scorable"
    assert len(tips) == 8


def test_outcome_chart_draws_cutoff_band_and_expected_range_in_its_legend() -> None:
    svg = render_svg(outcome_data())
    for label in ("Clinical cut-off (10)", "No reliable change from intake (±6)", "Expected range"):
        assert label in svg


def test_outcome_chart_labels_are_in_spanish_for_a_spanish_speaking_patient() -> None:
    svg = render_svg(outcome_data(), language="es")
    assert "Sesión" in svg
    assert "Punto de corte clínico" in svg
    assert "Session" not in svg


def test_two_charts_on_one_page_share_no_svg_ids() -> None:
    first = parse(render_svg(outcome_data(), chart_id="a"))
    second = parse(render_svg(outcome_data(), chart_id="b"))
    ids_a = {e.get("id") for e in first.iter() if e.get("id")}
    ids_b = {e.get("id") for e in second.iter() if e.get("id")}
    assert ids_a
    assert ids_b
    assert not ids_a & ids_b
    assert all(i.startswith("a") for i in ids_a)


def test_every_internal_reference_points_at_an_id_that_exists() -> None:
    svg = render_svg(every_chart()[3], chart_id="d")  # type: ignore[arg-type]
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    references = set(re.findall(r"url\(#([^)]+)\)", svg)) | set(re.findall(r'href="#([^"]+)"', svg))
    assert references <= ids


def test_distribution_chart_tooltips_state_count_and_share_of_assessed() -> None:
    root = parse(render_svg(every_chart()[3], chart_id="d"))  # type: ignore[arg-type]
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "Recovered: 10 (38%)" in titles
    assert "Not enough data: 3" in titles


@pytest.mark.parametrize("data", every_chart(), ids=lambda d: type(d).__name__)
def test_png_rendering_is_not_blank(data: object) -> None:
    png = render_png(data, dpi=60)  # type: ignore[arg-type]
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    assert pixels.std() > 10
    assert (pixels < 128).mean() > 0.005


def test_expected_point_refuses_a_band_that_does_not_contain_its_value() -> None:
    with pytest.raises(ValidationError, match="must contain"):
        ExpectedPoint(session=2, value=10, low=11, high=14)


def test_heat_strip_refuses_rows_that_do_not_match_the_items() -> None:
    with pytest.raises(ValidationError, match="one value per item"):
        ItemHeatStripData(
            instrument="PHQ-9", items=("1", "2"), sessions=(1,), values=((1,),), answer_max=3
        )


# A NaN or infinite number (an older stored record may hold one) is a gap, never a failed
# report (issue 13): it becomes None in the chart data, is drawn as a gap and written as
# "not scorable" or "–".


def test_a_nan_anywhere_in_the_outcome_chart_is_a_gap_and_the_chart_renders() -> None:
    nan = math.nan
    data = OutcomeChartData(
        instrument="PHQ-9",
        points=(
            OutcomePoint(session=1, value=18),
            OutcomePoint(session=2, value=nan),
            OutcomePoint(session=3, value=math.inf),
        ),
        cutoff=nan,
        reliable_change=nan,
        scale_min=0,
        scale_max=27,
    )
    assert [p.value for p in data.points] == [18, None, None]
    assert (data.cutoff, data.reliable_change) == (None, None)
    chart = render_chart(data)
    assert chart.description == "Session 1: 18; Session 2: not scorable; Session 3: not scorable"
    assert not re.search(r"\bnan\b", chart.svg, re.IGNORECASE)


def test_a_nan_in_the_alliance_chart_and_heat_strip_is_written_as_missing() -> None:
    alliance = AllianceChartData(
        instrument="WAI-SR",
        points=(AlliancePoint(session=1, value=math.nan), AlliancePoint(session=2, value=3.5)),
        threshold=math.nan,
        scale_min=1,
        scale_max=5,
    )
    assert alliance.threshold is None
    assert render_chart(alliance).description == "Session 1: not scorable; Session 2: 3.5"
    strip = ItemHeatStripData(
        instrument="PHQ-9",
        items=("1", "2"),
        sessions=(1,),
        values=((math.nan, 2.0),),
        answer_max=3,
    )
    assert strip.values == ((None, 2.0),)
    assert "item 1: not scorable" in render_chart(strip).description


def test_an_expected_band_with_a_nan_is_left_out_of_the_chart_not_a_failure() -> None:
    from attunement.documents import expected_points
    from attunement.monitoring import Series, SessionPoint, assess_episode

    points = tuple(SessionPoint(session=i + 1, value=v) for i, v in enumerate((20, 17, 15)))
    status = assess_episode(Series(instrument="phq9", scale="total", points=points))
    assert status.trajectory
    broken = status.model_copy(
        update={
            "trajectory": (
                status.trajectory[0].model_copy(update={"high": math.nan}),
                *status.trajectory[1:],
            )
        }
    )
    kept = expected_points(broken)
    assert [p.session for p in kept] == [b.session for b in status.trajectory[1:]]
