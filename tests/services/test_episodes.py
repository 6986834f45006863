"""Episodes and administrations: scoring on entry, nothing stored when invalid, access."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from attunement.errors import Conflict, Forbidden, InvalidAnswer, NotFound, UnknownInstrument
from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    ServiceContext,
    list_administrations,
    record_administration,
    start_episode,
)
from attunement.store import Administration, AuditEntry, ScoreRecord
from tests.services.world import World

PHQ9_MODERATE = [1, 2, 2, 1, 2, 1, 1, 1, 0]  # total 11


def _count(ctx: ServiceContext, model: type[object]) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_recording_stores_raw_answers_with_the_versioned_score(
    ctx: ServiceContext, world: World
) -> None:
    stored = record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=PHQ9_MODERATE),
    )
    assert stored.answers == PHQ9_MODERATE
    assert stored.language == "es"  # the patient's preferred language
    assert stored.score is not None
    assert stored.score.scales["total"]["value"] == 11
    assert stored.definition_version == stored.score.definition_version != ""
    assert stored.session_number == 1
    assert stored.entered_by == f"user:{world.ana.user_id}"
    with ctx.sessions() as session:
        row = session.get(Administration, stored.id)
        assert row is not None
        assert row.answers == PHQ9_MODERATE


def test_endorsed_item9_is_stored_as_a_risk_flag(ctx: ServiceContext, world: World) -> None:
    stored = record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=[0, 0, 0, 0, 0, 0, 0, 0, 1]),
    )
    assert stored.score is not None
    assert stored.score.has_risk_flag
    assert stored.score.flags[0]["severity"] == "critical"


def test_an_invalid_answer_names_the_item_and_stores_nothing(
    ctx: ServiceContext, world: World
) -> None:
    before = (_count(ctx, Administration), _count(ctx, ScoreRecord))
    with pytest.raises(InvalidAnswer) as raised:
        record_administration(
            ctx,
            world.ana,
            world.episode_a,
            AdministrationCreate(instrument="phq9", answers=[0, 0, 0, 0, 4, 0, 0, 0, 0]),
        )
    assert raised.value.field == "phq9_5"
    assert "0, 1, 2, 3" in raised.value.allowed
    assert (_count(ctx, Administration), _count(ctx, ScoreRecord)) == before
    with ctx.sessions() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None
    assert (last.action, last.outcome, last.patient_id) == (
        "administration.create",
        "rejected",
        world.patient_a,
    )


def test_same_day_administrations_share_a_session_and_new_days_open_the_next(
    ctx: ServiceContext, world: World, clock: object
) -> None:
    first = record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=PHQ9_MODERATE),
    )
    same_day = record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="wai_sr", answers=[4] * 12, language="en"),
    )
    clock.advance(days=7)  # type: ignore[attr-defined]
    next_week = record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=PHQ9_MODERATE),
    )
    assert (first.session_number, same_day.session_number, next_week.session_number) == (1, 1, 2)
    history = list_administrations(ctx, world.ana, world.episode_a)
    assert [a.id for a in history] == [first.id, same_day.id, next_week.id]


def test_another_clinicians_episode_is_not_found_even_for_writes(
    ctx: ServiceContext, world: World
) -> None:
    with pytest.raises(NotFound):
        record_administration(
            ctx,
            world.ben,
            world.episode_a,
            AdministrationCreate(instrument="phq9", answers=PHQ9_MODERATE),
        )
    with pytest.raises(NotFound):
        list_administrations(ctx, world.ben, world.episode_a)
    assert _count(ctx, Administration) == 0


def test_a_supervisor_reads_supervisees_episodes_but_may_not_write(
    ctx: ServiceContext, world: World
) -> None:
    record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=PHQ9_MODERATE),
    )
    assert len(list_administrations(ctx, world.supervisor, world.episode_a)) == 1
    with pytest.raises(Forbidden):
        record_administration(
            ctx,
            world.supervisor,
            world.episode_a,
            AdministrationCreate(instrument="phq9", answers=PHQ9_MODERATE),
        )
    with pytest.raises(NotFound):  # ben is not supervised by sam
        list_administrations(ctx, world.supervisor, world.episode_b)


def test_an_admin_sees_no_clinical_content(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(NotFound):
        list_administrations(ctx, world.admin, world.episode_a)


def test_a_patient_has_one_open_episode_at_a_time(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(Conflict):
        start_episode(ctx, world.ana, world.patient_a, EpisodeCreate())


def test_an_unknown_instrument_is_refused(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(UnknownInstrument):
        record_administration(
            ctx, world.ana, world.episode_a, AdministrationCreate(instrument="nope", answers=[1])
        )
