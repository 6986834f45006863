"""The report PDFs are tagged (PDF/UA-1) and carry their document language (issue 16)."""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

import pytest

from attunement.services import ServiceContext
from attunement.services.reports import write_clinic_report, write_patient_report
from tests.documents.conftest import OPERATOR, patient_ids

_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)


def _objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream (object streams too) decompressed after it."""
    parts = [pdf]
    for match in _STREAM.finditer(pdf):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.fixture(scope="module")
def pdfs(sqlite_clinic: ServiceContext, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("tagged")
    patient = patient_ids(sqlite_clinic)[0]
    return [
        write_patient_report(
            sqlite_clinic, OPERATOR, patient, fmt="pdf", output=folder / "patient.pdf"
        ),
        write_clinic_report(sqlite_clinic, OPERATOR, fmt="pdf", output=folder / "clinic.pdf"),
    ]


def test_report_pdfs_are_tagged_with_a_structure_tree_and_a_title(pdfs: list[Path]) -> None:
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        assert re.search(r"^Tagged:\s+yes$", info.stdout, re.MULTILINE), pdf.name
        assert re.search(r"^Title:\s+\S", info.stdout, re.MULTILINE), pdf.name
        objects = _objects(pdf.read_bytes())
        assert b"/StructTreeRoot" in objects
        assert b"/MarkInfo <</Marked true>>" in objects
        structure = subprocess.run(
            ["pdfinfo", "-struct", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(r"^\s+H1\b", structure, re.MULTILINE), pdf.name
        assert "Table" in structure
        assert "Figure" in structure


def test_every_chart_in_the_pdfs_is_a_figure_with_its_words_as_alt_text(pdfs: list[Path]) -> None:
    for pdf in pdfs:
        objects = _objects(pdf.read_bytes())
        figures = len(re.findall(rb"/S /Figure", objects))
        alts = re.findall(rb"/Alt\s*[(<]", objects)  # a literal or (non-ASCII) a hex string
        assert figures >= 1, pdf.name
        assert len(alts) >= figures, (pdf.name, figures, len(alts))


def test_report_pdfs_declare_their_document_language(pdfs: list[Path]) -> None:
    for pdf in pdfs:
        assert re.search(rb"/Lang \(en\)", _objects(pdf.read_bytes())), pdf.name
