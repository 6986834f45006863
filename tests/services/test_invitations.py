"""Patient self-report: single-use, expiring links in the patient's language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from attunement.errors import AuthenticationError, InputError, InvalidAnswer, NotFound
from attunement.instruments import load_instrument
from attunement.services import (
    InvitationCreate,
    SelfReportSubmission,
    ServiceContext,
    describe_invitation,
    get_patient,
    invite_patient,
    list_administrations,
    open_invitation,
    submit_self_report,
)
from attunement.store import Invitation
from tests.services.world import FakeClock, World

PHQ9 = [1, 1, 2, 1, 0, 1, 1, 0, 0]


def _phq9_only(ctx: ServiceContext, world: World) -> str:
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"]))
    return issued.token


def test_the_default_invitation_asks_the_episodes_instruments_in_the_patients_language(
    ctx: ServiceContext, world: World
) -> None:
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate())
    assert issued.language == "es"
    expected = [i for i in ("phq9", "wai_sr") if "es" in load_instrument(i).languages]
    assert issued.instruments == expected
    assert issued.url_path.endswith(issued.token)
    view = describe_invitation(ctx, open_invitation(ctx, issued.token))
    assert (view.instruments, view.language) == (expected, "es")


def test_only_a_digest_of_the_token_is_stored(ctx: ServiceContext, world: World) -> None:
    token = _phq9_only(ctx, world)
    with ctx.sessions() as session:
        stored = session.scalars(select(Invitation)).one()
    assert token not in stored.digest
    assert len(stored.digest) == 64


def test_answers_appear_for_the_clinician_at_once_and_the_link_is_spent(
    ctx: ServiceContext, world: World
) -> None:
    token = _phq9_only(ctx, world)
    patient = open_invitation(ctx, token)
    stored = submit_self_report(
        ctx,
        patient,
        SelfReportSubmission.model_validate(
            {"responses": [{"instrument": "phq9", "answers": PHQ9}]}
        ),
    )
    assert stored[0].language == "es"
    assert stored[0].entered_by == f"invitation:{patient.invitation_id}"
    assert [a.id for a in list_administrations(ctx, world.ana, world.episode_a)] == [stored[0].id]
    with pytest.raises(AuthenticationError):
        open_invitation(ctx, token)
    with pytest.raises(AuthenticationError):  # a replay with the actor already resolved
        submit_self_report(
            ctx,
            patient,
            SelfReportSubmission.model_validate(
                {"responses": [{"instrument": "phq9", "answers": PHQ9}]}
            ),
        )


def test_invalid_answers_store_nothing_and_keep_the_link(ctx: ServiceContext, world: World) -> None:
    token = _phq9_only(ctx, world)
    patient = open_invitation(ctx, token)
    with pytest.raises(InvalidAnswer):
        submit_self_report(
            ctx,
            patient,
            SelfReportSubmission.model_validate(
                {"responses": [{"instrument": "phq9", "answers": [9] * 9}]}
            ),
        )
    assert list_administrations(ctx, world.ana, world.episode_a) == []
    assert open_invitation(ctx, token).invitation_id == patient.invitation_id


def test_the_due_questionnaires_must_all_be_answered(ctx: ServiceContext, world: World) -> None:
    issued = invite_patient(
        ctx, world.ben, world.episode_b, InvitationCreate(instruments=["phq9", "gad7"])
    )
    patient = open_invitation(ctx, issued.token)
    with pytest.raises(InputError):
        submit_self_report(
            ctx,
            patient,
            SelfReportSubmission.model_validate(
                {"responses": [{"instrument": "phq9", "answers": PHQ9}]}
            ),
        )


def test_the_link_expires(ctx: ServiceContext, world: World, clock: FakeClock) -> None:
    issued = invite_patient(
        ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"], expires_in_hours=2)
    )
    clock.advance(hours=1, minutes=59)
    open_invitation(ctx, issued.token)
    clock.advance(minutes=1)
    with pytest.raises(AuthenticationError):
        open_invitation(ctx, issued.token)


def test_a_made_up_token_is_refused(ctx: ServiceContext) -> None:
    with pytest.raises(AuthenticationError):
        open_invitation(ctx, "inv_" + "A" * 43)


def test_the_patient_token_opens_nothing_else(ctx: ServiceContext, world: World) -> None:
    patient = open_invitation(ctx, _phq9_only(ctx, world))
    with pytest.raises(NotFound):
        get_patient(ctx, patient, world.patient_a)


def test_an_explicit_language_must_exist_for_every_instrument(
    ctx: ServiceContext, world: World
) -> None:
    with pytest.raises(InputError):
        invite_patient(
            ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"], language="xx")
        )


def test_only_the_treating_clinician_invites(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(NotFound):
        invite_patient(ctx, world.ben, world.episode_a, InvitationCreate())
