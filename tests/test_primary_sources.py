"""The product cites primary sources, never the project's own notes (issue cite17).

House rule: every figure carries its primary source (authors, year, journal) or, for a licence
or a code, the page of its holder (Pfizer's notice, CORE System Trust, LOINC by the
Regenstrief Institute). The maintainers' notes files (``shared/instrument-sources.md``,
``shared/evidence-sources.md``) and the talk summary that started the project are where facts
were gathered, not what a clinician can look up; no file shipped in the package may name them
as a source. The translation catalogues (``locales/``) are regenerated from the code and are
left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import attunement

PACKAGE = Path(attunement.__file__).parent

#: How a citation of the project's notes looks in text.
NOTES_CITATION = re.compile(
    r"shared/|evidence-sources|instrument-sources|talk[\s_-]+summary",
    re.IGNORECASE,
)


def _shipped_text_files() -> list[Path]:
    """Every text file of the package (code, knowledge data, templates), locales left out."""
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if not path.is_file() or relative.parts[0] == "locales" or "__pycache__" in relative.parts:
            continue
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a binary asset has no citations
        found.append(path)
    return found


@pytest.mark.parametrize(
    "text",
    [
        "source: shared/instrument-sources.md (licence classes)",
        "Figures: /work/shared/evidence-sources.md.",
        "(clinical content in evidence-sources.md)",
        'source: "Talk summary (source/talk-summary.txt), citing Levy et al."',
        "Norcross, Krebs & Prochaska 2011 (stance, talk summary)",
    ],
)
def test_a_citation_of_the_notes_is_recognised(text: str) -> None:
    assert NOTES_CITATION.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kroenke K, Spitzer RL, Williams JBW (2001) J Gen Intern Med 16(9):606-613",
        "LOINC 44249-1 (Regenstrief Institute)",
        "Norcross (Ed.) 2011, Psychotherapy Relationships That Work (2nd ed.); second-hand",
        "NHS Talking Therapies caseness",
    ],
)
def test_a_primary_citation_is_not_mistaken_for_the_notes(text: str) -> None:
    assert not NOTES_CITATION.search(text)


def test_the_package_ships_its_code_data_and_templates() -> None:
    suffixes = {path.suffix for path in _shipped_text_files()}
    assert {".py", ".yaml", ".j2", ".html"} <= suffixes


def test_no_shipped_file_cites_the_projects_notes_or_the_talk_summary() -> None:
    offending = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in _shipped_text_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if NOTES_CITATION.search(line)
    ]
    assert not offending, "\n".join(offending)
