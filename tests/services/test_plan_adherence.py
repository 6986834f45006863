"""Whether the plan was followed (issue 15): recorded per dimension the plan tailors, kept,
audited; rupture repair derived from the stored alliance facts; sex and age band on the
patient record. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from attunement.errors import InputError, NotFound
from attunement.services import (
    AdministrationCreate,
    PatientCreate,
    PatientUpdate,
    PlanAdherenceSet,
    PromptDiscussionCreate,
    ServiceContext,
    get_patient,
    get_plan_adherence,
    get_status,
    list_audit,
    mark_prompt_discussed,
    record_administration,
    record_plan_adherence,
    register_patient,
    update_patient,
    update_profile,
)
from attunement.services._plan_adherence import episodes_followed
from tests.services.world import OPERATOR, World

PROFILE = {"reactance": "high", "stage_of_change": "contemplation"}


def test_sex_and_age_band_are_recorded_at_registration_and_changed_later(
    ctx: ServiceContext, world: World
) -> None:
    created = register_patient(
        ctx,
        world.ana,
        PatientCreate(display_name="Synthetic Carla", sex="female", age_band="26-40"),
    )
    assert (created.sex, created.age_band) == ("female", "26-40")
    changed = update_patient(ctx, world.ana, created.id, PatientUpdate(age_band="41-65"))
    assert (changed.sex, changed.age_band) == ("female", "41-65")  # a field left out is kept
    cleared = update_patient(ctx, world.ana, created.id, PatientUpdate(sex=None))
    assert cleared.sex is None
    assert get_patient(ctx, world.ana, created.id).age_band == "41-65"
    audit = [
        e for e in list_audit(ctx, OPERATOR, patient_id=created.id) if e.action == "patient.update"
    ]
    assert [e.detail for e in audit] == [{"changed": ["age_band"]}, {"changed": ["sex"]}]
    with pytest.raises(NotFound):
        update_patient(ctx, world.ben, created.id, PatientUpdate(sex="male"))


def test_a_sex_or_age_band_outside_the_list_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="sex"):
        PatientUpdate(sex="f")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="age_band"):
        PatientCreate(display_name="X", age_band="30")  # type: ignore[arg-type]


def test_the_dimensions_are_those_the_plan_tailors_and_the_latest_record_counts(
    ctx: ServiceContext, world: World
) -> None:
    update_profile(ctx, world.ana, world.patient_a, PROFILE)
    view = get_plan_adherence(ctx, world.ana, world.episode_a)
    assert {"reactance", "stage_of_change"} <= {d.dimension for d in view.dimensions}
    assert all(d.followed is None and d.latest is None for d in view.dimensions)
    assert view.followed == {}

    first = record_plan_adherence(
        ctx, world.ana, world.episode_a, PlanAdherenceSet(dimension="reactance", followed=True)
    )
    again = record_plan_adherence(
        ctx, world.ana, world.episode_a, PlanAdherenceSet(dimension="reactance", followed=True)
    )
    assert len(first.history) == len(again.history) == 1  # the same record adds nothing
    undone = record_plan_adherence(
        ctx,
        world.ana,
        world.episode_a,
        PlanAdherenceSet(dimension="reactance", followed=False, note="Gave homework anyway."),
    )
    assert undone.followed == {"reactance": False}
    assert [(r.followed, r.recorded_by) for r in undone.history] == [(True, "ana"), (False, "ana")]
    reactance = next(d for d in undone.dimensions if d.dimension == "reactance")
    assert reactance.label == "Reactance"
    assert reactance.latest is not None
    assert reactance.latest.note == "Gave homework anyway."

    audit = list_audit(ctx, OPERATOR, patient_id=world.patient_a)
    records = [e for e in audit if e.action == "plan_adherence.record"]
    assert len(records) == 3
    assert all("Gave homework" not in str(e.detail) for e in audit)  # no clinical text
    assert any(e.action == "plan_adherence.read" for e in audit)


def test_a_dimension_the_plan_does_not_tailor_is_refused_naming_it(
    ctx: ServiceContext, world: World
) -> None:
    update_profile(ctx, world.ana, world.patient_a, PROFILE)
    with pytest.raises(InputError) as refused:
        record_plan_adherence(
            ctx, world.ana, world.episode_a, PlanAdherenceSet(dimension="culture", followed=True)
        )
    assert refused.value.field == "dimension"
    assert "reactance" in refused.value.message  # what is allowed
    with pytest.raises(InputError, match="rupture_repair"):  # no alliance alert: not listed
        record_plan_adherence(
            ctx,
            world.ana,
            world.episode_a,
            PlanAdherenceSet(dimension="rupture_repair", followed=True),
        )
    with pytest.raises(NotFound):
        get_plan_adherence(ctx, world.ben, world.episode_a)


def test_the_alliance_prompt_discussed_after_an_alert_counts_as_rupture_repair(
    ctx: ServiceContext, world: World
) -> None:
    visits = (  # worse at session 2 with a collapsed alliance: a red alert, a rupture
        (1, [1] * 8 + [0], [4] * 12),
        (2, [3] * 8 + [0], [1] * 12),
    )
    for number, phq9, wai_sr in visits:
        for instrument, answers in (("phq9", phq9), ("wai_sr", wai_sr)):
            record_administration(
                ctx,
                world.ana,
                world.episode_a,
                AdministrationCreate(instrument=instrument, answers=answers, session_number=number),
            )
    status = get_status(ctx, world.ana, world.episode_a)
    assert status is not None
    assert status.alliance is not None
    assert status.alliance.state in ("rupture", "at_risk")
    before = get_plan_adherence(ctx, world.ana, world.episode_a)
    assert before.followed == {"rupture_repair": False}  # alerted, not yet repaired
    assert "rupture_repair" in [d.dimension for d in before.dimensions]
    assert _as_the_learning_reads_it(ctx, world.episode_a) == before.followed
    mark_prompt_discussed(ctx, world.ana, world.episode_a, "alliance", PromptDiscussionCreate())
    after = get_plan_adherence(ctx, world.ana, world.episode_a)
    assert after.followed == {"rupture_repair": True}
    assert _as_the_learning_reads_it(ctx, world.episode_a) == after.followed


def _as_the_learning_reads_it(ctx: ServiceContext, episode_id: int) -> dict[str, bool]:
    """The learning's read of many episodes at once (the stored status's session and
    alliance state), which must agree with the episode's own page."""
    with ctx.sessions() as session:
        return episodes_followed(session, [episode_id])[episode_id]
