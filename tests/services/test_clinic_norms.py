"""A K10 episode is judged with the clinic's own intake SD once enough episodes exist.

Issue 11: "K10 20 → 40 gives alert: null". The K10 publishes a reliability but neither an SD
nor a reliable-change threshold; the services compute the clinic's intake SD (labelled
clinic-derived) once the stated minimum of episodes exists, and pass it to the status.
"""

from __future__ import annotations

import datetime as dt

from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    PatientCreate,
    ServiceContext,
    get_status,
    record_administration,
    refresh_stale_statuses,
    register_patient,
    start_episode,
)
from tests.services.world import FakeClock, World


def _k10(total: int) -> list[int]:
    """Ten K10 answers (1-5) summing to ``total``."""
    answers = [1] * 10
    extra = total - 10
    for i in range(10):
        step = min(4, extra)
        answers[i] += step
        extra -= step
    return answers


def _k10_episode(ctx: ServiceContext, world: World, name: str, totals: list[int]) -> int:
    patient = register_patient(ctx, world.ana, PatientCreate(display_name=name)).id
    episode = start_episode(
        ctx,
        world.ana,
        patient,
        EpisodeCreate(outcome_instrument="k10", started_on=dt.date(2026, 3, 2)),
    ).id
    for week, total in enumerate(totals):
        record_administration(
            ctx,
            world.ana,
            episode,
            AdministrationCreate(
                instrument="k10",
                answers=_k10(total),
                administered_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
                + dt.timedelta(weeks=week),
            ),
        )
    return episode


def test_k10_20_to_40_is_judged_and_says_which_norms(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(days=60)
    episode = _k10_episode(ctx, world, "Synthetic Kay", [20, 40, 40])
    before = get_status(ctx, world.ana, episode)
    assert before.alert == "red"  # never null: judged by the scale's range bound meanwhile
    assert before.norms.sd_origin != "clinic-derived"
    for index in range(50):
        _k10_episode(ctx, world, f"Synthetic K{index}", [14 + index % 20])
    after = get_status(ctx, world.ana, episode)
    assert after.norms.sd_origin == "clinic-derived"
    assert after.alert == "red"
    assert after.norms.clinic_norms is not None
    # taken when the 50th episode had its intake; the 51st does not move them (issue 13)
    assert after.norms.clinic_norms.n_episodes == 50
    assert "clinic-derived" in (after.norms.reliable_change_basis or "")


def _gad7(total: int) -> list[int]:
    answers = [0] * 7
    for i in range(total):
        answers[i % 7] += 1
    return answers


def test_the_clinics_caseness_convention_decides_the_healthy_range(
    ctx: ServiceContext, world: World
) -> None:
    from dataclasses import replace

    patient = register_patient(ctx, world.ana, PatientCreate(display_name="Synthetic Gus")).id
    episode = start_episode(ctx, world.ana, patient, EpisodeCreate(outcome_instrument="gad7")).id
    for total in (15, 9):
        record_administration(
            ctx, world.ana, episode, AdministrationCreate(instrument="gad7", answers=_gad7(total))
        )
    published = get_status(ctx, world.ana, episode)
    # statuses are stored: a clinic that changes its convention has them recomputed (at the
    # server's start, or `attune status --refresh`)
    clinic = replace(ctx, caseness="nhs_talking_therapies")
    assert refresh_stale_statuses(clinic) >= 1
    talking_therapies = get_status(clinic, world.ana, episode)
    assert published.alert == "white"  # 9 is below Spitzer et al.'s 10
    assert talking_therapies.alert != "white"  # 9 is at or above NHS Talking Therapies' 8
    assert talking_therapies.norms.cutoff == 8
