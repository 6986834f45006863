"""A stored profile that this release refuses is named on the patient page, not hidden.

An older release compared preference values ignoring case only, so it could store "same
as mine" and "same-as-mine" as two treatment types; this release counts them as one value
and refuses the profile. The page says so above a plan that is not tailored (the plan of
an empty profile, still led by safety). All patients here are synthetic.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from attunement.services import ServiceContext
from tests.http.web.pages import sign_in
from tests.services.world import START, World
from tests.support.refused_profile import store_as_an_older_release


def test_the_page_names_why_the_stored_profile_is_not_used(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    store_as_an_older_release(ctx, world.patient_a, START)
    sign_in(client, "ana")
    response = client.get(f"/patients/{world.patient_a}")
    assert response.status_code == 200
    assert "The stored profile no longer validates" in response.text
    assert "each value once" in response.text
    assert "same-as-mine" in response.text
