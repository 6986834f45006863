"""The caseload worklist and the copy button in a real headless Chromium (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from attunement.monitoring import ALERT_LEVELS
from tests.http.web.browser import SQLITE_ONLY, LiveServer, accessibility_problems, sign_in
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
            overdue: r.dataset.overdue,
        }))""",
    )
    return result


def test_the_alert_filter_keeps_the_order_and_lives_in_the_url(
    page: Any, live_server: LiveServer, clinic: dict[str, int]
) -> None:
    sign_in(page, live_server, "ana")
    page.wait_for_url("**/caseload")
    everything = _rows(page)
    page.get_by_label("Alert").select_option("red")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/caseload?alert=red**")
    red = _rows(page)
    assert red
    assert {r["alert"] for r in red} == {"red"}
    assert [r["name"] for r in red] == [r["name"] for r in everything if r["alert"] == "red"]
    page.get_by_label("Alert").select_option("risk")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/caseload?alert=risk**")
    assert {r["risk"] for r in _rows(page)} == {"yes"}
    assert accessibility_problems(page) == []


def test_the_order_is_risk_then_alert_levels_and_overdue_is_marked(
    page: Any, live_server: LiveServer, clinic: dict[str, int]
) -> None:
    sign_in(page, live_server, "ana")
    page.wait_for_url("**/caseload")
    rows = _rows(page)
    risky = [r["risk"] for r in rows]
    assert risky == sorted(risky, key=lambda r: r != "yes")  # open risk events first
    rank = {level: index for index, level in enumerate(ALERT_LEVELS)}
    rest = [r["alert"] for r in rows if r["risk"] == "no"]
    assert rest == sorted(rest, key=rank.__getitem__)
    overdue = page.locator("tr[data-overdue='yes']")
    if overdue.count():  # the seeded scores lie weeks back: marked in words, not colour only
        expect(overdue.first).to_contain_text("overdue since")


def test_a_name_search_posts_and_keeps_the_name_out_of_the_url(
    page: Any, live_server: LiveServer, clinic: dict[str, int]
) -> None:
    sign_in(page, live_server, "ana")
    page.wait_for_url("**/caseload")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url}"))
    page.get_by_label("Find a patient by name").fill("carm")
    expect(page.locator("table.caseload tbody tr")).to_have_count(1)
    assert _rows(page)[0]["name"] == "Synthetic Carmen"
    assert page.url.endswith("/caseload")
    assert not any("carm" in r.lower() for r in requests)  # never in a URL
    assert any(r.startswith("POST ") for r in requests)


def test_copy_session_summary_puts_plain_text_on_the_clipboard(
    page: Any, live_server: LiveServer, clinic: dict[str, int]
) -> None:
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.base_url
    )
    sign_in(page, live_server, "ana")
    page.goto(live_server.url(f"/patients/{clinic['Synthetic Carmen']}"))
    page.get_by_role("button", name="Copy session summary").click()
    expect(page.locator("[data-copy-result]")).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Attunement summary - session ")
    assert "Alert: " in copied
    assert "Open risk" in copied or "OPEN RISK" in copied
