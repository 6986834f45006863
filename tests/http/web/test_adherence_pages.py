"""Sex, age band and "Was this part of the plan followed?" on the web pages (issue 15),
through HTTP (no browser): registered with the patient, shown in words; each part of the
plan recorded as followed or not, kept and audited; a refusal in the form's words."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from attunement.services import ServiceContext, get_patient, update_profile
from attunement.store import PlanAdherenceRecord
from tests.http.web.pages import csrf_from, sign_in
from tests.services.world import World


def test_registering_keeps_the_sex_and_age_band_and_the_page_shows_them_in_words(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    form = client.get("/patients/new").text
    assert 'name="sex"' in form
    assert "26 to 40 years" in form
    response = client.post(
        "/patients/new",
        data={
            "csrf_token": csrf_from(form),
            "display_name": "Synthetic Elena",
            "preferred_language": "en",
            "sex": "female",
            "age_band": "26-40",
            "outcome_instrument": "phq9",
            "alliance_instrument": "",
            "started_on": ctx.now().date().isoformat(),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    patient_id = int(response.headers["location"].split("/")[2])
    stored = get_patient(ctx, world.ana, patient_id)
    assert (stored.sex, stored.age_band) == ("female", "26-40")
    page = client.get(f"/patients/{patient_id}").text
    assert "Sex: Female" in page
    assert "Age: 26 to 40 years" in page


def test_a_wrong_sex_is_refused_in_the_forms_words(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    form = client.get("/patients/new").text
    response = client.post(
        "/patients/new",
        data={
            "csrf_token": csrf_from(form),
            "display_name": "Synthetic Elena",
            "sex": "F",
            "outcome_instrument": "phq9",
            "started_on": ctx.now().date().isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Sex:" in response.text
    assert 'id="f-sex"' in response.text


def test_each_part_of_the_plan_can_be_recorded_followed_or_not_and_is_kept(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    update_profile(ctx, world.ana, world.patient_a, {"reactance": "high"})
    sign_in(client, "ana")
    page = client.get(f"/patients/{world.patient_a}").text
    assert "Was this part of the plan followed?" in page
    assert 'name="dimension" value="reactance"' in page

    def record(followed: str, note: str = "") -> int:
        response = client.post(
            f"/patients/{world.patient_a}/plan-adherence",
            data={
                "csrf_token": csrf_from(page),
                "episode_id": str(world.episode_a),
                "dimension": "reactance",
                "followed": followed,
                "note": note,
            },
            follow_redirects=False,
        )
        return response.status_code

    assert record("1") == 303
    assert record("0", "Homework was insisted on.") == 303
    shown = client.get(f"/patients/{world.patient_a}?saved=adherence").text
    assert "the latest one counts" in shown
    assert "Recorded by ana on" in shown
    assert 'value="Homework was insisted on."' in shown
    with ctx.sessions() as session:
        rows = session.scalars(select(PlanAdherenceRecord.followed)).all()
    assert rows == [True, False]

    refused = client.post(
        f"/patients/{world.patient_a}/plan-adherence",
        data={
            "csrf_token": csrf_from(page),
            "episode_id": str(world.episode_a),
            "dimension": "culture",
            "followed": "1",
        },
    )
    assert refused.status_code == 422
    assert "not a part of the patient" in refused.text
    assert "culture" not in refused.text.split('id="adherence-problem"')[1][:300]


def test_the_intake_page_changes_the_sex_and_age_band_and_refuses_a_wrong_one_by_its_label(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    page = client.get(f"/patients/{world.patient_a}/intake").text
    assert "Save sex and age band" in page
    path = f"/patients/{world.patient_a}/demographics"
    saved = client.post(
        path,
        data={"csrf_token": csrf_from(page), "sex": "male", "age_band": "41-65"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    stored = get_patient(ctx, world.ana, world.patient_a)
    assert (stored.sex, stored.age_band) == ("male", "41-65")
    shown = client.get(f"/patients/{world.patient_a}/intake").text
    assert '<option value="male" selected>' in shown
    cleared = client.post(path, data={"csrf_token": csrf_from(page), "sex": "", "age_band": ""})
    assert cleared.status_code == 200
    assert get_patient(ctx, world.ana, world.patient_a).sex is None
    refused = client.post(path, data={"csrf_token": csrf_from(page), "age_band": "forty"})
    assert refused.status_code == 422
    assert "Age band:" in refused.text
    assert get_patient(ctx, world.ana, world.patient_a).age_band is None  # nothing half-written
