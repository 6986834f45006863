"""A patient completes a Spanish PHQ-9 on a phone; the clinician sees it at once."""

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

# Option labels of the Spanish PHQ-9 (Pfizer form), one tapped per item; item 9 endorsed.
TAPS = [
    "Varios días",
    "Más de la mitad de los días",
    "Varios días",
    "Casi todos los días",
    "Ningún día",
    "Varios días",
    "Varios días",
    "Ningún día",
    "Varios días",
]


def _invite(page: Any, server: LiveServer) -> str:
    """The clinician creates the invitation on the patient's page (htmx) and reads the link."""
    sign_in(page, server, "ana")
    page.goto(server.url(f"/patients/{server.world.patient_a}"))
    invite = page.locator("#invite")
    assert invite.get_by_label("Patient Health Questionnaire-9 (PHQ-9)").is_checked()
    invite.get_by_role("button", name="Create invitation link").click()
    link = invite.get_by_label("Single-use link")
    link.wait_for()
    assert page.url.endswith(f"/patients/{server.world.patient_a}")  # swapped in place
    screenshot(page, "invitation")
    value: str = link.input_value()
    assert "/self-report/inv_" in value
    return value


def _answer(phone: Any, taps: list[str]) -> None:
    for number, label in enumerate(taps, start=1):
        question = phone.locator(f"#q-phq9-phq9_{number}")
        question.get_by_text(label, exact=True).tap()


def test_patient_answers_the_spanish_phq9_on_a_phone_and_the_clinician_sees_it(
    page: Any, phone_page: Any, live_server: LiveServer
) -> None:
    link = _invite(page, live_server)
    phone_page.goto(link)
    assert phone_page.evaluate("document.documentElement.lang") == "es"
    assert phone_page.get_by_role("heading", level=1).inner_text() == (
        "Cuestionarios de su terapeuta"
    )
    first = phone_page.locator("#q-phq9-phq9_1")
    assert "Poco interés o placer en hacer cosas" in first.inner_text()
    assert "No se requiere permiso para reproducir" in phone_page.inner_text("body")
    assert phone_page.get_by_role("link").count() == 1  # the skip link; nothing else to visit
    assert accessibility_problems(phone_page) == []
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    box = first.locator("label").first.bounding_box()
    assert box["height"] >= 44  # touch targets of at least 44 px (WCAG 2.5.5)
    screenshot(phone_page, "selfreport-phone")
    _answer(phone_page, TAPS)
    assert phone_page.locator("#a-phq9-phq9_4-3").is_checked()
    phone_page.get_by_role("button", name="Enviar mis respuestas").tap()
    phone_page.wait_for_url("**/self-report/*/done")
    # item 9 was endorsed: the clinic's crisis resources and who will see the answers
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Si necesita ayuda ahora"
    assert "Su terapeuta verá sus respuestas" in phone_page.inner_text("body")
    assert accessibility_problems(phone_page) == []
    screenshot(phone_page, "selfreport-crisis-phone")

    page.reload()
    history = page.locator("section[aria-labelledby='history-heading']")
    assert "PHQ-9" in history.inner_text()
    history.locator("summary").first.click()
    assert "the patient (self-report link)" in history.inner_text()
    assert "answered in Spanish" in history.inner_text()  # the language by name
    assert page.locator("#risk-panel").is_visible()
    assert "Green · on track" in page.locator("#status-heading + *").inner_text()
    screenshot(page, "patient-after-selfreport")


def test_a_missing_answer_is_asked_for_in_spanish_and_the_link_still_works(
    page: Any, phone_page: Any, live_server: LiveServer, phone_watch: PageWatch
) -> None:
    phone_watch.allow("status of 422")
    link = _invite(page, live_server)
    phone_page.goto(link)
    _answer(phone_page, TAPS[:8])
    phone_page.get_by_role("button", name="Enviar mis respuestas").tap()
    summary = phone_page.locator("#error-summary")
    summary.wait_for()
    assert "Faltan respuestas" in summary.inner_text()
    assert "Por favor, elija una respuesta para la pregunta 9." in summary.inner_text()
    assert phone_page.locator("#a-phq9-phq9_1-1").is_checked()  # earlier answers kept
    screenshot(phone_page, "selfreport-missing-phone")


def test_a_used_link_cannot_be_opened_again(
    browser: Any, page: Any, phone_page: Any, live_server: LiveServer
) -> None:
    link = _invite(page, live_server)
    phone_page.goto(link)
    _answer(phone_page, TAPS)
    phone_page.get_by_role("button", name="Enviar mis respuestas").tap()
    phone_page.wait_for_url("**/self-report/*/done")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        again = context.new_page()
        response = again.goto(link)
        assert response.status == 410
        assert "Este enlace no se puede usar" in again.inner_text("body")
        assert "This link cannot be used" in again.inner_text("body")
    finally:
        context.close()
