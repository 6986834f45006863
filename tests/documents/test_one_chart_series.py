"""The web chart and the PDF chart of an episode are drawn from the same series (issue 17).

Both read the episode's one series (``services._status._series``) and its stored Status
through ``reports.outcome_chart_data`` / ``alliance_chart_data``; this checks the result,
point for point, for every patient of the seeded synthetic clinic, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import select

from attunement.services import ServiceContext, episode_chart_data
from attunement.services.reports import patient_report
from attunement.store import Episode
from tests.documents.conftest import clinician_of, patient_ids


def _latest_episode(ctx: ServiceContext, patient_id: int) -> int:
    with ctx.sessions() as session:
        episode = session.scalars(
            select(Episode.id)
            .where(Episode.patient_id == patient_id)
            .order_by(Episode.started_on.desc(), Episode.id.desc())
            .limit(1)
        ).one()
    return int(episode)


def test_the_web_chart_and_the_pdf_chart_show_the_same_series(clinic: ServiceContext) -> None:
    compared = 0
    for patient_id in patient_ids(clinic):
        actor = clinician_of(clinic, patient_id)
        report = patient_report(clinic, actor, patient_id)
        web = episode_chart_data(clinic, actor, patient_id, _latest_episode(clinic, patient_id))
        assert web.outcome == report.outcome_chart
        assert web.alliance == report.alliance_chart
        assert web.items == report.item_chart  # the item heat map (issue 16)
        compared += web.outcome is not None
    assert compared >= 10  # most synthetic patients have an outcome series to chart
