"""The patient page's charts in a real headless Chromium (issue 13): images of their own
routes, drawn once per version of the episode, with the numbers in words beside them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.http.web.browser import (
    SQLITE_ONLY,
    LiveServer,
    accessibility_problems,
    screenshot,
    sign_in,
)
from tests.http.web.clinic import seed_caseload

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


def _loaded(page: Any, selector: str) -> Any:
    image = page.locator(selector)
    expect(image).to_be_visible()
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0, f"{selector} did not load"
    return image


def test_the_patient_page_shows_the_outcome_chart_as_an_image_with_its_numbers(
    page: Any, live_server: LiveServer
) -> None:
    clinic = seed_caseload(live_server.context, live_server.world)
    sign_in(page, live_server, "ana")
    charts: list[str] = []
    page.on(
        "response",
        lambda r: (
            charts.append(f"{r.status} {r.headers.get('content-type')}")
            if "/charts/outcome" in r.url
            else None
        ),
    )
    page.goto(live_server.url(f"/patients/{clinic['Synthetic Farid']}"))
    chart = _loaded(page, "#outcome-chart")
    assert chart.get_attribute("alt") == "PHQ-9 over sessions"
    assert chart.get_attribute("src").endswith("/charts/outcome.svg")
    assert charts == ["200 image/svg+xml"]
    # the numbers the chart shows, in words, for screen readers and a closer look
    numbers = page.locator("#outcome-chart-numbers")
    page.locator("details.chart-data summary").first.click()
    assert "Session 1: 20" in numbers.inner_text()
    assert "Expected" in numbers.inner_text()
    assert accessibility_problems(page) == []
    screenshot(page, "patient-chart-image")
    # a second visit revalidates: the stored drawing is not sent again
    page.reload()
    _loaded(page, "#outcome-chart")
    assert charts == ["200 image/svg+xml", "304 None"]
