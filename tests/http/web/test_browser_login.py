"""Signing in and out in a real headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.web.browser import (
    SQLITE_ONLY,
    LiveServer,
    PageWatch,
    accessibility_problems,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


def test_clinician_signs_in_lands_on_caseload_and_signs_out(
    page: Any, live_server: LiveServer
) -> None:
    page.goto(live_server.url("/caseload"))
    assert page.url.endswith("/login?next=%2Fcaseload")
    assert accessibility_problems(page) == []
    screenshot(page, "login")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.keyboard.press("Enter")
    page.wait_for_url("**/caseload")
    assert page.get_by_role("heading", level=1).inner_text() == "Caseload"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.goto(live_server.url("/caseload"))
    assert "/login" in page.url


def test_wrong_password_shows_a_message_and_keeps_the_username(
    page: Any, page_watch: PageWatch, live_server: LiveServer
) -> None:
    page_watch.allow("status of 401")
    sign_in(page, live_server, "ana", "not the password")
    assert (
        page.get_by_role("alert").inner_text().strip() == "The username or password is not right."
    )
    assert page.get_by_label("Username").input_value() == "ana"
