"""Clinical documents cite primary sources only (issue 16).

The patient report's change norms and the clinic report's benchmarks print each figure's
primary sources (author, year, journal) in the one citation layout; how maintainers checked
them (blogs, notes files, repositories, web pages) stays in the data files, never printed.
"""

from __future__ import annotations

import html
import re

import pytest

from attunement.documents import render_clinic_html, render_patient_html
from attunement.evidence import load_evidence
from attunement.instruments import list_instruments
from attunement.services import ServiceContext
from attunement.services.reports import clinic_report, patient_report
from attunement.wording import format_references
from tests.documents.conftest import OPERATOR, patient_ids

#: What a second-hand or maintainers' source looks like in text.
SECOND_HAND = re.compile(
    r"https?://|www\.|\.(?:com|org|net|io|edu|au|uk)\b|\.md\b|github|blog|shared/|\bnotes\b"
    r"|second-hand|read at|PMC\d|PubMed|abstract read|as recorded in",
    re.IGNORECASE,
)


def _text(page: str) -> str:
    """The visible text of a rendered report (tags, styles and chart SVG left out)."""
    page = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture(scope="module")
def patient_html(sqlite_clinic: ServiceContext) -> str:
    patient = patient_ids(sqlite_clinic)[0]
    return render_patient_html(patient_report(sqlite_clinic, OPERATOR, patient))


@pytest.fixture(scope="module")
def clinic_html(sqlite_clinic: ServiceContext) -> str:
    return render_clinic_html(clinic_report(sqlite_clinic, OPERATOR), charts=False)


def test_every_change_norm_has_primary_sources_that_print_clean() -> None:
    for definition in list_instruments():
        for scale in definition.scales:
            if scale.norms is None:
                continue
            printed = scale.norms.source
            assert printed == format_references(scale.norms.sources)
            assert not SECOND_HAND.search(printed), f"{definition.id}: {printed}"
            for source in scale.norms.sources:
                assert re.search(rf"\({source.year}\)", printed)


def test_the_patient_report_cites_the_norms_primary_sources_and_nothing_second_hand(
    patient_html: str,
) -> None:
    text = _text(patient_html)
    phq9 = next(s for d in list_instruments() if d.id == "phq9" for s in d.scales if s.norms)
    assert phq9.norms is not None
    assert "Change norms" in text
    assert " ".join(phq9.norms.source.split()) in text
    assert "Kroenke K, Spitzer RL, Williams JBW (2001)" in text
    assert "J Gen Intern Med 16(9):606–613" in text
    found = SECOND_HAND.findall(text)
    assert not found, found


def test_the_clinic_report_cites_each_benchmark_by_its_primary_sources(clinic_html: str) -> None:
    text = _text(clinic_html)
    for benchmark in load_evidence().outcome_benchmarks:
        assert " ".join(benchmark.source.split()) in text
        assert not SECOND_HAND.search(benchmark.source), benchmark.id
    found = SECOND_HAND.findall(text)
    assert not found, found
