"""End to end in a real headless Chromium: caseload, intake, session entry, patient page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from attunement.monitoring import ALERT_LEVELS
from tests.http.web.browser import (
    SQLITE_ONLY,
    LiveServer,
    PageWatch,
    accessibility_problems,
    screenshot,
    sign_in,
)
from tests.http.web.clinic import seed_caseload

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


@pytest.fixture
def clinic(live_server: LiveServer) -> dict[str, int]:
    return seed_caseload(live_server.context, live_server.world)


def _rows(page: Any) -> list[dict[str, str]]:
    result: list[dict[str, str]] = page.eval_on_selector_all(
        "table.caseload tbody tr",
        """rows => rows.map(r => ({
            name: r.querySelector('a.row-link').textContent.trim(),
            alert: r.dataset.alert,
            risk: r.dataset.risk,
        }))""",
    )
    return result


def test_caseload_pins_open_risk_events_then_red_yellow_green_white(
    page: Any, live_server: LiveServer, clinic: dict[str, int]
) -> None:
    sign_in(page, live_server, "ana")
    page.wait_for_url("**/caseload")
    rows = _rows(page)
    assert rows[0] == {"name": "Synthetic Gael", "alert": "green", "risk": "yes"}
    colours = [r["alert"] for r in rows[1:]]
    # issue 11: an episode nothing can be judged about never sorts below white
    rank = {level: index for index, level in enumerate(ALERT_LEVELS)}
    assert colours == sorted(colours, key=rank.__getitem__)
    assert colours.index("red") < colours.index("yellow")
    assert {"red", "yellow", "green", "white", "not_assessable"} <= set(colours)
    # status is never colour alone: each row says it in words too
    first = page.locator("table.caseload tbody tr").first
    assert "Open risk event" in first.inner_text()
    assert "Green · on track" in first.inner_text()
    assert accessibility_problems(page) == []
    screenshot(page, "caseload")


def test_caseload_search_narrows_the_list_with_htmx(
    page: Any, live_server: LiveServer, clinic: dict[str, int]
) -> None:
    sign_in(page, live_server, "ana")
    page.get_by_label("Find a patient").fill("carm")
    expect(page.locator("table.caseload tbody tr")).to_have_count(1)
    assert _rows(page)[0]["name"] == "Synthetic Carmen"
    assert page.url.endswith("/caseload")  # swapped in place, no navigation


def test_intake_registers_a_patient_and_records_ratings_and_a_strong_preference(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "ana")
    page.get_by_role("link", name="New patient").first.click()
    page.get_by_label("Name").fill("Synthetic Inés")
    page.get_by_label("Record number").fill("I-7")
    page.get_by_label("Preferred language").select_option("es")
    assert accessibility_problems(page) == []
    screenshot(page, "patient-new")
    page.get_by_role("button", name="Register and continue to intake").click()
    page.wait_for_url("**/intake?saved=registered")
    assert "Patient registered" in page.get_by_role("status").inner_text()
    page.get_by_label("Reactance").select_option("high")
    page.get_by_label("Stage of change").select_option("contemplation")
    page.get_by_label("Expects therapy to help").select_option("low")
    row = page.locator("fieldset.pref-row").first
    row.get_by_label("About").select_option("directiveness")
    # htmx swaps the row so the value becomes a choice of the aspect's poles
    row = page.locator("fieldset.pref-row").first
    row.locator("select[name$='.value']").wait_for()
    row.get_by_label("Preference").select_option("client_directed")
    row.get_by_label("Strength").select_option("strong")
    page.get_by_role("button", name="Add a preference").click()
    expect(page.locator("fieldset.pref-row")).to_have_count(2)
    assert accessibility_problems(page) == []
    screenshot(page, "intake")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url("**/intake?saved=1")
    assert page.get_by_label("Reactance").input_value() == "high"
    page.get_by_role("link", name="Synthetic Inés").click()
    profile = page.locator("section[aria-labelledby='profile-heading']").inner_text()
    assert "reactance\nhigh\nclinician rating" in profile.lower()
    assert "client directed (strong)" in profile
    plan = page.locator("section[aria-labelledby='plan-heading']").inner_text()
    assert "Evidence" in plan
    assert accessibility_problems(page) == []
    screenshot(page, "patient-with-plan")


def test_session_entry_refuses_an_invalid_answer_then_records_the_session(
    page: Any, page_watch: PageWatch, live_server: LiveServer
) -> None:
    page_watch.allow("status of 422")
    world = live_server.world
    sign_in(page, live_server, "ana")
    page.goto(live_server.url(f"/patients/{world.patient_a}"))
    page.get_by_role("link", name="Enter session").click()
    page.wait_for_url("**/session")
    for number, answer in enumerate(["2", "2", "1", "2", "1", "1", "2", "1", "5"], start=1):
        page.locator(f"#n-phq9-phq9_{number}").fill(answer)
    for number in range(1, 13):  # the episode's alliance measure: left blank, it is refused
        page.locator(f"#n-wai_sr-wai_sr_{number}").fill("4")
    page.get_by_role("button", name="Save session").click()
    summary = page.locator("#error-summary").inner_text()
    assert "Nothing was saved" in summary
    assert "PHQ-9 item 9: “5” is not an allowed answer; allowed: 0–3" in summary
    assert page.locator("#n-phq9-phq9_9").get_attribute("aria-invalid") == "true"
    assert accessibility_problems(page) == []
    screenshot(page, "session-entry-error")
    page.locator("#n-phq9-phq9_9").fill("0")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url(f"**/patients/{world.patient_a}?saved=session")
    history = page.locator("section[aria-labelledby='history-heading']")
    assert "PHQ-9" in history.inner_text()
    history.locator("summary", has_text="PHQ-9").click()
    assert "Little interest or pleasure in doing things" in history.inner_text()
    assert page.locator("#outcome-chart").count() == 1


def test_patient_page_shows_plan_charts_alerts_and_history(
    page: Any, live_server: LiveServer, clinic: dict[str, int]
) -> None:
    sign_in(page, live_server, "ana")
    page.goto(live_server.url(f"/patients/{clinic['Synthetic Carmen']}"))
    assert "Red · not on track" in page.locator("#status-heading + *").inner_text()
    chart = page.locator("#outcome-chart")
    assert chart.is_visible()
    # the chart is an image of its own route (issue 13), loaded under the page's CSP
    expect(chart).to_have_js_property("complete", True)
    assert chart.evaluate("img => img.naturalWidth") > 0
    assert accessibility_problems(page) == []
    screenshot(page, "patient-red")
    page.goto(live_server.url(f"/patients/{clinic['Synthetic Gael']}"))
    risk = page.locator("#risk-panel")
    assert risk.is_visible()
    # nothing dismisses or collapses it: its only button records the risk response
    assert risk.locator("details").count() == 0
    assert risk.get_by_role("button").all_inner_texts() == ["Record risk response"]
    screenshot(page, "patient-risk")


def test_supervisor_reads_a_supervisees_patient_without_write_controls(
    page: Any, live_server: LiveServer, clinic: dict[str, int]
) -> None:
    sign_in(page, live_server, "sam")
    rows = _rows(page)
    assert rows
    assert rows[0]["risk"] == "yes"
    page.goto(live_server.url(f"/patients/{clinic['Synthetic Carmen']}"))
    assert page.get_by_role("link", name="Enter session").count() == 0
    assert page.locator("#invite").count() == 0


def test_keyboard_user_reaches_the_skip_link_first_and_sees_focus(
    page: Any, live_server: LiveServer, clinic: dict[str, int]
) -> None:
    sign_in(page, live_server, "ana")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("width", [360, 390])
def test_pages_fit_a_phone_screen_without_sideways_scrolling(
    page: Any, live_server: LiveServer, clinic: dict[str, int], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, "ana")
    pages = {"caseload": "/caseload", "patient": f"/patients/{clinic['Synthetic Carmen']}"}
    for name, path in pages.items():
        page.goto(live_server.url(path))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
        screenshot(page, f"{name}-{width}px")
