"""An analysis that reads only the research export reproduces the clinic report (issue 15).

``examples/reproduce_clinic_report.py`` (pandas, numpy, statsmodels; no Attunement code) is
run as a separate process on the export of the seeded synthetic clinic — identified CSV and
de-identified Parquet — and every headline number it prints must equal the clinic report's.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from tests.conftest import SeededCopies
from tests.documents.conftest import NOW, OPERATOR, SECRET, clinician_of, seeded_clinic

from attunement.documents import CategoryCounts, ClinicReport
from attunement.exports import Pseudonymizer
from attunement.learning import (
    Association,
    Estimate,
    LearningReport,
    ResponsivenessReport,
    TherapistFeedback,
)
from attunement.services import (
    PlanAdherenceSet,
    ServiceContext,
    UserActor,
    record_plan_adherence,
    seed_demo_clinic,
    service_context,
)
from attunement.services.learning import learning_report
from attunement.services.reports import clinic_report, write_research_export
from attunement.simulate import simulate_clinic
from attunement.stats import Proportion
from attunement.store import Episode, User

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "reproduce_clinic_report.py"


@pytest.fixture
def clinic(seeded_copies: SeededCopies, backend: str, tmp_path: Path) -> Iterator[ServiceContext]:
    """The seeded synthetic clinic of the report tests, on each backend (a copy)."""
    with seeded_clinic(seeded_copies, backend, tmp_path) as ctx:
        yield ctx


def _reproduced(folder: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(folder), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _same_share(found: dict[str, Any], expected: Proportion) -> None:
    assert (found["count"], found["n"]) == (expected.count, expected.n)
    assert found["share"] == pytest.approx(expected.share)
    assert found["ci_low"] == pytest.approx(expected.ci_low)
    assert found["ci_high"] == pytest.approx(expected.ci_high)


def learning_of(report: ClinicReport) -> LearningReport:
    assert report.learning is not None
    return report.learning


def _counts(counts: CategoryCounts) -> dict[str, int]:
    return {
        "recovered": counts.recovered,
        "improved": counts.improved,
        "unchanged": counts.unchanged,
        "deteriorated": counts.deteriorated,
        "insufficient": counts.insufficient,
    }


def _check_severity_and_clinicians(
    found: dict[str, Any], report: ClinicReport, keys: dict[str, str]
) -> None:
    """Outcome by intake band, the rows per clinician (under their export id, in key order,
    never ranked), the alert counts and the open risk events, each exactly."""
    assert found["severity"] == {g.band: _counts(g.counts) for g in report.severity}
    assert sum(g["recovered"] for g in found["severity"].values()) > 0  # a figure, not zeros
    assert found["clinicians"] == {
        keys[row.clinician]: {
            "episodes": row.episodes,
            "categories": _counts(row.counts),
            "red_alerts": row.red_alerts,
            "risk_flags": row.risk_flags,
        }
        for row in report.clinicians
    }
    assert list(found["clinicians"]) == sorted(found["clinicians"])
    assert found["alerts"] == report.alerts.model_dump()
    assert (found["open_risk_events"], found["open_risk_patients"]) == (
        report.open_risk_events,
        report.open_risk_patients,
    )
    assert report.open_risk_events > 0  # the seeded clinic has open risk events to count


def _check(found: dict[str, Any], report: ClinicReport, keys: dict[str, str]) -> None:
    c = report.categories
    assert found["instrument"] == "phq9"
    assert found["episodes"] == report.episodes
    assert found["categories"] == {
        "recovered": c.recovered,
        "improved": c.improved,
        "unchanged": c.unchanged,
        "deteriorated": c.deteriorated,
        "insufficient": c.insufficient,
    }
    assert found["recovered_share"] == pytest.approx(c.share("recovered"))
    assert found["deteriorated_share"] == pytest.approx(c.share("deteriorated"))
    assert found["reliably_improved_share"] == pytest.approx(
        (c.recovered + c.improved) / c.assessed
    )
    _same_share(found["response"], report.response)
    _same_share(found["remission"], report.remission)
    _same_share(found["improved_by_session_8"], report.reliable_improvement_by_session_8)
    _same_share(found["accommodated_preference"], report.accommodated_preference)
    _same_share(found["accommodated_culture"], report.accommodated_culture)
    effect = report.effect_size
    assert effect is not None
    assert found["effect_size"]["n"] == effect.n
    for key in ("d", "ci_low", "ci_high"):
        assert found["effect_size"][key] == pytest.approx(getattr(effect, key), abs=1e-9)
    responsiveness = learning_of(report).responsiveness
    assert found["responsiveness"]["episodes"] == responsiveness.episodes
    assert set(found["responsiveness"]["dimensions"]) == {
        d.dimension for d in responsiveness.dimensions
    }
    ended = found["ended"]
    assert ended["episodes"] == report.benchmark_episodes
    assert ended["by_reason"] == {r.reason: r.episodes for r in report.ended_by_reason}
    for comparison in report.benchmarks:
        figure = (
            ended["effect_size"]["d"]
            if comparison.benchmark.compare_with == "pre_post_d"
            else ended["improved_by_session_8"]["share"]
        )
        assert figure == pytest.approx(comparison.clinic_value)
    learning = report.learning
    assert learning is not None
    assert learning.therapists is not None
    assert ended["effect_size"]["d"] == pytest.approx(learning.therapists.clinic_pre_post_d.value)
    assert ended["effect_size"]["n"] == learning.therapists.episodes
    rows = found["therapist_feedback"]["therapists"].values()
    assert found["therapist_feedback"]["episodes"] == learning.therapists.episodes
    assert sorted((r["episodes"], r["shown"]) for r in rows) == sorted(
        (t.episodes, t.shown) for t in learning.therapists.therapists
    )
    _check_severity_and_clinicians(found, report, keys)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "deidentify"), [("csv", False), ("parquet", True)], ids=["csv", "parquet-deidentified"]
)
def test_the_export_alone_reproduces_every_headline_number_of_the_clinic_report(
    clinic: ServiceContext, tmp_path: Path, fmt: Literal["csv", "parquet"], deidentify: bool
) -> None:
    write_research_export(
        clinic, OPERATOR, fmt=fmt, out_dir=tmp_path, deidentify_with=SECRET if deidentify else None
    )
    keys = _export_keys(clinic, SECRET if deidentify else None, by="display_name")
    _check(_reproduced(tmp_path), clinic_report(clinic, OPERATOR), keys)


def test_the_reproduction_fails_plainly_without_an_export(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "no attunement_export.csv or .parquet" in done.stderr


# ------------------------------- the learning figures: responsiveness and therapist rows

#: SYNTHETIC patients of the larger clinic whose learning figures are reproduced: more than
#: ``minimum_dimension_episodes`` (30) ended episodes with two or more scores for the
#: responsiveness association, and three clinicians who each end more than
#: ``minimum_therapist_episodes`` (20) such episodes (36, 24 and 27), so every therapist row
#: is shown and every outcome is modelled.
LARGER_CLINIC_PATIENTS = 300
ADHERENCE_NOTE = "SYNTHETIC test record: a fixed pattern, not a clinician's judgement"


def _larger_clinic(engine: Engine) -> tuple[ServiceContext, UserActor]:
    """The SYNTHETIC larger clinic, an admin, and for every ended episode a clinician's record
    of whether the plan's reactance stance was followed (every second one, by episode order:
    a pattern whose models converge)."""
    ctx = service_context(engine, signing_key=SECRET, clock=lambda: NOW)
    simulated = simulate_clinic(
        seed=7, n_patients=LARGER_CLINIC_PATIENTS, start=NOW.date() - dt.timedelta(days=150)
    )
    seed_demo_clinic(ctx.sessions, simulated, now=NOW)
    with ctx.sessions() as session:
        ended = session.execute(
            select(Episode.id, Episode.patient_id)
            .where(Episode.ended_on.is_not(None))
            .order_by(Episode.id)
        ).all()
    for n, (episode_id, patient_id) in enumerate(ended):
        record_plan_adherence(
            ctx,
            clinician_of(ctx, patient_id),
            episode_id,
            PlanAdherenceSet(dimension="reactance", followed=n % 2 == 0, note=ADHERENCE_NOTE),
        )
    with ctx.sessions() as session:
        admin = User(username="adm", display_name="Adm (synthetic)", role="admin", created_at=NOW)
        session.add(admin)
        session.commit()
        return ctx, UserActor(user_id=admin.id, username="adm", role="admin")


def _same_association(found: dict[str, float], expected: Association) -> None:
    """Equal to the optimiser's precision: the export's rows come in another order and its
    therapists under other labels (pseudonyms), so the REML search takes another path to
    the same optimum; Powell's and L-BFGS's stopping tolerances leave the estimates equal
    to about 1e-6 relative, far below a reported figure's 2 decimals."""
    for key in ("estimate", "low", "high"):
        assert found[key] == pytest.approx(getattr(expected, key), rel=1e-6, abs=1e-9), key


