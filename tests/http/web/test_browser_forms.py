"""Clinical forms in a real browser (issue 12): a double click saves once, an expired
sign-in loses nothing, Enter never submits a half-filled form, the idle limit is announced,
and the patient's double tap ends on the thank-you page."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from sqlalchemy import update

from attunement.store import Administration, TherapySession, WebSession
from tests.http.web.browser import SQLITE_ONLY, LiveServer, PageWatch, screenshot, sign_in
from tests.http.web.pages import count

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

PHQ9 = ["2", "2", "1", "2", "1", "1", "2", "1", "0"]

#: Click the button now and again 150 ms later, as a hurried hand does (page script, so
#: the second click lands on the same form while the first request is on its way).
TWO_CLICKS = """name => {
  const button = [...document.querySelectorAll('button')]
    .find(b => b.textContent.trim().startsWith(name));
  button.click();
  setTimeout(() => button.click(), 150);
}"""


def _open_session_form(page: Any, server: LiveServer) -> None:
    sign_in(page, server, "ana")
    page.goto(server.url(f"/patients/{server.world.patient_a}/session"))


def _fill(page: Any) -> None:
    for number, answer in enumerate(PHQ9, start=1):
        page.locator(f"#n-phq9-phq9_{number}").fill(answer)
    for number in range(1, 13):
        page.locator(f"#n-wai_sr-wai_sr_{number}").fill("4")


def _posts(page: Any) -> list[str]:
    sent: list[str] = []

    def seen(request: Any) -> None:
        if request.method == "POST":
            sent.append(request.url)

    page.on("request", seen)
    return sent


def _slow_answers(page: Any, pattern: str) -> None:
    """Posts reach the server at once; their answers reach the page 400 ms later (a slow
    connection), so that a second click lands while the first is still on its way."""

    def delayed(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        answer = route.fetch(max_redirects=0)
        time.sleep(0.4)
        try:
            route.fulfill(response=answer)
        except Exception:
            return

    page.route(pattern, delayed)


def _wait_for_path(page: Any, fragment: str) -> None:
    """Wait until the address holds ``fragment`` (navigations replaced by a second click
    abort, so Playwright's navigation waiters cannot be used)."""
    for _ in range(100):
        if fragment in page.url:
            page.wait_for_load_state("networkidle")
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never reached {fragment}: {page.url}")


def test_two_clicks_150_ms_apart_on_save_session_store_it_once(
    page: Any, live_server: LiveServer
) -> None:
    _open_session_form(page, live_server)
    _fill(page)
    posts = _posts(page)
    _slow_answers(page, "**/session")
    page.evaluate(TWO_CLICKS, "Save session")
    _wait_for_path(page, f"/patients/{live_server.world.patient_a}?saved=session")
    assert len(posts) == 2, posts  # both clicks reached the server
    assert count(live_server.context, TherapySession) == 1
    assert count(live_server.context, Administration) == 2  # PHQ-9 and WAI-SR once each
    screenshot(page, "session-saved-once")


def test_an_expired_sign_in_keeps_the_form_and_returns_to_it_filled(
    page: Any, live_server: LiveServer
) -> None:
    _open_session_form(page, live_server)
    _fill(page)
    with live_server.context.sessions.begin() as session:  # 31 minutes pass at the desk
        idle = live_server.context.now() - dt.timedelta(minutes=31)
        session.execute(update(WebSession).values(last_seen_at=idle))
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url("**/login?**")
    assert "What you entered is kept" in page.locator("main").inner_text()
    assert count(live_server.context, TherapySession) == 0
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/patients/{live_server.world.patient_a}/session?**draft=**")
    restored = page.locator("#draft-restored")
    restored.wait_for()
    assert "Your entries were kept" in restored.inner_text()
    assert page.locator("#n-phq9-phq9_4").input_value() == "2"
    assert page.locator("#n-wai_sr-wai_sr_12").input_value() == "4"
    screenshot(page, "session-form-restored")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url(f"**/patients/{live_server.world.patient_a}?saved=session")
    assert count(live_server.context, Administration) == 2


def test_enter_in_a_blank_field_moves_on_and_never_submits(
    page: Any, live_server: LiveServer
) -> None:
    _open_session_form(page, live_server)
    posts = _posts(page)
    first = page.locator("#n-phq9-phq9_1")
    first.fill("2")
    first.press("Enter")
    page.locator("#n-phq9-phq9_2").press("Enter")  # blank, as in the report
    page.wait_for_timeout(300)
    assert posts == []
    assert page.url.endswith("/session")
    assert page.evaluate("document.activeElement.id") == "n-phq9-phq9_3"
    assert count(live_server.context, TherapySession) == 0


def test_the_page_warns_before_the_idle_limit_and_can_stay_signed_in(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "ana")
    page.clock.install()
    page.goto(live_server.url(f"/patients/{live_server.world.patient_a}/session"))
    assert page.locator("body").get_attribute("data-idle-seconds") == "1800"
    page.clock.run_for("28:30")
    warning = page.locator("#idle-warning")
    assert "Your sign-in ends in about 2 minutes" in warning.inner_text()
    screenshot(page, "idle-warning")
    page.get_by_role("button", name="Stay signed in").click()
    warning.wait_for(state="detached")


def test_the_patients_double_tap_on_send_shows_the_thank_you_page(
    page: Any, phone_page: Any, phone_watch: PageWatch, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "ana")
    page.goto(live_server.url(f"/patients/{live_server.world.patient_a}"))
    invite = page.locator("#invite")
    invite.get_by_role("button", name="Create invitation link").click()
    link = invite.get_by_label("Single-use link")
    link.wait_for()
    phone_page.goto(link.input_value())
    for number in range(1, 10):
        phone_page.locator(f"#q-phq9-phq9_{number}").get_by_text("Ningún día", exact=True).tap()
    posts = _posts(phone_page)
    _slow_answers(phone_page, "**/self-report/**")
    phone_page.evaluate(TWO_CLICKS, "Enviar mis respuestas")
    _wait_for_path(phone_page, "/done")
    assert len(posts) == 2, posts
    assert phone_page.get_by_role("heading", name="Gracias").is_visible()
    assert count(live_server.context, Administration) == 1
    screenshot(phone_page, "selfreport-double-tap")
