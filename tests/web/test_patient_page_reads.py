"""The patient page reads the episode's administrations once (issue 13).

It used to list them twice per view (the live ones, then the whole history), each an
audited read use case of its own. One read of the history now gives both: the voided
administration is in the history and counts nowhere else.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from attunement.services import (
    AdministrationCreate,
    ServiceContext,
    VoidRequest,
    record_administration,
    void_administration,
)
from attunement.store import AuditEntry
from tests.services.world import START, World, build_world
from tests.web.clinic import phq9
from tests.web.pages import sign_in


@pytest.fixture
def ctx(web_app: FastAPI) -> ServiceContext:
    context: ServiceContext = web_app.state.context
    return context


@pytest.fixture
def world(ctx: ServiceContext) -> World:
    return build_world(ctx)


def _listings(ctx: ServiceContext) -> int:
    with ctx.sessions() as session:
        found = session.scalar(
            select(func.count(AuditEntry.seq)).where(AuditEntry.action == "administration.list")
        )
    return int(found or 0)


def test_one_page_view_lists_the_administrations_once_and_keeps_voided_ones_apart(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    for number, total in ((1, 18), (2, 15)):
        record_administration(
            ctx,
            world.ana,
            world.episode_a,
            AdministrationCreate(
                instrument="phq9",
                answers=phq9(total),
                session_number=number,
                administered_at=START + dt.timedelta(days=7 * number),
            ),
        )
    wrong = record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(
            instrument="phq9",
            answers=phq9(3),
            session_number=3,
            administered_at=START + dt.timedelta(days=21),
        ),
    )
    void_administration(
        ctx, world.ana, wrong.id, VoidRequest(reason="entered for the wrong patient")
    )
    sign_in(client, "ana")
    before = _listings(ctx)
    response = client.get(f"/patients/{world.patient_a}")
    assert response.status_code == 200
    assert _listings(ctx) == before + 1
    assert "entered for the wrong patient" in response.text  # the history holds it
    assert "2 sessions" in response.text  # the voided session-3 measure counts nowhere
