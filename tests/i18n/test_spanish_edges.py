"""A Spanish clinic reads its EHR cards, the API's risk events and ``attune status`` in
Spanish, with no internal identifier (issue 16).

One SYNTHETIC demo clinic on SQLite (``clinic_language="es"``), built once for the module: a
language test needs no second backend. Swept are every CDS Hooks card of every demo patient
(among them a red outcome alert and an open risk event; one call also tells the service that
one of the EHR's prefetches failed, which gives the card for data it could not read), every risk
event's ``headline`` of the REST API, and the text of ``attune status`` for an episode file
that holds a score without answers, an endorsed risk item and an alliance rupture.

Two checks on each text: no English message of the catalogue — every message id whose Spanish
translation differs from it, taken in its literal runs between placeholders, each run of three
words or more — and no identifier (the patterns of ``tests/documents/test_no_internal_ids``).
Citations are exempt: an English source is quoted as published, so the sources of the
evidence base and of the instruments' norms are removed before the check, and so is what
``attune status`` quotes from its definitions (the basis of the reliable-change rule and of
each alliance threshold, with their sources).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from typer.testing import CliRunner

from attunement.cds_hooks import CdsClientTrust, VerifiedClient
from attunement.cli import app as cli_app
from attunement.evidence import load_evidence
from attunement.fhir import FhirBase
from attunement.http import create_app
from attunement.instruments import INSTRUMENT_IDS, load_instrument
from attunement.services import ServiceContext, seed_demo_accounts, seed_demo_clinic
from attunement.services.interop import cds_patient_view
from attunement.settings import Settings
from attunement.simulate import simulate_clinic
from attunement.store import EpisodeStatusRecord, Patient, make_engine, migrate
from tests.documents.conftest import clinician_of
from tests.documents.test_no_internal_ids import identifiers
from tests.http.web.pages import sign_in
from tests.services.world import fast_passwords

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PAGES = "https://attunement.example"

#: A placeholder of a python-format message: ``%(name)s``, ``%s``, ``%d``.
_PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdif]")


@cache
def english_messages() -> tuple[str, ...]:
    """The literal runs (3 words or more) of every catalogue message translated differently."""
    po = resources.files("attunement") / "locales/es/LC_MESSAGES/attunement.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    runs: set[str] = set()
    for message in catalog:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        if not msgid or not msgstr or msgstr == msgid:
            continue
        for part in _PLACEHOLDER.split(msgid.replace("%%", "%")):
            run = " ".join(part.split()).strip(" ,;:()")
            if len(run.split()) >= 3:
                runs.add(run)
    return tuple(sorted(runs))


@cache
def _citations() -> tuple[str, ...]:
    """The sources a text quotes as published (longest first, so none is cut by another)."""
    sources = {f.source for e in load_evidence().elements for f in e.findings}
    for instrument in INSTRUMENT_IDS:
        definition = load_instrument(instrument)
        sources |= {s.norms.source for s in definition.scales if s.norms is not None}
    return tuple(sorted((s for s in sources if s), key=len, reverse=True))


def english_in(text: str, quoted: tuple[str, ...] = ()) -> list[str]:
    """The English messages of the catalogue that ``text`` holds; the citations and the
    ``quoted`` texts (a figure's basis as its definition states it, with its sources) removed."""
    text = " ".join(text.replace("\\", "").split())
    for source in sorted({*_citations(), *quoted}, key=len, reverse=True):
        text = text.replace(" ".join(source.split()), "")
    return [run for run in english_messages() if run in text]


def _card_texts(cards: list[dict[str, Any]]) -> str:
    parts = []
    for card in cards:
        parts += [card["summary"], card.get("detail") or "", card["source"]["label"]]
        parts += [link["label"] for link in card.get("links") or ()]
        parts += [s["label"] for s in card.get("suggestions") or ()]
    return "\n".join(parts)


def _episode_file() -> dict[str, Any]:
    """A score without answers (its risk item not checked), an endorsed risk item, a
    rupture and a profile: every kind of line the text output has."""
    return {
        "outcome": {
            "instrument": "phq9",
            "sessions": [
                {"session": 1, "score": 18},
                {"session": 2, "answers": [2, 1, 3, 1, 2, 1, 1, 0, 0]},
                {"session": 3, "answers": [2, 2, 3, 2, 3, 2, 2, 2, 1]},
            ],
        },
        "alliance": {
            "instrument": "wai_sr",
            "sessions": [{"session": 1, "score": 4.1}, {"session": 3, "score": 2.7}],
        },
        "profile": {"stage_of_change": "contemplation"},
    }


def _cards(ctx: ServiceContext) -> dict[str, list[dict[str, Any]]]:
    """Every demo patient's cards, as the EHR receives them; one call with a failed prefetch."""
    client = VerifiedClient(
        iss="https://ehr.example.org/", jti="sweep", expires_at=NOW + dt.timedelta(minutes=5)
    )
    trust = CdsClientTrust(service_base_url=PAGES)
    with ctx.sessions() as session:
        keys = list(session.scalars(select(Patient.external_id).order_by(Patient.id)))
    found: dict[str, list[dict[str, Any]]] = {}
    for number, key in enumerate(keys):
        prefetch: dict[str, Any] = {"questionnaireResponses": None}
        if number == 0:  # the EHR reports that one of its prefetches failed
            prefetch["observations"] = {"resourceType": "OperationOutcome"}
        body = {
            "hook": "patient-view",
            "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/example", "patientId": key},
            "prefetch": prefetch,
        }
        response = cds_patient_view(ctx, body, client=client, trust=trust, base=FhirBase())
        found[f"cards of {key}"] = response["cards"]
    return found


