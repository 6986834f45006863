"""The status as its stored JSON document (issue 13): what the API sends without parsing."""

from __future__ import annotations

import json

import pytest

from attunement.errors import NotFound
from attunement.services import (
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionCreate,
    get_status,
    get_status_document,
    list_audit,
    record_session,
)
from tests.services.world import OPERATOR, World


def _strict(document: str) -> object:
    """Parse as strict JSON: NaN and Infinity are not JSON."""

    def refuse(constant: str) -> object:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(document, parse_constant=refuse)


def test_the_document_is_the_status_as_the_model_gives_it(
    ctx: ServiceContext, world: World
) -> None:
    for answers in ([3, 3, 2, 2, 2, 2, 1, 1, 1], [2, 2, 1, 1, 1, 1, 1, 0, 0], [1] * 9):
        administration = TherapySessionAdministration(instrument="phq9", answers=answers)
        record_session(
            ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[administration])
        )
        document = get_status_document(ctx, world.ana, world.episode_a)
        assert _strict(document) == get_status(ctx, world.ana, world.episode_a).model_dump(
            mode="json"
        )


def test_a_document_read_is_checked_and_audited_as_a_status_read(
    ctx: ServiceContext, world: World
) -> None:
    with pytest.raises(NotFound):  # nothing scored yet
        get_status_document(ctx, world.ana, world.episode_a)
    administration = TherapySessionAdministration(instrument="phq9", answers=[2] * 9)
    record_session(
        ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[administration])
    )
    with pytest.raises(NotFound):  # another clinician's patient: as if it did not exist
        get_status_document(ctx, world.ben, world.episode_a)
    get_status_document(ctx, world.ana, world.episode_a)
    reads = [
        (e.actor, e.outcome, e.patient_id)
        for e in list_audit(ctx, OPERATOR, after=0, limit=1000)
        if e.action == "status.read"
    ]
    assert reads == [
        (world.ana.audit_name, "not_found", world.patient_a),
        (world.ben.audit_name, "not_found", None),
        (world.ana.audit_name, "success", world.patient_a),
    ]


def test_a_document_read_follows_the_access_rules_of_every_episode_read(
    ctx: ServiceContext, world: World
) -> None:
    """The supervisor reads a supervisee's episode; an admin, another clinician, an unknown
    id and an id no table can hold answer NotFound alike (ids are never confirmed)."""
    administration = TherapySessionAdministration(instrument="phq9", answers=[2] * 9)
    record_session(
        ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[administration])
    )
    own = get_status_document(ctx, world.ana, world.episode_a)
    assert get_status_document(ctx, world.supervisor, world.episode_a) == own
    for actor, episode_id in (
        (world.admin, world.episode_a),
        (world.ben, world.episode_a),
        (world.supervisor, world.episode_b),  # ben is not sam's supervisee
        (world.ana, 10**9),
        (world.ana, 10**22),
        (world.ana, -1),
    ):
        with pytest.raises(NotFound, match="episode"):
            get_status_document(ctx, actor, episode_id)
