"""A stored profile that this release refuses is named on the patient page, not hidden.

An older release compared preference values ignoring case only, so it could store "same
as mine" and "same-as-mine" as two treatment types; this release counts them as one value
and refuses the profile. The page says so above a plan that is not tailored (the plan of
an empty profile, still led by safety). All patients here are synthetic.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from attunement.services import ServiceContext
from attunement.store import Patient
from tests.http.web.pages import sign_in
from tests.services.world import START, World

TWO_SPELLINGS = {
    "preferences": [
        {"aspect": "treatment_type", "value": "same as mine", "strength": "moderate"},
        {"aspect": "treatment_type", "value": "same-as-mine", "strength": "strong"},
    ]
}


def test_the_page_names_why_the_stored_profile_is_not_used(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    with ctx.sessions.begin() as session:  # as stored by a release that accepted it
        session.execute(
            update(Patient)
            .where(Patient.id == world.patient_a)
            .values(profile=TWO_SPELLINGS, profile_updated_at=START)
        )
    sign_in(client, "ana")
    response = client.get(f"/patients/{world.patient_a}")
    assert response.status_code == 200
    assert "The stored profile no longer validates" in response.text
    assert "each value once" in response.text
    assert "same-as-mine" in response.text