def _risk_headlines(app: Any, ctx: ServiceContext) -> dict[str, list[str]]:
    """Each patient's risk events as the treating clinician's API client reads them."""
    accounts = {a.username: a for a in seed_demo_accounts(ctx, mode="demo")}
    with ctx.sessions() as session:
        ids = list(session.scalars(select(Patient.id).order_by(Patient.id)))
    found = {}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        for patient_id in ids:
            own = accounts[clinician_of(ctx, patient_id).username]
            sign_in(client, own.username, own.password)
            response = client.get(f"/api/v1/patients/{patient_id}/risk-events")
            assert response.status_code == 200, response.text
            found[f"risk events of {patient_id}"] = [e["headline"] for e in response.json()]
    return found


@dataclass(frozen=True)
class Edges:
    """What a Spanish clinic reads at its edges, by where it is read; ``quoted``: what
    ``attune status`` quotes as its definitions state it (the norms' source and the basis of
    each alliance threshold, with their sources)."""

    texts: dict[str, str]
    quoted: tuple[str, ...]


def _status(episode: Path, folder: Path) -> tuple[str, tuple[str, ...]]:
    """``attune status`` in a Spanish clinic, and what its figures quote (from ``--json``)."""
    env = {"ATTUNE_CLINIC_LANGUAGE": "es", "ATTUNE_DATA_DIR": str(folder / "data")}
    command = ["status", str(episode), "--etr", "rational"]
    text = CliRunner().invoke(cli_app, command, env=env)
    assert text.exit_code == 0, text.output
    figures = json.loads(CliRunner().invoke(cli_app, [*command, "--json"], env=env).output)
    quoted = [figures["norms"]["source"]]  # a citation, as published
    quoted += [alert["basis"] for alert in figures["alliance"]["alerts"]]
    return text.output, tuple(quoted)


@pytest.fixture(scope="module")
def spanish_edges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edges]:
    folder = tmp_path_factory.mktemp("spanish-edges")
    url = f"sqlite:///{folder / 'clinic.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    settings = Settings(
        database_url=url,
        data_dir=folder,
        secret_key=SecretStr("spanish-edges-secret-0123456789"),
        mode="dev",
        clinic_language="es",
    )
    app = create_app(settings, engine=engine, passwords=fast_passwords(), secure_cookies=False)
    ctx: ServiceContext = app.state.context
    clinic = simulate_clinic(seed=1, n_patients=12, start=NOW.date() - dt.timedelta(days=150))
    seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    try:
        cards = _cards(ctx)
        first = next(iter(cards))
        with ctx.sessions() as session:
            alerts = set(session.scalars(select(EpisodeStatusRecord.alert)))
        texts = {where: _card_texts(found) for where, found in cards.items()}
        headlines = _risk_headlines(app, ctx)
        texts |= {where: "\n".join(lines) for where, lines in headlines.items()}
        episode = folder / "episode.yaml"
        episode.write_text(yaml.safe_dump(_episode_file()), encoding="utf-8")
        texts["attune status"], quoted = _status(episode, folder)
        # what the sweep must have met: a red card, an open risk event's card and headline,
        # the card of a prefetch the EHR could not send, a risk event and a note in the CLI
        summaries = [card["summary"] for found in cards.values() for card in found]
        assert "red" in alerts
        assert any(s.startswith("No va según lo previsto:") for s in summaries), summaries
        assert any(s.startswith("Evento de riesgo abierto:") for s in summaries), summaries
        assert any("OperationOutcome" in (c.get("detail") or "") for c in cards[first]), first
        assert any(lines for lines in headlines.values()), headlines
        assert "RIESGO" in texts["attune status"]
        assert "Nota: Resultado, sesión 1:" in texts["attune status"]
        yield Edges(texts, quoted)
    finally:
        engine.dispose()


def test_a_spanish_clinic_reads_no_english_message_on_any_card_risk_event_or_status(
    spanish_edges: Edges,
) -> None:
    texts, quoted = spanish_edges.texts, spanish_edges.quoted
    found = {where: english_in(text, quoted) for where, text in texts.items()}
    problems = [f"{where}: {runs}" for where, runs in found.items() if runs]
    assert not problems, "\n".join(problems)


def test_a_spanish_clinic_reads_no_identifier_on_any_card_risk_event_or_status(
    spanish_edges: Edges,
) -> None:
    found = {where: identifiers(text) for where, text in spanish_edges.texts.items()}
    assert {where: ids for where, ids in found.items() if ids} == {}


def test_the_sweep_finds_an_english_message_and_leaves_a_citation_alone() -> None:
    assert english_in("Risk history: PHQ-9 item 9") == []  # 2 words before the placeholder
    assert "Open risk event" in english_in("Open risk event: PHQ-9 item 9")
    assert "It stays open until a clinician records a risk response." in english_in(
        "Evento abierto. It stays open until a clinician records a risk response."
    )
    source = _citations()[0]
    assert english_in(f"Fuente: {source}") == []
