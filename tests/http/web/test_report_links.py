"""The patient and caseload pages link to the report downloads, and the links work."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.http.web.pages import sign_in
from tests.services.world import World


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/reports/[^"]+)"', html)


def test_patient_page_links_to_its_progress_report_which_downloads(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    links = _links(client.get(f"/patients/{world.patient_a}").text)
    assert f"/reports/patients/{world.patient_a}.pdf" in links
    html = client.get(f"/reports/patients/{world.patient_a}.html")
    assert html.status_code == 200
    assert "attachment" in html.headers["content-disposition"]
    pdf = client.get(f"/reports/patients/{world.patient_a}.pdf")
    assert pdf.content.startswith(b"%PDF")


def test_caseload_links_to_the_clinic_report(client: TestClient, world: World) -> None:
    sign_in(client, "ana")
    links = _links(client.get("/caseload").text)
    assert "/reports/clinic.pdf" in links
    assert client.get("/reports/clinic.html").status_code == 200
