"""In the clinic (issue 14), in Chromium: the QR code of a new link, and the kiosk lock.

The kiosk: the clinician hands the tablet to patient A; the tablet then shows only the
patient's questionnaires — typed addresses, the back button and sign-in all end on
``/kiosk`` — and the page after sending (here: the crisis resources, item 9 endorsed);
only the clinician's password gives it back, on the patient's page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.http.web.browser import (
    PASSWORD,
    SQLITE_ONLY,
    LiveServer,
    PageWatch,
    accessibility_problems,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


def test_a_new_link_is_shown_as_a_qr_code_that_can_be_downloaded(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "ana")
    page.goto(live_server.url(f"/patients/{live_server.world.patient_a}"))
    invite = page.locator("#invite")
    invite.get_by_role("button", name="Create invitation link").click()
    link = invite.get_by_label("Single-use link").input_value()
    code = invite.get_by_role("img", name="QR code of the single-use link")
    code.wait_for()
    box = code.bounding_box()
    assert box["width"] >= 120  # large enough to scan from a screen
    assert accessibility_problems(page) == []
    screenshot(page, "invitation-qr")
    with page.expect_download() as download:
        invite.get_by_role("link", name="Download the QR code (SVG)").click()
    saved = download.value
    assert saved.suggested_filename == "self-report-link-qr.svg"
    svg = Path(saved.path()).read_text(encoding="utf-8")
    assert svg.startswith(("<?xml", "<svg"))
    assert "<script" not in svg
    assert link.startswith(live_server.base_url + "/self-report/inv_")


def test_a_tablet_handed_to_the_patient_is_locked_to_their_questionnaires(
    browser: Any, live_server: LiveServer, page_watch: PageWatch
) -> None:
    world = live_server.world
    page_watch.allow("status of 401")  # the wrong password
    context = browser.new_context(viewport={"width": 820, "height": 1180})  # a tablet
    tablet = context.new_page()
    page_watch.attach(tablet)
    try:
        sign_in(tablet, live_server, "ana")
        patient_page = live_server.url(f"/patients/{world.patient_a}")
        tablet.goto(patient_page)
        tablet.get_by_role("button", name="Hand this device to the patient").click()
        tablet.wait_for_url("**/kiosk")
        assert tablet.evaluate("document.documentElement.lang") == "es"
        assert "Synthetic Alma" not in tablet.inner_text("body")
        assert tablet.get_by_role("link").count() == 1  # the skip link; nowhere to go
        assert accessibility_problems(tablet) == []
        screenshot(tablet, "kiosk-form")

        # the lock: the back button, typed addresses, sign-in — all end on the kiosk
        tablet.go_back()
        tablet.wait_for_load_state()
        assert tablet.url.endswith("/kiosk")
        for path in (
            f"/patients/{world.patient_a}",
            f"/patients/{world.patient_b}",
            "/caseload",
            "/login",
            "/api/v1/patients",
        ):
            tablet.goto(live_server.url(path))
            assert tablet.url == live_server.url("/kiosk"), path
        assert "Synthetic" not in tablet.inner_text("body").replace("SYNTHETIC", "")

        # the patient answers (item 9 endorsed) and reads the crisis resources
        for fieldset in tablet.locator("fieldset.question").all():
            fieldset.locator("input[type=radio]").first.check()
        tablet.locator("#a-phq9-phq9_9-1").check()
        tablet.get_by_role("button", name="Enviar mis respuestas").click()
        tablet.wait_for_url("**/kiosk/done")
        assert tablet.get_by_role("heading", level=1).inner_text() == "Si necesita ayuda ahora"
        assert "Su terapeuta verá sus respuestas" in tablet.inner_text("body")
        assert accessibility_problems(tablet) == []
        screenshot(tablet, "kiosk-done-crisis")
        tablet.go_back()  # back to the sent form: the page after it again, nothing re-sent
        tablet.wait_for_load_state()
        assert tablet.url.endswith("/kiosk/done")

        # only the clinician's password gives the tablet back
        tablet.get_by_label("Contraseña del terapeuta").fill("not the password")
        tablet.get_by_role("button", name="Volver a la vista del terapeuta").click()
        alert = tablet.locator("#kiosk-exit-error")
        alert.wait_for()
        assert "La contraseña no es correcta" in alert.inner_text()
        tablet.goto(patient_page)
        assert tablet.url == live_server.url("/kiosk/done")
        tablet.get_by_label("Contraseña del terapeuta").fill(PASSWORD)
        tablet.get_by_role("button", name="Volver a la vista del terapeuta").click()
        tablet.wait_for_url(patient_page)
        assert tablet.locator("#risk-panel").is_visible()  # the clinician sees it at once
        screenshot(tablet, "kiosk-returned")
    finally:
        context.close()
    assert page_watch.problems == []
