"""Corrections in a real browser (issue 12): a repeated session number is refused with a
link to the edit page (nothing merged); a wrong PHQ-9 is voided from the patient page with
a reason, stays in the history struck through, and the status is recomputed without it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.http.web.browser import (
    SQLITE_ONLY,
    LiveServer,
    PageWatch,
    accessibility_problems,
    sign_in,
)

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

SEVERE = ["3", "3", "3", "3", "3", "3", "3", "2", "0"]  # 23
WRONG = ["0", "0", "0", "0", "0", "0", "0", "0", "0"]  # 0, entered in error


def _session(page: Any, server: LiveServer, number: str, answers: list[str]) -> None:
    page.goto(server.url(f"/patients/{server.world.patient_a}/session?instrument=phq9"))
    page.locator("#f-session").fill(number)
    for item, answer in enumerate(answers, start=1):
        page.locator(f"#n-phq9-phq9_{item}").fill(answer)
    page.get_by_role("button", name="Save session").click()


def test_void_from_the_patient_page_keeps_the_entry_struck_through(
    page: Any, page_watch: PageWatch, live_server: LiveServer
) -> None:
    page_watch.allow("status of 409")
    patient = live_server.world.patient_a
    sign_in(page, live_server, "ana")
    _session(page, live_server, "1", SEVERE)
    page.wait_for_url(f"**/patients/{patient}?saved=session")

    _session(page, live_server, "1", WRONG)  # the same number again: refused, not merged
    notice = page.locator("#session-exists")
    expect(notice).to_be_visible()
    notice.get_by_role("link", name="Edit the recorded session").click()
    page.wait_for_url(f"**/patients/{patient}/sessions/1/edit")
    assert accessibility_problems(page) == []

    _session(page, live_server, "2", WRONG)
    page.wait_for_url(f"**/patients/{patient}?saved=session")
    wrong = page.locator("#history-heading ~ details").first  # newest first
    wrong.locator("summary").click()
    wrong.get_by_label("Reason for voiding").fill("Synthetic: answers of another form")
    wrong.get_by_role("button", name="Void entry").click()
    page.wait_for_url(f"**/patients/{patient}?saved=voided")

    voided = page.locator("details.voided")
    expect(voided).to_have_count(1)
    assert "Voided on" in voided.inner_text()
    assert "Synthetic: answers of another form" in voided.inner_text()
    assert voided.locator("s").count() == 1  # shown struck through
    assert page.locator("details:not(.voided) .void-form").count() == 1  # the live one


def test_a_correction_from_the_patient_page_replaces_the_answers_and_keeps_the_original(
    page: Any, page_watch: PageWatch, live_server: LiveServer
) -> None:
    patient = live_server.world.patient_a
    sign_in(page, live_server, "ana")
    _session(page, live_server, "1", SEVERE)
    page.wait_for_url(f"**/patients/{patient}?saved=session")
    entry = page.locator("#history-heading ~ details").first
    entry.locator("summary").click()
    entry.get_by_role("link", name="Correct these answers").click()
    page.locator("#n-phq9-phq9_1").fill("0")
    page.get_by_label("Reason for the correction").fill("Synthetic: item 1 misread")
    assert accessibility_problems(page) == []
    page.get_by_role("button", name="Save correction").click()
    page.wait_for_url(f"**/patients/{patient}?saved=corrected")
    corrected = page.locator("details.voided")
    expect(corrected).to_have_count(1)
    assert "Corrected on" in corrected.inner_text()
    assert "total 23" in corrected.inner_text()
    live = page.locator("#history-heading ~ details:not(.voided)")
    expect(live).to_have_count(1)
    assert "total 20" in live.inner_text()
