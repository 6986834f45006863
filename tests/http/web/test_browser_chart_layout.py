"""The patient page's charts at a phone's 375 px and a desktop's 1280 px (issue 16): each
chart loads its drawing for that width, nothing runs off the screen, and the smallest chart
text is 12 px or more as shown; the PHQ-9 item heat map is on the page."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    PatientCreate,
    record_administration,
    register_patient,
    start_episode,
)
from tests.http.web.axe import axe_violations
from tests.http.web.browser import SQLITE_ONLY, LiveServer, PageWatch, screenshot, sign_in
from tests.http.web.clinic import phq9
from tests.services.world import START

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

CHARTS = ("#outcome-chart", "#alliance-chart", "#items-chart")
WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def _seed(server: LiveServer) -> int:
    """A synthetic patient at the top of the PHQ-9 (27) with session 3 missed, and WAI-SR."""
    ctx, ana = server.context, server.world.ana
    patient = register_patient(
        ctx, ana, PatientCreate(display_name="Synthetic Iris", preferred_language="en")
    )
    episode = start_episode(
        ctx, ana, patient.id, EpisodeCreate(started_on=START.date(), alliance_instrument="wai_sr")
    )
    for session, total, alliance in ((1, 20, 5), (2, 24, 4), (4, 27, 2)):
        when = START + dt.timedelta(weeks=session - 1)
        item9 = 3 if total == 27 else 1
        for instrument, answers in (("phq9", phq9(total, item9)), ("wai_sr", [alliance] * 12)):
            record_administration(
                ctx,
                ana,
                episode.id,
                AdministrationCreate(
                    instrument=instrument,
                    answers=answers,
                    administered_at=when,
                    session_number=session,
                ),
            )
    return patient.id


def _smallest_text_px(page: Any, image: Any) -> float:
    """The smallest font size of the drawing the image shows, in CSS px as displayed."""
    svg = page.request.get(image.evaluate("img => img.currentSrc")).text()
    root = ET.fromstring(svg)
    view_width = float(root.get("viewBox", "0 0 1 1").split()[2])
    sizes = [
        float(t.get("font-size", "0").removesuffix("px"))
        for t in root.iter("{http://www.w3.org/2000/svg}text")
    ]
    shown = image.evaluate("img => img.getBoundingClientRect().width")
    return min(sizes) * shown / view_width


def test_charts_are_readable_on_a_phone_and_a_desktop(
    browser: Any, live_server: LiveServer
) -> None:
    patient = _seed(live_server)
    for name, viewport in WIDTHS.items():
        watch = PageWatch()
        context = browser.new_context(viewport=viewport, locale="en-GB")
        try:
            page = context.new_page()
            watch.attach(page)
            sign_in(page, live_server, "ana")
            page.goto(live_server.url(f"/patients/{patient}"))
            for selector in CHARTS:
                image = page.locator(selector)
                image.scroll_into_view_if_needed()
                page.wait_for_function(
                    "s => { const i = document.querySelector(s); "
                    "return i.complete && i.naturalWidth > 0; }",
                    arg=selector,
                )
                narrow = image.evaluate("img => img.currentSrc").endswith("-narrow.svg")
                assert narrow == (name == "phone"), (name, selector)
                assert _smallest_text_px(page, image) >= 12, (name, selector)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{name}: the page is {overflow} px wider than the screen"
            numbers = page.locator("#items-chart-numbers").text_content() or ""
            assert "Session 4, item 9: 3" in numbers
            assert axe_violations(page) == []
            screenshot(page, f"patient-charts-{name}")
        finally:
            context.close()
        assert not watch.problems, watch.problems
