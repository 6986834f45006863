"""What a clinician reads speaks the clinician's language, not the code's (issue 16).

The synthetic demo clinic is rendered once per module: every clinician page (as a treating
clinician and as the admin), the plan brief (``attune plan`` markdown and text), the printed
progress report and clinic report (their PDFs read back with ``pdftotext``), the record
summary and the CDS cards of a few patients — those with a risk flag, a Spanish speaker and
a red alert first, as they carry the most text. Their visible text (tags, attributes, styles
and scripts stripped) must show no internal identifier: no ``snake_case`` word (a profile
field, an alert level, an item id such as ``phq9_9``, a file path) and no bare language tag
such as ``(es)`` or "answered in es". Each comes from the one wording module instead.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from attunement.cds_hooks import CardContext, build_cards
from attunement.documents import render_clinic_html, render_patient_html, render_pdf
from attunement.documents._summary import session_summary_text
from attunement.fhir import FhirBase
from attunement.http import create_app
from attunement.services import (
    DemoAccount,
    OperatorActor,
    ServiceContext,
    get_status,
    seed_demo_accounts,
    seed_demo_clinic,
)
from attunement.services._growth_models import StatusInputs
from attunement.services._status import tailored_plan
from attunement.services.interop import _attunement_signals, export_patient_fhir
from attunement.services.reports import clinic_report, patient_report
from attunement.settings import Settings
from attunement.simulate import simulate_clinic
from attunement.store import Episode, Patient, RiskEventRecord, make_engine, migrate
from attunement.wording import render_markdown, render_text
from tests.documents.conftest import clinician_of
from tests.http.web.pages import sign_in
from tests.services.world import fast_passwords

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
#: Patients whose pages are read in full (the riskiest and the Spanish-speaking first).
SAMPLED = 4

#: A snake_case word (``stage_of_change``, ``phq9_9``, ``not_assessable``), a bare language
#: tag in brackets (``(es)``, ``(pt-BR)``) or after "in" ("answered in es").
IDENTIFIER = re.compile(
    r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"
    r"|\((?:en|es|[a-z]{2}-[A-Z]{2})\)"
    r"|\b(?:in|language) (?:en|es)\b"
)
#: What may look like an identifier and is not one (each with its reason).
ALLOWED: frozenset[str] = frozenset()


class _Visible(HTMLParser):
    """The text a person sees: no tags, attributes, styles, scripts or templates."""

    _HIDDEN = frozenset({"style", "script", "template", "title"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in self._HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in self._HIDDEN

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def identifiers(text: str, people: frozenset[str] = frozenset()) -> list[str]:
    """The identifiers in ``text``; ``people``: the sign-in names of the clinic's accounts,
    which a person chose and others use to tell accounts apart (the admin page, the header)."""
    return [found for found in IDENTIFIER.findall(text) if found not in ALLOWED | people]


def _sampled(ctx: ServiceContext) -> list[int]:
    """A Spanish speaker (one with a risk event if any), then patients with a risk event,
    then the rest, by id."""
    with ctx.sessions() as session:
        ids = list(session.scalars(select(Patient.id).order_by(Patient.id)))
        risky = set(session.scalars(select(RiskEventRecord.patient_id)))
        spanish = set(
            session.scalars(select(Patient.id).where(Patient.preferred_language.like("es%")))
        )
    ranked = sorted(ids, key=lambda i: (i not in spanish, i not in risky, i))[:1]
    ranked += sorted((i for i in ids if i not in ranked), key=lambda i: (i not in risky, i))
    return ranked[:SAMPLED]


def _episode(ctx: ServiceContext, patient_id: int) -> int:
    with ctx.sessions() as session:
        found = session.scalars(
            select(Episode.id).where(Episode.patient_id == patient_id).order_by(Episode.id.desc())
        ).first()
        assert found is not None
        return found


def _pdf_text(html: str, folder: Path, name: str) -> str:
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(render_pdf(html))
    pdf.chmod(0o600)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pages(client: TestClient, patient_id: int) -> dict[str, str]:
    """Each page of one patient's record that a clinician opens."""
    found: dict[str, str] = {}
    base = f"/patients/{patient_id}"
    paths = (
        base,
        f"{base}/intake",
        f"{base}/intake/questionnaires/urica",
        f"{base}/session",
        f"{base}/sessions/1/edit",
    )
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        found[path] = visible(response.text)
        correct = re.search(r'href="(/patients/\d+/administrations/\d+/correct)"', response.text)
        if correct and path == base:  # the correction form of the newest questionnaire
            found[correct.group(1)] = visible(client.get(correct.group(1)).text)
    return found


