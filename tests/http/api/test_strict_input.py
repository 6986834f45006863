"""One accepted value must not break a record: strict input at every edge (issue 18).

Each case below was once accepted and then broke the patient's reports, FHIR export or the
clinic's research export, or raised a false risk flag. Each is now refused with 422 naming
the field, nothing is stored, and the record stays readable everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from attunement.errors import InputError, InvalidFile, NotFound, quote
from attunement.services import ServiceContext
from attunement.services._clean_input import check_json_data
from attunement.store import Administration, Patient
from attunement.wording import format_number
from tests.http.api.conftest import bearer
from tests.services.world import START, FakeClock, World

PHQ9 = [1, 1, 1, 1, 1, 1, 1, 1, 0]


def _count(ctx: ServiceContext, table: Any) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _post_answers(client: TestClient, ctx: ServiceContext, world: World, raw: str) -> Any:
    body = '{"instrument": "phq9", "answers": ' + raw + "}"
    return client.post(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        content=body,
        headers={**bearer(ctx, "ana"), "Content-Type": "application/json"},
    )


@pytest.mark.parametrize(
    "raw",
    [
        "[NaN, 0, 0, 0, 0, 0, 0, 0, 0]",
        "[Infinity, 0, 0, 0, 0, 0, 0, 0, 0]",
        "[0, 0, 0, 0, 0, 0, 0, 0, true]",  # true on item 9 once raised the suicide-risk flag
        "[false, 0, 0, 0, 0, 0, 0, 0, 0]",
        "[2.0, 0, 0, 0, 0, 0, 0, 0, 0]",
        "[1.5, 0, 0, 0, 0, 0, 0, 0, 0]",
        '["2", 0, 0, 0, 0, 0, 0, 0, 0]',
        "[9, 0, 0, 0, 0, 0, 0, 0, 0]",
        "[99999999999999999999999, 0, 0, 0, 0, 0, 0, 0, 0]",
    ],
)
def test_an_answer_that_is_not_an_allowed_integer_is_refused_and_nothing_is_stored(
    raw: str, client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = _post_answers(client, ctx, world, raw)
    assert response.status_code == 422, response.text
    assert response.json()["field"].startswith(("answers", "phq9_1")), response.json()
    assert _count(ctx, Administration) == 0


def test_after_a_refused_nan_the_reports_and_fhir_export_of_the_patient_still_work(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    assert _post_answers(client, ctx, world, "[NaN, 0, 0, 0, 0, 0, 0, 0, 0]").status_code == 422
    assert _post_answers(client, ctx, world, json.dumps(PHQ9)).status_code == 201
    headers = bearer(ctx, "ana")
    for path in (
        f"/reports/patients/{world.patient_a}.html",
        f"/reports/patients/{world.patient_a}.pdf",
        f"/fhir/Patient/{world.patient_a}/$everything",
    ):
        assert client.get(path, headers=headers).status_code == 200, path


def test_missing_answers_are_null_and_accepted(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = _post_answers(client, ctx, world, "[1, 1, 1, 1, 1, 1, 1, 1, null]")
    assert response.status_code == 201, response.text
    assert response.json()["answers"][-1] is None


@pytest.mark.parametrize(
    ("administered_at", "allowed"),
    [
        ("9999-12-31T00:00:00Z", "on or before"),
        ("2026-03-02T09:10:00Z", "on or before"),  # beyond the five-minute clock skew
        ("2026-03-01T12:00:00Z", "the episode's start"),  # the episode starts on 2026-03-02
        ("1899-12-31T12:00:00Z", "the episode's start"),
        ("2026-03-02T08:00:00", "zone"),
    ],
)
def test_a_time_in_the_future_or_before_the_episode_is_refused(
    administered_at: str, allowed: str, client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = client.post(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        json={"instrument": "phq9", "answers": PHQ9, "administered_at": administered_at},
        headers=bearer(ctx, "ana"),
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == "administered_at"
    assert allowed in body["allowed"]
    assert _count(ctx, Administration) == 0


def test_a_time_within_the_clock_skew_is_accepted(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    ahead = (START + dt.timedelta(minutes=4)).isoformat()
    response = client.post(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        json={"instrument": "phq9", "answers": PHQ9, "administered_at": ahead},
        headers=bearer(ctx, "ana"),
    )
    assert response.status_code == 201, response.text


def test_an_episode_cannot_start_in_the_future(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    created = client.post(
        "/api/v1/patients", json={"display_name": "Synthetic Ida"}, headers=bearer(ctx, "ana")
    ).json()
    response = client.post(
        f"/api/v1/patients/{created['id']}/episodes",
        json={"started_on": "9999-12-31"},
        headers=bearer(ctx, "ana"),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "started_on"


@pytest.mark.parametrize("name", ["a\x00b", "tab\there", "bell\x07", "c1\x85inside", "\u0000"])
def test_control_characters_in_a_name_are_refused_on_every_database(
    name: str, client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = client.post(
        "/api/v1/patients", json={"display_name": name}, headers=bearer(ctx, "ana")
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "display_name"
    assert name not in response.text
    assert _count(ctx, Patient) == 2  # the world's two


def test_a_profile_holding_nan_is_refused_before_it_is_stored(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = client.put(
        f"/api/v1/patients/{world.patient_a}/profile",
        content='{"instruments": {"phq9": [NaN, 0, 0, 0, 0, 0, 0, 0, 0]}}',
        headers={**bearer(ctx, "ana"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "profile.instruments.phq9.0"


def test_json_data_checks_name_the_path_of_the_first_bad_value() -> None:
    with pytest.raises(InputError, match=r"profile\.a\.1: inf"):
        check_json_data("profile", {"a": [1, math.inf]})
    nested: Any = 1
    for _ in range(40):
        nested = [nested]
    with pytest.raises(InputError, match="nested at most"):
        check_json_data("profile", nested)
    check_json_data("profile", {"note": "two\nlines\tand a tab"})


def test_a_huge_value_is_quoted_by_a_short_prefix_in_the_error(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    value = "x" * 200_000
    response = client.post(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        json={"instrument": value, "answers": PHQ9},
        headers=bearer(ctx, "ana"),
    )
    assert response.status_code == 422
    assert len(response.content) < 1_000
    response = client.put(
        f"/api/v1/patients/{world.patient_a}/profile",
        json={value: "high"},
        headers=bearer(ctx, "ana"),
    )
    assert response.status_code == 422
    assert len(response.content) < 1_000


def test_quote_keeps_errors_short_whatever_the_value() -> None:
    assert quote("y" * 10_000_000) == "'" + "y" * 39 + "…"
    assert quote(10**5000).endswith("(16610-bit integer)")
    assert len(quote(10**5000)) < 80
    nested: Any = []
    for _ in range(100_000):
        nested = [nested]
    assert quote(nested) == "<a list nested too deeply to show>"
    assert str(NotFound("patient", 2**70)) == "patient 1180591620717411303424 not found"
    assert len(InvalidFile("/x", "y").message) < 10


@pytest.mark.parametrize(
    ("value", "shown"),
    [(12.0, "12"), (12.5, "12.5"), (math.nan, "—"), (math.inf, "—"), (None, "—")],
)
def test_the_chart_formatter_is_total(value: float | None, shown: str) -> None:
    assert format_number(value) == shown
