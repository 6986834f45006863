"""The web forms are as strict as the API: whole-number answers, sane dates, plain names.

A refused form re-shows with the message and stores nothing — not even half of what it
would have stored (registering a patient whose episode is then refused).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from attunement.services import ServiceContext
from attunement.store import Administration, Episode, Patient
from tests.http.web.pages import count, form_token, sign_in
from tests.services.world import World

PHQ9_ANSWERS = {f"phq9.phq9_{n}": "1" for n in range(1, 10)}


def _record_session(client: TestClient, world: World, **fields: str) -> Response:
    """Post the session form of patient A as ana: PHQ-9 all 1s, with ``fields`` changed."""
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/session"
    form = {"session": "1", "held_on": "2026-03-02", "instrument": "phq9", **PHQ9_ANSWERS}
    return client.post(
        path,
        data={"csrf_token": form_token(client, path), **form, **fields},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    "typed", ["2.0", "1,0", "nan", "true", "٢", "1e0", "9" * 5_000], ids=lambda t: t[:8]
)
def test_a_session_answer_must_be_a_whole_number_from_the_allowed_values(
    typed: str, client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = _record_session(client, world, **{"phq9.phq9_9": typed})
    assert response.status_code == 422
    quoted = re.search(r"PHQ-9 item 9: “([^”]*)” is not an allowed answer", response.text)
    assert quoted is not None, response.text[:2000]
    assert len(quoted.group(1)) <= 41  # the message quotes a short prefix, never all of it
    assert count(ctx, Administration) == 0


@pytest.mark.parametrize("held_on", ["9999-12-31", "2026-03-01", "1899-01-01"])
def test_a_session_date_in_the_future_or_before_the_episode_is_refused(
    held_on: str, client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = _record_session(client, world, held_on=held_on)
    assert response.status_code == 422
    assert count(ctx, Administration) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("started_on", "9999-12-31"),
        ("outcome_instrument", "no_such_instrument"),
        ("display_name", "Synthetic\x00Null"),
    ],
)
def test_a_new_patient_whose_episode_would_be_refused_is_not_registered(
    field: str, value: str, client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    form = {
        "display_name": "Synthetic Dora",
        "preferred_language": "en",
        "outcome_instrument": "phq9",
        "started_on": "2026-03-02",
        field: value,
    }
    response = client.post(
        "/patients/new",
        data={"csrf_token": form_token(client, "/patients/new"), **form},
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text[:500]
    assert count(ctx, Patient) == 2
    assert count(ctx, Episode) == 2