def _same_responsiveness(found: dict[str, Any], expected: ResponsivenessReport) -> None:
    dimensions = {d.dimension: d for d in expected.dimensions}
    assert dimensions["reactance"].estimated  # the synthetic clinic is big enough
    assert found["episodes"] == expected.episodes
    assert set(found["dimensions"]) == set(dimensions)
    for name, dimension in dimensions.items():
        mine = found["dimensions"][name]
        assert (mine["episodes"], mine["followed"], mine["estimated"]) == (
            dimension.episodes,
            dimension.followed,
            dimension.estimated,
        )
        if dimension.estimated:
            assert dimension.final_score is not None
            assert dimension.dropout is not None
            _same_association(mine["final_score"], dimension.final_score)
            _same_association(mine["dropout"], dimension.dropout)


def _export_keys(
    ctx: ServiceContext, key: str | None, *, by: Literal["username", "display_name"] = "username"
) -> dict[str, str]:
    """Each clinician's username (or display name, as the report names them) → their id in
    an export (a pseudonym with ``key``)."""
    with ctx.sessions() as session:
        users = session.execute(select(getattr(User, by), User.id)).all()
    if key is None:
        return {name: str(id_) for name, id_ in users}
    pseudonymizer = Pseudonymizer(key)
    return {name: pseudonymizer.pseudonym("clinician", str(id_)) for name, id_ in users}


