"""The stored status judges WAI-SR falls by the clinic's own SD once enough episodes exist.

Issue 16: "Rupture alerts respect the instrument's measurement error." The WAI-SR publishes
a reliability (alpha > .80, Munder et al. 2010) but no SD; the services compute the SD of
each episode's first WAI-SR (clinic-derived) once the stated minimum of 50 episodes exists,
the stored statuses use it, and they are recomputed when the norms are taken again (issue
13: once the clinic has grown by the stated factor, not at every new first measure).
All patients here are synthetic.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import select

from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    PatientCreate,
    ServiceContext,
    get_status,
    record_administration,
    register_patient,
    start_episode,
)
from attunement.store import EpisodeStatusRecord
from tests.services.test_status_races import stored_and_recomputed
from tests.services.world import FakeClock, World

START = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def _wai(total: int) -> list[int]:
    """Twelve WAI-SR answers (1-5) summing to ``total`` (their mean is total / 12)."""
    answers = [1] * 12
    extra = total - 12
    for i in range(12):
        step = min(4, extra)
        answers[i] += step
        extra -= step
    return answers


def _episode(
    ctx: ServiceContext, world: World, name: str, wai_totals: list[int], *, phq9: bool = False
) -> int:
    patient = register_patient(ctx, world.ana, PatientCreate(display_name=name)).id
    episode = start_episode(
        ctx,
        world.ana,
        patient,
        EpisodeCreate(
            outcome_instrument="phq9", alliance_instrument="wai_sr", started_on=START.date()
        ),
    ).id
    for week, total in enumerate(wai_totals):
        when = START + dt.timedelta(weeks=week)
        if phq9:
            record_administration(
                ctx,
                world.ana,
                episode,
                AdministrationCreate(instrument="phq9", answers=[2] * 9, administered_at=when),
            )
        record_administration(
            ctx,
            world.ana,
            episode,
            AdministrationCreate(instrument="wai_sr", answers=_wai(total), administered_at=when),
        )
    return episode


def _inputs_version(ctx: ServiceContext, episode: int) -> str:
    with ctx.sessions() as session:
        return session.scalars(
            select(EpisodeStatusRecord.inputs_version).where(
                EpisodeStatusRecord.episode_id == episode
            )
        ).one()


def test_fifty_episodes_with_the_wai_sr_give_clinic_derived_limits_in_the_stored_status(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(days=60)
    # WAI-SR 55/12 = 4.58 then 46/12 = 3.83: a fall of 0.75, a rupture by the assumed 0.5
    episode = _episode(ctx, world, "Synthetic Wren", [55, 46], phq9=True)
    assumed = get_status(ctx, world.ana, episode).alliance
    assert assumed is not None
    assert assumed.limits_origin == "assumption"
    assert assumed.state == "rupture"
    before = _inputs_version(ctx, episode)

    # 49 more first measures, 38/12 = 3.17 and 53/12 = 4.42 in turn: SD 0.63, bound 0.79
    for index in range(49):
        _episode(ctx, world, f"Synthetic W{index}", [38 if index % 2 else 53])
    derived = get_status(ctx, world.ana, episode).alliance
    assert derived is not None
    assert derived.limits_origin == "clinic-derived"
    assert derived.clinic_norms is not None
    assert derived.clinic_norms.n_episodes == 50
    sd = derived.clinic_norms.sd
    assert derived.drop_bound == pytest.approx(1.96 * math.sqrt(2) * sd * math.sqrt(0.2))
    assert (derived.drop_bound or 0) > 0.75  # the 0.75 fall is within measurement error ...
    assert derived.state == "at_risk"  # ... but beyond one S_diff
    assert _inputs_version(ctx, episode) != before

    # more first measures at the clinic's mean (46/12) narrow the SD, but the norms in use
    # are taken again only once the clinic has grown by the stated factor (1.25: 63 episodes)
    # since they were taken: until then no stored status is recomputed
    taken = _inputs_version(ctx, episode)
    for index in range(12):
        _episode(ctx, world, f"Synthetic V{index}", [46])
    kept = get_status(ctx, world.ana, episode).alliance
    assert kept is not None
    assert kept.clinic_norms is not None
    assert (kept.clinic_norms.n_episodes, kept.clinic_norms.sd) == (50, sd)
    assert _inputs_version(ctx, episode) == taken

    # the 63rd: SD 0.56, bound 0.70, the stored status is recomputed and the same fall is now
    # a rupture
    _episode(ctx, world, "Synthetic V12", [46])
    narrowed = get_status(ctx, world.ana, episode).alliance
    assert narrowed is not None
    assert narrowed.clinic_norms is not None
    assert narrowed.clinic_norms.n_episodes == 63
    assert narrowed.clinic_norms.sd < sd
    assert (narrowed.drop_bound or 1) < 0.75
    assert narrowed.state == "rupture"
    assert _inputs_version(ctx, episode) != taken


def test_later_alliance_measures_do_not_move_the_clinic_sd(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(days=60)
    episode = _episode(ctx, world, "Synthetic Yara", [55, 46], phq9=True)
    for index in range(49):
        _episode(ctx, world, f"Synthetic Y{index}", [36 if index % 2 else 54, 20, 60])
    status = get_status(ctx, world.ana, episode).alliance
    assert status is not None
    assert status.clinic_norms is not None
    first = [55] + [36 if index % 2 else 54 for index in range(49)]
    mean = sum(first) / len(first) / 12
    sd = math.sqrt(sum((t / 12 - mean) ** 2 for t in first) / (len(first) - 1))
    assert status.clinic_norms.sd == pytest.approx(sd)


def test_intakes_written_together_at_the_threshold_all_succeed(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    """Issue 13: writers that find the norms due at the same moment never deadlock or fail
    (on PostgreSQL one takes them, the others leave it to it), and no stored status misses
    a write or the norms in use; the norms end up taken."""
    from concurrent.futures import ThreadPoolExecutor

    from attunement.services import refresh_stale_statuses
    from attunement.store import ClinicNormsRecord

    clock.advance(days=60)
    for index in range(46):
        _episode(ctx, world, f"Synthetic T{index}", [38 if index % 2 else 53])

    def intake(index: int) -> int:
        return _episode(ctx, world, f"Synthetic U{index}", [40 + index], phq9=True)

    with ThreadPoolExecutor(max_workers=6) as pool:
        episodes = list(pool.map(intake, range(12)))  # 58 episodes: taken at 50 at least
    assert len(set(episodes)) == 12
    # every stored status holds its writes and the norms stored now (a writer that left
    # the taking to another recomputed its rows once that one had committed)
    stored, recomputed = stored_and_recomputed(ctx)
    assert stored == recomputed
    refresh_stale_statuses(ctx)  # takes them if no writer saw 50 committed episodes
    with ctx.sessions() as session:
        taken = session.get(ClinicNormsRecord, ("wai_sr", "total", "alliance"))
        assert taken is not None
        assert 50 <= taken.n_episodes <= 58
