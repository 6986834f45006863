"""A stored profile that this release's parser refuses never takes the record down.

A release can refuse what an older one stored: two spellings of one treatment type
("same as mine", "same-as-mine") became one value, so a profile listing both no longer
validates. The patient page then says why (the web page shows the reason above a plan that is
not tailored: the plan of an empty profile, still led by safety), and the status, the caseload
and a new administration go on as before. All patients here are synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest

from attunement.errors import InvalidProfile
from attunement.services import (
    AdministrationCreate,
    ServiceContext,
    caseload,
    get_status,
    patient_page,
    patient_profile,
    record_administration,
)
from tests.services.world import START, FakeClock, World
from tests.support.refused_profile import store_as_an_older_release


def test_a_refused_stored_profile_shows_its_problem_and_the_record_goes_on(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(weeks=2)
    record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=[2] * 9, administered_at=START),
    )
    store_as_an_older_release(ctx, world.patient_a, START)
    record_administration(  # the status refresh of a write reads the profile too
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(
            instrument="phq9", answers=[1] * 9, administered_at=START + dt.timedelta(weeks=1)
        ),
    )
    page = patient_page(ctx, world.ana, world.patient_a)
    with pytest.raises(InvalidProfile, match="each value once"):  # the page shows why
        patient_profile(page.patient)
    assert page.plan is not None  # the plan of an empty profile, led by safety
    assert page.plan.safety
    assert not [r for r in page.plan.recommendations if "treatment_type" in r.id]
    status = get_status(ctx, world.ana, world.episode_a)
    assert status.latest_session == 2
    assert world.patient_a in {e.patient_id for e in caseload(ctx, world.ana).entries}
