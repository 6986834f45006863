"""A seeded synthetic clinic for the report tests, and helpers to read rendered reports."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine, select

from attunement.services import (
    OperatorActor,
    ServiceContext,
    UserActor,
    seed_demo_clinic,
    service_context,
)
from attunement.simulate import simulate_clinic
from attunement.store import Patient, User, make_engine, migrate
from tests.conftest import SeededCopies

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SECRET = "rPt4Wq9zK2mV7xL1cN8bH3dF6gJ0sY5aT"  # random-looking: production checks strength
OPERATOR = OperatorActor(name="report-tests")
PATIENTS = 16


def seeded(engine: Engine) -> ServiceContext:
    """The synthetic clinic (seed 7) stored through the app's own seeding path."""
    ctx = service_context(engine, signing_key=SECRET, clock=lambda: NOW)
    clinic = simulate_clinic(seed=7, n_patients=PATIENTS, start=NOW.date() - dt.timedelta(days=150))
    seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    return ctx


@pytest.fixture(scope="module")
def sqlite_clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceContext]:
    """One seeded SQLite clinic shared by a module's rendering tests."""
    path = tmp_path_factory.mktemp("report-clinic") / "clinic.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    try:
        yield seeded(engine)
    finally:
        engine.dispose()


def _seed(engine: Engine) -> None:
    seeded(engine)


@contextmanager
def seeded_clinic(
    copies: SeededCopies, backend: str, folder: Path, *, clinic_language: str = "en"
) -> Iterator[ServiceContext]:
    """A copy of the seeded clinic (:func:`seeded`, built once per backend and worker) with the
    same service context as seeding it afresh gives (in ``clinic_language``)."""
    with copies.copy(backend, "report_clinic", _seed, folder) as url:
        engine = make_engine(url)
        try:
            yield service_context(
                engine, signing_key=SECRET, clock=lambda: NOW, clinic_language=clinic_language
            )
        finally:
            engine.dispose()


@pytest.fixture
def clinic(seeded_copies: SeededCopies, backend: str, tmp_path: Path) -> Iterator[ServiceContext]:
    """A freshly seeded clinic on each backend (SQLite, then PostgreSQL)."""
    with seeded_clinic(seeded_copies, backend, tmp_path) as ctx:
        yield ctx


def clinician_of(ctx: ServiceContext, patient_id: int) -> UserActor:
    """The treating clinician of a patient, as a signed-in user would be."""
    with ctx.sessions() as session:
        patient = session.get_one(Patient, patient_id)
        user = session.get_one(User, patient.clinician_id)
        return UserActor(user_id=user.id, username=user.username, role="clinician")


def patient_ids(ctx: ServiceContext, **where: object) -> list[int]:
    with ctx.sessions() as session:
        query = select(Patient.id).order_by(Patient.id)
        for column, value in where.items():
            query = query.where(getattr(Patient, column) == value)
        return list(session.scalars(query))


class _Stats(HTMLParser):
    """Collects the text of every element carrying ``data-stat``."""

    def __init__(self) -> None:
        super().__init__()
        self.stats: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append((tag, dict(attrs).get("data-stat")))
        name = self._open[-1][1]
        if name is not None:
            self.stats.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, name in self._open:
            if name is not None:
                self.stats[name] += data


def html_stats(html: str) -> dict[str, str]:
    """``{data-stat name: its text}`` of a rendered report."""
    parser = _Stats()
    parser.feed(html)
    return {k: " ".join(v.split()) for k, v in parser.stats.items()}


def pdf_pages_text(pdf: Path) -> list[str]:
    """The text of each page (poppler's pdftotext, keeping the layout of table rows)."""
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, pages + 1)
    ]


def rasterise(pdf: Path, folder: Path) -> list[np.ndarray]:
    """Every page of ``pdf`` as a greyscale array (poppler's pdftoppm at 40 dpi)."""
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "page")], check=True)
    return [np.asarray(Image.open(png).convert("L")) for png in sorted(folder.glob("page-*.png"))]


def assert_not_blank(page: np.ndarray, *, last: bool = False) -> None:
    """Ink covers a real share of the page and the page is not one flat tone. A document's
    ``last`` page may hold only the end of its text (a heading and a few lines between the
    running header and footer: about 0.2% ink at 40 dpi), so it needs less, but still ink."""
    assert (page < 128).mean() > (0.001 if last else 0.01)
    assert page.std() > (5 if last else 20)
