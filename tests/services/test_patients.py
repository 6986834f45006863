"""Patients: register, read, list by role, profile validation, plan."""

from __future__ import annotations

import pytest

from attunement.errors import Conflict, Forbidden, InvalidProfile, NotFound
from attunement.services import (
    InvitationActor,
    PatientCreate,
    ServiceContext,
    get_patient,
    get_plan,
    list_patients,
    register_patient,
    update_profile,
)
from tests.services.world import World

PROFILE = {"reactance": "high", "stage_of_change": "contemplation"}


def test_registering_returns_the_record_with_its_id(ctx: ServiceContext, world: World) -> None:
    created = register_patient(
        ctx,
        world.ana,
        PatientCreate(display_name="Synthetic Carla", preferred_language="es", external_id="C-9"),
    )
    assert created.id > 0
    assert created.clinician_id == world.ana.user_id
    assert get_patient(ctx, world.ana, created.id) == created


def test_a_duplicate_external_id_conflicts(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(Conflict):
        register_patient(ctx, world.ana, PatientCreate(display_name="X", external_id="A-1"))


def test_each_role_sees_exactly_its_patients(ctx: ServiceContext, world: World) -> None:
    def ids(actor: object) -> set[int]:
        return {p.id for p in list_patients(ctx, actor)}  # type: ignore[arg-type]

    assert ids(world.ana) == {world.patient_a}
    assert ids(world.ben) == {world.patient_b}
    assert ids(world.supervisor) == {world.patient_a}
    with pytest.raises(Forbidden):
        list_patients(ctx, world.admin)


@pytest.mark.parametrize("who", ["ben", "admin"])
def test_another_clinicians_patient_answers_not_found(
    ctx: ServiceContext, world: World, who: str
) -> None:
    with pytest.raises(NotFound) as other:
        get_patient(ctx, getattr(world, who), world.patient_a)
    with pytest.raises(NotFound) as missing:
        get_patient(ctx, getattr(world, who), 999_999)
    assert type(other.value) is type(missing.value)  # indistinguishable: ids not confirmed


def test_an_invitation_token_opens_no_patient_record(ctx: ServiceContext, world: World) -> None:
    patient = InvitationActor(
        invitation_id=1,
        episode_id=world.episode_a,
        patient_id=world.patient_a,
        instruments=("phq9",),
        language="es",
    )
    with pytest.raises(NotFound):
        get_patient(ctx, patient, world.patient_a)


def test_the_profile_is_validated_and_stored(ctx: ServiceContext, world: World) -> None:
    updated = update_profile(ctx, world.ana, world.patient_a, PROFILE)
    assert updated.profile == PROFILE
    assert updated.profile_updated_at is not None
    with pytest.raises(InvalidProfile) as raised:
        update_profile(ctx, world.ana, world.patient_a, {"reactance": "extreme"})
    assert "reactance" in raised.value.field
    assert get_patient(ctx, world.ana, world.patient_a).profile == PROFILE


def test_a_supervisor_may_not_change_a_supervisees_profile(
    ctx: ServiceContext, world: World
) -> None:
    with pytest.raises(Forbidden):
        update_profile(ctx, world.supervisor, world.patient_a, PROFILE)


def test_the_plan_comes_from_the_stored_profile(ctx: ServiceContext, world: World) -> None:
    from attunement.profile import parse_profile
    from attunement.tailoring import plan

    update_profile(ctx, world.ana, world.patient_a, PROFILE)
    served = get_plan(ctx, world.ana, world.patient_a)
    expected = plan(parse_profile(PROFILE, assessed_on=served_date(ctx, world)))
    assert served.model_dump(mode="json") == expected.model_dump(mode="json")
    assert get_plan(ctx, world.supervisor, world.patient_a) == served
    with pytest.raises(NotFound):
        get_plan(ctx, world.ben, world.patient_a)


def served_date(ctx: ServiceContext, world: World) -> object:
    updated = get_patient(ctx, world.ana, world.patient_a).profile_updated_at
    assert updated is not None
    return updated.date()
