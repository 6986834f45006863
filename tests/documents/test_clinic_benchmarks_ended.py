"""Issue 12: the clinic report compares the published benchmarks with ended episodes only,
and says how many ended for each reason."""

from __future__ import annotations

import datetime as dt

import pytest

from attunement.documents import ClinicTally, render_clinic_html
from attunement.documents._clinic import EpisodeOutcome
from attunement.stats import pre_post_effect_size

ENDED = [(20.0, 8.0, "planned_end"), (18.0, 9.0, "planned_end"), (22.0, 12.0, "planned_end")]
ENDED += [(17.0, 15.0, "dropout")]
OPEN = [(15.0, 16.0), (19.0, 18.0), (21.0, 20.0)]


def _outcome(key: str, intake: float, latest: float, end_reason: str | None) -> EpisodeOutcome:
    return EpisodeOutcome(
        patient_key=key,
        clinician="Dr Synthetic",
        started_on=dt.date(2026, 1, 5),
        scored_sessions=6,
        intake=intake,
        latest=latest,
        category="unchanged",
        end_reason=end_reason,
    )


def test_benchmarks_use_ended_episodes_and_show_them_by_end_reason() -> None:
    outcomes = [_outcome(f"e{i}", a, b, r) for i, (a, b, r) in enumerate(ENDED)]
    outcomes += [_outcome(f"o{i}", a, b, None) for i, (a, b) in enumerate(OPEN)]
    report = (
        ClinicTally()
        .add_all(outcomes)
        .report(
            instrument="PHQ-9",
            band_order=[],
            generated_on=dt.date(2026, 6, 1),
            synthetic=True,
        )
    )
    ended_d = pre_post_effect_size([a for a, _, _ in ENDED], [b for _, b, _ in ENDED])
    everyone = pre_post_effect_size(
        [a for a, _, _ in ENDED] + [a for a, _ in OPEN],
        [b for _, b, _ in ENDED] + [b for _, b in OPEN],
    )
    d_benchmarks = [b for b in report.benchmarks if b.benchmark.compare_with == "pre_post_d"]
    assert d_benchmarks
    assert all(b.clinic_value == pytest.approx(ended_d.d) for b in d_benchmarks)
    assert report.effect_size is not None
    assert report.effect_size.d == pytest.approx(everyone.d)  # the caseload figure: all
    assert report.benchmark_episodes == 4
    assert [(r.label, r.episodes) for r in report.ended_by_reason] == [
        ("Planned end", 3),
        ("Dropout", 1),
    ]
    html = render_clinic_html(report, charts=False)
    assert "Compared with ended episodes only: 4 (planned end 3, dropout 1); 3 open" in html
