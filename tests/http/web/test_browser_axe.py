"""axe-core with the WCAG 2.1 AA rules finds nothing on any page (issue 16).

One test per role: each signs in, walks every page reachable by links from its start pages
(one page per route shape, so a caseload of forty patients is not forty visits) at desktop
width, and runs axe on each, with the app's Content-Security-Policy left strict.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from attunement.services import (
    InvitationCreate,
    SelfReportResponse,
    SelfReportSubmission,
    invite_patient,
    open_invitation,
    submit_self_report,
)
from attunement.services.reports import clinic_report_document, patient_report_document
from tests.http.web.axe import axe_violations
from tests.http.web.browser import SQLITE_ONLY, LiveServer, PageWatch, sign_in
from tests.http.web.clinic import seed_caseload

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

#: Links that are not pages: downloads, images, the API, signing out, POST-only actions.
_NOT_PAGES = re.compile(r"^/(static|api|reports|logout|fhir|cds-services)|\.svg$|/(void|reopen)$")
_LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.href)"""


def _shape(path: str) -> str:
    return re.sub(r"/\d+", "/N", path)


def _walk(page: Any, server: LiveServer, start: list[str]) -> list[str]:
    """Visit ``start`` and every same-origin page linked from the pages visited; return
    the violations axe finds (one page per route shape)."""
    origin = urlsplit(server.base_url).netloc
    queue, problems = list(start), list[str]()
    seen: set[str] = set()
    visited: set[str] = set()
    while queue:
        path = queue.pop(0)
        if path in visited or (_shape(path) in seen and path not in start):
            continue
        seen.add(_shape(path))
        visited.add(path)
        response = page.goto(server.url(path))
        assert response is not None, path
        assert response.ok, f"{path}: {response.status}"
        problems += axe_violations(page, path)
        for href in page.evaluate(_LINKS):
            url = urlsplit(href)
            if url.netloc == origin and not _NOT_PAGES.search(url.path):
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    assert len(seen) >= len(start)
    return problems


def test_no_wcag_violations_on_the_clinicians_pages(
    page: Any, page_watch: PageWatch, live_server: LiveServer
) -> None:
    page_watch.allow("status of 422")  # the form sent empty, below
    clinic = seed_caseload(live_server.context, live_server.world)
    page.goto(live_server.url("/login"))
    problems = axe_violations(page, "/login")
    sign_in(page, live_server, "ana")
    patients = [f"/patients/{clinic[name]}" for name in ("Synthetic Carmen", "Synthetic Gael")]
    start = ["/", "/caseload", *patients, f"/patients/{live_server.world.patient_a}"]
    problems += _walk(page, live_server, start)
    # states a walk does not reach: a form sent with errors, an invitation just created
    page.goto(live_server.url("/patients/new"))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    problems += axe_violations(page, "/patients/new with errors")
    page.goto(live_server.url(f"/patients/{live_server.world.patient_a}"))
    page.locator("#invite").get_by_role("button", name="Create invitation link").click()
    page.locator("#invite").get_by_label("Single-use link").wait_for()
    problems += axe_violations(page, "invitation created")
    assert not problems, "\n".join(problems)


def test_no_wcag_violations_on_the_supervisors_and_admins_pages(
    page: Any, live_server: LiveServer
) -> None:
    seed_caseload(live_server.context, live_server.world)
    sign_in(page, live_server, "sam")
    problems = _walk(page, live_server, ["/", "/caseload"])
    page.context.clear_cookies()
    sign_in(page, live_server, "admin")
    problems += _walk(page, live_server, ["/", "/admin"])
    assert not problems, "\n".join(problems)


def test_no_wcag_violations_on_the_patients_pages(
    phone_page: Any, phone_watch: PageWatch, live_server: LiveServer
) -> None:
    phone_watch.allow("status of 422")  # the form sent with nothing answered
    world = live_server.world
    issued = invite_patient(live_server.context, world.ana, world.episode_a, InvitationCreate())
    phone_page.goto(live_server.url(issued.url_path))
    problems = axe_violations(phone_page, "self-report")
    phone_page.locator("form button[type=submit]").last.click()  # nothing answered: errors
    phone_page.wait_for_load_state("networkidle")
    problems += axe_violations(phone_page, "self-report with errors")
    sent = invite_patient(
        live_server.context, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"])
    )
    submit_self_report(  # item 9 endorsed: the page with the clinic's crisis resources
        live_server.context,
        open_invitation(live_server.context, sent.token),
        SelfReportSubmission(
            responses=[SelfReportResponse(instrument="phq9", answers=[1, 1, 1, 1, 1, 1, 1, 1, 1])]
        ),
    )
    phone_page.goto(live_server.url(f"{sent.url_path}/done"))
    problems += axe_violations(phone_page, "self-report done (crisis resources)")
    assert not problems, "\n".join(problems)


def test_no_wcag_violations_in_the_html_reports(page: Any, live_server: LiveServer) -> None:
    """The HTML reports are downloads (their own inline stylesheet), opened from a file."""
    clinic = seed_caseload(live_server.context, live_server.world)
    ana = live_server.world.ana
    documents = {
        "clinic report": clinic_report_document(live_server.context, ana, fmt="html"),
        "patient report": patient_report_document(
            live_server.context, ana, clinic["Synthetic Gael"], fmt="html"
        ),
    }
    problems: list[str] = []
    for name, html in documents.items():
        page.set_content(html.decode("utf-8"))
        problems += axe_violations(page, name)
    assert not problems, "\n".join(problems)