def _same_estimate(found: dict[str, float], expected: Estimate, what: str) -> None:
    """The raw figure exactly (a mean or a share of the same episodes); the adjusted ones to
    the optimisers' precision, as the responsiveness associations: the export's episodes
    come in another order and its therapists under other labels (pseudonyms), so REML
    (Powell, L-BFGS) and the variational fit (BFGS, from the same fixed start) may take
    another path to the same optimum — 1e-6 relative, or 1e-6 absolute for a therapist's
    shrunken deviation, which is about 0 here (the therapist variance is estimated near the
    boundary); a shown figure has 2 decimals. (Measured on this clinic: 1e-15 relative.)"""
    assert found["raw"] == pytest.approx(expected.raw, rel=1e-12), what
    for key in ("value", "low", "high"):
        assert found[key] == pytest.approx(getattr(expected, key), rel=1e-6, abs=1e-6), what


def _same_feedback(
    found: dict[str, Any], expected: TherapistFeedback, keys: dict[str, str]
) -> None:
    assert found["episodes"] == expected.episodes
    assert found["mean_intake"] == pytest.approx(expected.mean_intake, rel=1e-12)
    assert found["intake_sd"] == pytest.approx(expected.intake_sd, rel=1e-12)
    assert found["minimum_episodes"] == expected.minimum_episodes
    assert set(found["therapists"]) == {keys[t.therapist] for t in expected.therapists}
    assert list(found["therapists"]) == sorted(found["therapists"])  # by key, never ranked
    for row in expected.therapists:
        mine = found["therapists"][keys[row.therapist]]
        assert (mine["episodes"], mine["shown"]) == (row.episodes, row.shown)
        assert set(mine.get("outcomes", {})) == set(row.outcomes)
        for name, estimate in row.outcomes.items():
            assert mine["outcomes"][name]["events"] == estimate.events
            _same_estimate(mine["outcomes"][name], estimate, name)
        for name in ("change", "change_vs_clinic", "pre_post_d"):
            estimate = getattr(row, name)
            assert estimate is not None
            _same_estimate(mine[name], estimate, name)


@pytest.mark.slow
@pytest.mark.timeout(900)  # seeding 300 patients, two exports and two runs of the script
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_export_alone_reproduces_the_responsiveness_and_therapist_figures(
    engine: Engine, tmp_path: Path
) -> None:
    """The models the learning fits, refitted by the script on the export of a clinic large
    enough to estimate them. On SQLite only: the export's rows are read the same way on both
    backends, which the headline test above checks on each; this test is about the models."""
    ctx, admin = _larger_clinic(engine)
    expected = learning_report(ctx, admin)
    feedback = expected.therapists
    assert feedback is not None
    assert all(row.shown for row in feedback.therapists)
    assert len(feedback.therapists) == 3
    # the clinic report's section is the same learning, its therapists named as it names them
    in_report = learning_of(clinic_report(ctx, OPERATOR))
    assert in_report.responsiveness == expected.responsiveness
    assert in_report.therapists is not None
    assert in_report.therapists.model_dump(exclude={"therapists": {"__all__": {"therapist"}}}) == (
        feedback.model_dump(exclude={"therapists": {"__all__": {"therapist"}}})
    )
    exports: tuple[tuple[Literal["csv", "parquet"], str | None], ...] = (
        ("csv", None),
        ("parquet", SECRET),
    )
    for fmt, key in exports:
        folder = tmp_path / fmt
        write_research_export(ctx, OPERATOR, fmt=fmt, out_dir=folder, deidentify_with=key)
        assert _names_in(folder) == set()  # the rows are keyed by id, never by name
        reproduced = _reproduced(folder)
        _same_responsiveness(reproduced["responsiveness"], expected.responsiveness)
        _same_feedback(reproduced["therapist_feedback"], feedback, _export_keys(ctx, key))


def _names_in(folder: Path) -> set[str]:
    """The clinicians' usernames and display names found in any file of the export."""
    text = " ".join(
        pd.read_parquet(path).astype(str).to_csv()
        if path.suffix == ".parquet"
        else path.read_text()
        for path in folder.iterdir()
    )
    names = {"dr_rivera", "dr_okafor", "dr_lindqvist", "Rivera", "Okafor", "Lindqvist"}
    return {name for name in names if name in text}