def _render(
    app: FastAPI, ctx: ServiceContext, accounts: dict[str, DemoAccount], folder: Path
) -> dict[str, str]:
    texts: dict[str, str] = {}
    sampled = _sampled(ctx)
    admin = accounts["admin"]
    with TestClient(app, base_url="http://127.0.0.1") as client:
        sign_in(client, admin.username, admin.password)
        texts["/admin"] = visible(client.get("/admin").text)
        for patient_id in sampled:  # each patient's own clinician signs in
            own = accounts[clinician_of(ctx, patient_id).username]
            sign_in(client, own.username, own.password)
            texts.update(_pages(client, patient_id))
        for path in ("/caseload", "/patients/new", "/patients/999999"):
            texts[path] = visible(client.get(path).text)
        # a form sent back: the message names the field as the form labels it
        token = re.search(
            r'name="csrf_token" value="([0-9a-f]+)"', client.get("/patients/new").text
        )
        assert token
        refused = client.post(
            "/patients/new",
            data={"csrf_token": token.group(1), "display_name": "", "preferred_language": "xx-"},
        )
        texts["/patients/new (refused)"] = visible(refused.text)
    for patient_id in sampled[:1]:  # the Spanish speaker's report: the most varied text
        actor = clinician_of(ctx, patient_id)
        html = render_patient_html(patient_report(ctx, actor, patient_id))
        texts[f"report {patient_id}"] = _pdf_text(html, folder, f"patient-{patient_id}")
        status = get_status(ctx, actor, _episode(ctx, patient_id))
        texts[f"summary {patient_id}"] = session_summary_text(status, None)
    for patient_id in sampled:
        with ctx.sessions() as session:
            patient = session.get_one(Patient, patient_id)
            plan = tailored_plan(session, patient, clinic_language="en")
            texts[f"brief {patient_id} (markdown)"] = render_markdown(plan)
            texts[f"brief {patient_id} (text)"] = render_text(plan)
            signals = _attunement_signals(session, patient, StatusInputs(session))
        page = f"http://127.0.0.1/patients/{patient_id}"
        cards = build_cards(
            signals,
            CardContext(hook_instance="h", patient_page_url=page, source_url="http://127.0.0.1"),
        )
        texts[f"cds {patient_id}"] = "\n".join(f"{c.summary}\n{c.detail or ''}" for c in cards)
    for patient_id in sampled[:1]:  # FHIR narratives (the texts an EHR shows a person)
        bundle = export_patient_fhir(
            ctx, clinician_of(ctx, patient_id), patient_id, base=FhirBase()
        )
        texts[f"fhir {patient_id}"] = "\n".join(
            visible(str(entry["resource"]["text"]["div"]))
            for entry in bundle.get("entry", [])
            if "text" in entry["resource"]
        ) + "\n".join(
            str(entry["resource"].get("description", "")) for entry in bundle.get("entry", [])
        )
    clinic = clinic_report(ctx, OperatorActor(name="identifier-test"))
    texts["clinic report"] = _pdf_text(render_clinic_html(clinic), folder, "clinic")
    return texts


@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, str], frozenset[str]]]:
    folder = tmp_path_factory.mktemp("no-ids")
    url = f"sqlite:///{folder / 'clinic.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    settings = Settings(
        database_url=url,
        data_dir=folder,
        secret_key=SecretStr("identifier-test-secret-0123456789"),
        mode="dev",
    )
    app = create_app(settings, engine=engine, passwords=fast_passwords(), secure_cookies=False)
    ctx: ServiceContext = app.state.context
    clinic = simulate_clinic(seed=7, n_patients=12, start=NOW.date() - dt.timedelta(days=150))
    seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    accounts = {a.username: a for a in seed_demo_accounts(ctx, mode="demo")}
    accounts["admin"] = next(a for a in accounts.values() if a.role == "admin")
    try:
        yield _render(app, ctx, accounts, folder), frozenset(accounts)
    finally:
        engine.dispose()


def test_no_identifier_reaches_any_page_brief_pdf_or_card(
    rendered: tuple[dict[str, str], frozenset[str]],
) -> None:
    texts, people = rendered
    assert any(where.endswith("/correct") for where in texts)  # a correction form was read
    assert any(where.startswith("fhir") and text.strip() for where, text in texts.items())
    found = {where: identifiers(text, people) for where, text in texts.items()}
    assert {where: ids for where, ids in found.items() if ids} == {}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Because: stage_of_change = contemplation", ["stage_of_change"]),
        ("(phq9 item phq9_9)", ["phq9_9"]),
        ("Offer the patient's preferred language (es)", ["(es)"]),
        ("Entered by ana; answered in es; scored", ["in es"]),
        ("Because: stage of change is contemplation (Spanish)", []),
    ],
)
def test_the_identifier_pattern_finds_what_the_issue_saw(text: str, found: list[str]) -> None:
    assert identifiers(text) == found
