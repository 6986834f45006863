"""The episode's charts at their own routes: drawn once per version, the PDF's data (issue 13).

Over SQLite and PostgreSQL (the ``database_url`` fixture), through the whole app in process.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from attunement.documents import render_chart
from attunement.services import (
    AdministrationCreate,
    ServiceContext,
    record_administration,
)
from attunement.services.reports import patient_report
from attunement.store import Administration, AuditEntry, EpisodeChartRecord, EpisodeStatusRecord
from tests.http.web.clinic import phq9
from tests.http.web.conftest import _app
from tests.http.web.pages import count, sign_in
from tests.services.world import World


def _record(ctx: ServiceContext, world: World, *totals: int, alliance: int | None = 4) -> None:
    """One session per total (numbered after those recorded), with the alliance measure."""
    with ctx.sessions() as session:
        done = session.scalar(
            select(func.count(Administration.id)).where(
                Administration.episode_id == world.episode_a, Administration.instrument_id == "phq9"
            )
        )
    for number, total in enumerate(totals, start=int(done or 0) + 1):
        record_administration(
            ctx,
            world.ana,
            world.episode_a,
            AdministrationCreate(instrument="phq9", answers=phq9(total), session_number=number),
        )
        if alliance is not None:
            record_administration(
                ctx,
                world.ana,
                world.episode_a,
                AdministrationCreate(
                    instrument="wai_sr", answers=[alliance] * 12, session_number=number
                ),
            )


def _chart(world: World, kind: str) -> str:
    return f"/patients/{world.patient_a}/episodes/{world.episode_a}/charts/{kind}.svg"


def _rows(ctx: ServiceContext) -> list[tuple[str, int, str]]:
    with ctx.sessions() as session:
        found = session.execute(
            select(
                EpisodeChartRecord.kind,
                EpisodeChartRecord.status_version,
                EpisodeChartRecord.rendered_at,
            ).order_by(EpisodeChartRecord.kind)
        ).all()
        return [(kind, version, str(at)) for kind, version, at in found]


def _status_version(ctx: ServiceContext, episode_id: int) -> int:
    with ctx.sessions() as session:
        version = session.scalar(
            select(EpisodeStatusRecord.version).where(EpisodeStatusRecord.episode_id == episode_id)
        )
        assert version is not None
        return version


def test_the_patient_page_links_each_chart_and_draws_none_of_them(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _record(ctx, world, 18, 14)
    sign_in(client, "ana")
    page = client.get(f"/patients/{world.patient_a}").text
    assert f'<img id="outcome-chart" src="{_chart(world, "outcome")}"' in page
    assert f'<img id="alliance-chart" src="{_chart(world, "alliance")}"' in page
    # the text alternatives: a title as alt text, the numbers in words below
    assert re.search(r'id="outcome-chart"[^>]+alt="PHQ-9 over sessions"', page)
    assert re.search(r'id="alliance-chart"[^>]+alt="Alliance \(WAI-SR\)"', page)
    assert re.search(r'id="outcome-chart-numbers">Session 1: 18[^<]*Session 2: 14', page)
    assert count(ctx, EpisodeChartRecord) == 0  # the page drew nothing


def test_a_chart_is_drawn_once_and_then_served_from_the_store(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _record(ctx, world, 18, 14)
    sign_in(client, "ana")
    first = client.get(_chart(world, "outcome"))
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("image/svg+xml")
    assert first.headers["cache-control"] == "private, no-cache"
    assert first.text.startswith("<svg")
    drawn = _rows(ctx)
    assert [(k, v) for k, v, _ in drawn] == [("outcome", _status_version(ctx, world.episode_a))]
    second = client.get(_chart(world, "outcome"))
    assert second.text == first.text
    assert second.headers["etag"] == first.headers["etag"]
    assert _rows(ctx) == drawn  # same row, same drawing time: not drawn again
    unchanged = client.get(
        _chart(world, "outcome"), headers={"If-None-Match": first.headers["etag"]}
    )
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == first.headers["etag"]


def test_a_new_administration_redraws_the_chart_and_replaces_the_old_drawing(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _record(ctx, world, 18, 14)
    sign_in(client, "ana")
    before = client.get(_chart(world, "outcome"))
    client.get(_chart(world, "alliance"))
    _record(ctx, world, 9, alliance=None)
    after = client.get(_chart(world, "outcome"), headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert "Session 3: 9" in after.text
    version = _status_version(ctx, world.episode_a)
    rows = _rows(ctx)
    assert len(rows) == 2  # one per chart kind: replaced, never accumulated
    assert ("outcome", version) in [(k, v) for k, v, _ in rows]


def test_the_svg_is_the_pdf_chart_of_the_same_episode(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _record(ctx, world, 20, 16, 13, 11)
    sign_in(client, "ana")
    report = patient_report(ctx, world.ana, world.patient_a)
    assert report.outcome_chart is not None
    assert report.alliance_chart is not None
    assert report.outcome_chart.expected  # the expected band is in both
    # same data, same builder, deterministic output: the very same SVG text
    pdf_outcome = render_chart(report.outcome_chart, chart_id="outcome").svg
    pdf_alliance = render_chart(report.alliance_chart, chart_id="alliance").svg
    assert client.get(_chart(world, "outcome")).text == pdf_outcome
    assert client.get(_chart(world, "alliance")).text == pdf_alliance


def test_every_chart_read_is_audited_for_the_patient(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _record(ctx, world, 18)
    sign_in(client, "ana")
    for _ in range(2):
        assert client.get(_chart(world, "outcome")).status_code == 200
    with ctx.sessions() as session:
        entries = session.execute(
            select(AuditEntry.patient_id, AuditEntry.outcome).where(
                AuditEntry.action == "chart.read"
            )
        ).all()
    assert [tuple(e) for e in entries] == [(world.patient_a, "success")] * 2


NOT_FOUND = "There is no such page, or the record is not on your caseload."


@pytest.mark.parametrize(
    "path",
    [
        "/patients/{a}/episodes/{ea}/charts/heatmap.svg",
        "/patients/{a}/episodes/{eb}/charts/outcome.svg",  # not ana's patient
        "/patients/{b}/episodes/{ea}/charts/outcome.svg",  # the episode of another patient
    ],
)
def test_an_unknown_chart_or_another_patients_episode_is_not_found(
    client: TestClient, ctx: ServiceContext, world: World, path: str
) -> None:
    _record(ctx, world, 18)
    sign_in(client, "ana")
    response = client.get(
        path.format(a=world.patient_a, b=world.patient_b, ea=world.episode_a, eb=world.episode_b)
    )
    assert response.status_code == 404
    assert NOT_FOUND in response.text


def test_a_chart_with_nothing_recorded_is_not_found_and_not_stored(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    response = client.get(_chart(world, "outcome"))
    assert response.status_code == 404
    assert NOT_FOUND in response.text
    assert count(ctx, EpisodeChartRecord) == 0


def test_another_app_server_on_the_same_database_serves_the_stored_drawing(
    client: TestClient, ctx: ServiceContext, world: World, database_url: str, tmp_path: Path
) -> None:
    _record(ctx, world, 18, 14)
    sign_in(client, "ana")
    first = client.get(_chart(world, "outcome"))
    drawn = _rows(ctx)
    other_app = _app(database_url, tmp_path / "other")
    try:
        with TestClient(other_app, base_url="http://127.0.0.1") as other:
            sign_in(other, "ana")
            served = other.get(_chart(world, "outcome"))
    finally:
        other_app.state.context.sessions.kw["bind"].dispose()
    assert served.status_code == 200
    assert served.headers["etag"] == first.headers["etag"]
    assert _rows(ctx) == drawn  # the second server drew nothing
