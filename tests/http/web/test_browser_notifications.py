"""A patient endorses PHQ-9 item 9 at home; the clinician is told at once (issue 14).

End to end: the clinician creates a link, the patient answers on a phone, the worker's job
e-mails the clinician through a real SMTP server on loopback (saying only that something
urgent waits), every page of the clinician's app shows a red count beside "Notifications",
the notifications page names the patient and links to the pinned risk panel, and "Mark as
seen" clears the count while the risk event stays pinned until a risk response.
"""

from __future__ import annotations

from typing import Any

import pytest

from attunement.delivery import SmtpConfig, SmtpEmailSender
from attunement.services import Channels, NotificationEmailSet, run_next_job, set_notification_email
from tests.http.web.browser import SQLITE_ONLY, LiveServer, accessibility_problems, screenshot
from tests.http.web.test_browser_selfreport import TAPS, _answer, _invite
from tests.support.smtp import smtp_server

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


def test_a_risk_answer_at_home_reaches_the_clinician(
    page: Any, phone_page: Any, live_server: LiveServer
) -> None:
    context, world = live_server.context, live_server.world
    set_notification_email(context, world.ana, NotificationEmailSet(email="ana@example.org"))
    link = _invite(page, live_server)
    badge = page.locator(".mainnav .count-badge")
    assert badge.count() == 0
    phone_page.goto(link)
    _answer(phone_page, TAPS)  # item 9: "Varios días"
    phone_page.get_by_role("button", name="Enviar mis respuestas").tap()
    phone_page.wait_for_url("**/self-report/*/done")

    with smtp_server() as (sink, port):  # the worker's turn: the e-mail, once
        config = SmtpConfig(host="127.0.0.1", port=port, sender="clinic@example.org", timeout=5)
        channels = Channels(public_url=live_server.base_url, email=SmtpEmailSender(config))
        while run_next_job(context, channels, worker="browser-test"):
            pass
    (mail,) = sink.messages
    assert mail["To"] == "ana@example.org"
    assert "urgent" in str(mail["Subject"])
    assert f"{live_server.base_url}/notifications" in sink.bodies()[0]

    page.goto(live_server.url("/caseload"))
    assert badge.inner_text().startswith("1")
    assert "count-badge-risk" in (badge.get_attribute("class") or "")
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_url("**/notifications")
    item = page.locator(".notification.is-risk")
    assert "A risk answer arrived without you present" in item.inner_text()
    assert accessibility_problems(page) == []
    screenshot(page, "notifications")
    item.get_by_role("button", name="Mark as seen").click()
    page.wait_for_url("**/notifications?saved=acknowledged")
    assert badge.count() == 0
    assert "Nothing is waiting." in page.inner_text("main")

    page.goto(live_server.url(f"/patients/{live_server.world.patient_a}"))
    assert page.locator("#risk-panel").is_visible()  # the event stays until a response
