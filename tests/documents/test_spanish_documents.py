"""A Spanish clinic's documents and charts hold no English catalogue message (issue 16).

The seeded SYNTHETIC clinic (``ATTUNE_CLINIC_LANGUAGE=es``, SQLite: a language test needs no
second backend) renders, in Spanish: every patient's progress report as HTML, the progress
report of a few patients as a PDF (a Spanish speaker's with the patient's own page, the
others as the clinician's pages and plan: the patient page of an English speaker is in
English by design), the clinic report as a PDF, and each chart SVG the patient page serves
(wide and narrow). Their text — the PDFs read back with ``pdftotext``, the SVGs' text,
titles and descriptions — must not hold any message of the catalogue that is at least three
words long and whose Spanish differs from it (for a message with placeholders, any literal
stretch of three words or more). Citations and the notes the demo seed stored are left out
before looking: an English source is quoted as published, a note as it was written.
"""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from attunement.evidence import load_evidence
from attunement.instruments import list_instruments, load_instrument
from attunement.services import (
    CHART_KINDS,
    ServiceContext,
    episode_chart_svg,
)
from attunement.services.demo import DEMO_END_NOTE, DEMO_RESPONSE_NOTE
from attunement.services.reports import clinic_report_document, patient_report_document
from attunement.store import Episode, Patient, RiskEventRecord
from tests.conftest import SeededCopies
from tests.documents.conftest import OPERATOR, clinician_of, seeded_clinic

PO = Path(__file__).parents[2] / "src/attunement/locales/es/LC_MESSAGES/attunement.po"
#: Patients whose progress report is printed (the Spanish speaker and the riskiest first).
PRINTED = 3
#: A python-format placeholder (``%(name)s``, ``%s``) or a literal ``%``.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdfr]|%[sdfr%]")


def english_phrases(po: Path = PO) -> frozenset[str]:
    """The catalogue's messages of three words or more whose Spanish differs (for one with
    placeholders, each literal stretch of three words or more)."""
    with po.open("rb") as file:
        catalogue = read_po(file)
    found: set[str] = set()
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not any(strings) or all(s == i for s, i in zip(strings, ids, strict=False)):
            continue
        for msgid in ids:
            for stretch in PLACEHOLDER.split(str(msgid)):
                phrase = " ".join(stretch.split()).strip(" :;,.()—·")
                if sum(any(c.isalpha() for c in word) for word in phrase.split()) >= 3:
                    found.add(phrase)
    return frozenset(found)


@cache
def _quoted() -> tuple[str, ...]:
    """What the documents quote as it was written: the published sources (instruments,
    their change norms, evidence, benchmarks) and the notes the demo seed stored as a
    clinician's own words."""
    evidence = load_evidence()
    definitions = [load_instrument(i.id) for i in list_instruments()]
    sources = [d.citation for d in definitions]
    sources += [s.norms.source for d in definitions for s in d.scales if s.norms is not None]
    sources += [DEMO_RESPONSE_NOTE, DEMO_END_NOTE]
    sources += [b.source for b in evidence.outcome_benchmarks]
    sources += [f.source for e in evidence.elements for f in e.findings]
    return tuple(sorted((" ".join(s.split()) for s in sources if s), key=len, reverse=True))


def readable(text: str) -> str:
    """``text`` on one line, what it quotes taken out (:func:`_quoted`)."""
    flat = " ".join(html.unescape(text).split())
    for source in _quoted():
        flat = flat.replace(source, " ")
    return flat


def _svg_text(svg: str) -> str:
    return " ".join(re.findall(r">([^<>]+)<", svg))


def _pdf_text(content: bytes, path: Path) -> str:
    path.write_bytes(content)
    path.chmod(0o600)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _visible_html(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<svg\b.*?</svg>", " ", page, flags=re.S)  # charts are read on their own
    return re.sub(r"<[^>]+>", " ", page)


def _printed(ctx: ServiceContext) -> list[tuple[int, bool]]:
    """(patient, speaks Spanish): Spanish speakers first, then patients with a risk event."""
    with ctx.sessions() as session:
        languages = dict(session.execute(select(Patient.id, Patient.preferred_language)).all())
        risky = set(session.scalars(select(RiskEventRecord.patient_id)))
    ranked = sorted(languages, key=lambda i: (not languages[i].startswith("es"), i not in risky, i))
    return [(i, languages[i].startswith("es")) for i in ranked]


def _latest_episode(ctx: ServiceContext, patient_id: int) -> int:
    with ctx.sessions() as session:
        found = session.scalars(
            select(Episode.id).where(Episode.patient_id == patient_id).order_by(Episode.id.desc())
        ).first()
    assert found is not None
    return found


def _render(ctx: ServiceContext, folder: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    patients = _printed(ctx)
    for patient_id, spanish in patients:
        actor = clinician_of(ctx, patient_id)
        page = patient_report_document(ctx, actor, patient_id, fmt="html", patient_page=spanish)
        texts[f"patient {patient_id} (html)"] = _visible_html(page.decode())
    for patient_id, spanish in patients[:PRINTED]:
        actor = clinician_of(ctx, patient_id)
        pdf = patient_report_document(ctx, actor, patient_id, fmt="pdf", patient_page=spanish)
        texts[f"patient {patient_id} (pdf)"] = _pdf_text(pdf, folder / f"patient-{patient_id}.pdf")
        episode_id = _latest_episode(ctx, patient_id)
        for kind in CHART_KINDS:
            for drawn in (kind, f"{kind}-narrow"):
                svg = episode_chart_svg(ctx, actor, patient_id, episode_id, drawn).svg
                texts[f"patient {patient_id} chart {drawn}"] = _svg_text(svg)
    clinic = clinic_report_document(ctx, OPERATOR, fmt="pdf")
    texts["clinic report (pdf)"] = _pdf_text(clinic, folder / "clinic.pdf")
    clinic_html = clinic_report_document(ctx, OPERATOR, fmt="html").decode()
    texts["clinic report (html)"] = _visible_html(clinic_html)
    texts["clinic report charts"] = " ".join(
        _svg_text(svg) for svg in re.findall(r"<svg\b.*?</svg>", clinic_html, flags=re.S)
    )
    return texts


@pytest.fixture(scope="module")
def spanish_texts(
    seeded_copies: SeededCopies, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("spanish-documents")
    with seeded_clinic(seeded_copies, "sqlite", folder, clinic_language="es") as ctx:
        yield {where: readable(text) for where, text in _render(ctx, folder).items()}


def test_the_catalogue_gives_the_sweep_phrases_to_look_for() -> None:
    phrases = english_phrases()
    assert "possible rupture: consider a repair" in phrases
    assert "less progress than expected" in phrases
    assert "No reliable change from intake" in phrases


def test_the_sweep_reads_every_document_and_chart(spanish_texts: dict[str, str]) -> None:
    assert any(where.endswith("(pdf)") and "patient" in where for where in spanish_texts)
    assert any("chart items-narrow" in where for where in spanish_texts)
    assert "Sesión" in spanish_texts["clinic report (pdf)"] + " ".join(spanish_texts.values())
    assert all(text.strip() for text in spanish_texts.values())


@pytest.mark.slow
def test_a_spanish_clinics_documents_and_charts_hold_no_english_catalogue_message(
    spanish_texts: dict[str, str],
) -> None:
    phrases = english_phrases()
    left = {where: sorted(p for p in phrases if p in text) for where, text in spanish_texts.items()}
    assert {where: found for where, found in left.items() if found} == {}
