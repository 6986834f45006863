"""The risk lifecycle in a real browser: an endorsed item 9 opens a risk event that stays
pinned (caseload and patient page) through a calm session until the clinician records a
structured risk response; the event then reads as history, and a new endorsement opens a
new event. Also the intake questionnaire and a patient's self-report (synthetic patients)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from attunement.services import InvitationCreate, invite_patient
from tests.http.web.browser import (
    SQLITE_ONLY,
    LiveServer,
    PageWatch,
    accessibility_problems,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

ITEM9_2 = ["2", "2", "1", "1", "1", "1", "1", "1", "2"]
CALM = ["2", "2", "1", "1", "1", "1", "1", "1", "0"]
ITEM9_1 = ["1", "1", "1", "1", "1", "1", "1", "1", "1"]
INSTRUCTION = "assess suicide risk today"


def _session(page: Any, server: LiveServer, answers: list[str]) -> None:
    """Enter a PHQ-9 at the next session through the session form."""
    page.goto(server.url(f"/patients/{server.world.patient_a}/session?instrument=phq9"))
    for number, answer in enumerate(answers, start=1):
        page.locator(f"#n-phq9-phq9_{number}").fill(answer)
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url(f"**/patients/{server.world.patient_a}?saved=session")


def _first_row(page: Any, server: LiveServer) -> dict[str, str]:
    page.goto(server.url("/caseload"))
    row: dict[str, str] = page.eval_on_selector(
        "table.caseload tbody tr",
        """r => ({name: r.querySelector('a.row-link').textContent.trim(), risk: r.dataset.risk,
                 badge: r.querySelector('td[data-label=Status]').textContent.trim()})""",
    )
    return row


def test_the_whole_risk_lifecycle_in_the_browser(
    page: Any, page_watch: PageWatch, live_server: LiveServer
) -> None:
    page_watch.allow("status of 422")
    sign_in(page, live_server, "ana")
    _session(page, live_server, ITEM9_2)
    panel = page.locator("#risk-panel")
    expect(panel).to_be_visible()
    assert "Open risk event: PHQ-9 item 9 endorsed (answer 2) at session 1" in panel.inner_text()
    assert INSTRUCTION in panel.inner_text()
    row = _first_row(page, live_server)
    assert (row["name"], row["risk"]) == ("Synthetic Alma", "yes")
    assert "Open risk event" in row["badge"]
    screenshot(page, "risk-caseload-pinned")

    # a calm session does not close the event
    _session(page, live_server, CALM)
    panel = page.locator("#risk-panel")
    expect(panel).to_be_visible()
    assert "at session 1" in panel.inner_text()
    assert _first_row(page, live_server)["risk"] == "yes"

    # "No action taken" without a reason: refused, the field named as labelled
    page.goto(live_server.url(f"/patients/{live_server.world.patient_a}"))
    form = page.locator("#risk-panel form")
    form.get_by_label("No current concern after assessment").check()
    form.get_by_label("No action taken", exact=True).check()
    form.get_by_label("Note").fill("Synthetic note: answered about sleep.")
    assert accessibility_problems(page) == []
    screenshot(page, "risk-panel-form")
    form.get_by_role("button", name="Record risk response").click()
    summary = page.locator("#risk-panel #error-summary")
    expect(summary).to_be_visible()
    assert "Reason: required — a reason when the action is “No action taken”." in (
        summary.inner_text()
    )
    form = page.locator("#risk-panel form")
    assert form.get_by_label("Reason").get_attribute("aria-invalid") == "true"
    assert form.get_by_label("Note").input_value() == "Synthetic note: answered about sleep."
    assert form.get_by_label("No action taken", exact=True).is_checked()
    assert accessibility_problems(page) == []
    screenshot(page, "risk-panel-error")

    # then properly: the event becomes history, the pin is gone
    form.get_by_label("Reason").fill("Synthetic reason: the answer was about sleep, not self-harm.")
    form.get_by_role("button", name="Record risk response").click()
    page.wait_for_url(f"**/patients/{live_server.world.patient_a}?saved=risk")
    assert page.locator("#risk-panel").count() == 0
    history = page.locator("#risk-history")
    text = history.inner_text()
    assert "Risk history: PHQ-9 item 9 endorsed (answer 2) at session 1" in text
    assert "No current concern after assessment; No action taken (reason: Synthetic reason" in text
    assert INSTRUCTION not in page.inner_text("main")
    assert accessibility_problems(page) == []
    screenshot(page, "risk-history")
    assert _first_row(page, live_server)["risk"] == "no"

    # a new endorsement opens a new event; the old one stays history
    _session(page, live_server, ITEM9_1)
    panel = page.locator("#risk-panel")
    expect(panel).to_be_visible()
    assert "endorsed (answer 1) at session 3" in panel.inner_text()
    assert "session 1" not in panel.inner_text()
    assert "at session 1" in page.locator("#risk-history").inner_text()
    assert _first_row(page, live_server)["risk"] == "yes"


def test_an_intake_questionnaire_with_item_9_points_to_the_risk_panel(
    page: Any, live_server: LiveServer
) -> None:
    world = live_server.world
    sign_in(page, live_server, "ana")
    page.goto(live_server.url(f"/patients/{world.patient_a}/intake/questionnaires/phq9"))
    for number, answer in enumerate(ITEM9_2, start=1):
        page.locator(f"#a-phq9-phq9_{number}-{answer}").check()
    page.get_by_role("button", name="Score and add to profile").click()
    page.wait_for_url("**/intake?saved=risk")
    notice = page.locator("#risk-notice")
    expect(notice).to_be_visible()
    assert "an open risk event was recorded" in notice.inner_text()
    assert "at the intake questionnaire" in notice.inner_text()
    assert accessibility_problems(page) == []
    screenshot(page, "risk-intake-notice")
    notice.get_by_role("link", name="Go to the risk panel on the patient page").click()
    page.wait_for_url(f"**/patients/{world.patient_a}#risk-panel")
    expect(page.locator("#risk-panel")).to_be_visible()
    assert _first_row(page, live_server)["risk"] == "yes"


def test_a_self_report_with_item_9_pins_the_patient_for_the_clinician(
    page: Any, phone_page: Any, live_server: LiveServer
) -> None:
    world = live_server.world
    link = invite_patient(live_server.context, world.ana, world.episode_a, InvitationCreate())
    phone_page.goto(live_server.url(link.url_path))
    for number, answer in enumerate(ITEM9_1, start=1):
        phone_page.locator(f"#a-phq9-phq9_{number}-{answer}").check()
    for extra in phone_page.locator("fieldset.question").all()[9:]:
        extra.locator("input[type=radio]").first.check()  # the WAI-SR, if it was invited too
    phone_page.get_by_role("button", name="Enviar mis respuestas").tap()
    phone_page.wait_for_url("**/self-report/*/done")
    # the patient reads the clinic's crisis resources, in Spanish, and no clinical wording
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Si necesita ayuda ahora"
    assert "riesgo" not in phone_page.inner_text("body")
    sign_in(page, live_server, "ana")
    row = _first_row(page, live_server)
    assert (row["name"], row["risk"]) == ("Synthetic Alma", "yes")
    page.goto(live_server.url(f"/patients/{world.patient_a}"))
    panel = page.locator("#risk-panel").inner_text()
    assert "PHQ-9 item 9 endorsed (answer 1)" in panel
    assert INSTRUCTION in panel  # in the clinic's language, though answered in Spanish
