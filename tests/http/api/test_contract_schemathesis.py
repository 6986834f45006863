"""The OpenAPI contract holds exactly: schemathesis against every documented operation.

For each operation of ``/api/v1/openapi.json`` (the REST API, FHIR, CDS Hooks and report
downloads), as a clinician and as an admin, schemathesis generates requests from the schema
— schema-valid ones, schema-valid ones aimed at the records that exist (a patient, an
episode with a recorded session and its PHQ-9, a user, a questionnaire), and
schema-violating ones — and checks every response: no server error, the status code and
the content type are documented, the body matches the documented schema (error bodies
included), documented headers are present, a schema-violating request is not accepted and a
schema-valid one is not refused as malformed (400/422) — except by the rules a schema
cannot state, listed in :data:`STORED_RULES` with the field the refusal names.

Bounded for CI: a fresh small clinic per operation and :data:`EXAMPLES` cases per
operation, role and kind of request — about 1,200 cases on SQLite and 420 on PostgreSQL
(the cases of a run are in ``--junitxml``'s ``cases`` properties).
``ATTUNE_CONTRACT_SCALE=20`` multiplies the cases (a deep run, by hand).

Under ``ATTUNE_REQUIRE_ALL=1`` (CI) the cases are derandomised — the same cases every run,
so whether a change lands is never decided by which cases a run happened to draw; a local
run draws new random cases each time and keeps exploring.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode, openapi
from schemathesis.checks import (
    CheckContext,
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from attunement.http import create_app
from attunement.http._idempotency import IDEMPOTENCY_HEADER
from attunement.instruments import list_instruments
from attunement.services import (
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionCreate,
    list_end_reasons,
    login_for_token,
    record_session,
)
from attunement.store import make_engine
from tests.http.api.conftest import app_settings, bearer
from tests.services.world import PASSWORD, FakeClock, World, fast_passwords

SCHEMA_PATH = "/api/v1/openapi.json"
#: the same cases every run in CI (the module docstring says why)
DERANDOMISED = os.environ.get("ATTUNE_REQUIRE_ALL") == "1"
#: cases per operation × role × kind of request, per database
EXAMPLES = {"sqlite": 6, "postgresql": 2}
SCALE = int(os.environ.get("ATTUNE_CONTRACT_SCALE", "1"))

#: Refusals (422) of schema-valid requests that a schema cannot state, by operation: the
#: field the refusal names. Each rule depends on stored records, on another field or on
#: the chosen instrument (or, for passwords, on how guessable the password is); every
#: other 422 of a schema-valid request fails the contract.
ANY_FIELD = "*"
_INSTRUMENT_ANSWERS = frozenset({"answers", "language"})  # item count, languages per instrument
#: an answer outside its item's options is refused naming the item (``phq9_2``): a rule of
#: the chosen instrument, counted with ``answers``
ITEM_IDS = frozenset(item.id for d in list_instruments() for item in d.items)
STORED_RULES: dict[str, frozenset[str]] = {
    # the accounts named must exist and hold the roles a grant needs
    "POST /api/v1/access-grants": frozenset({"role", "supervisor", "username"}),
    # the corrected instrument's answers and languages
    "POST /api/v1/administrations/{administration_id}/correction": _INSTRUMENT_ANSWERS,
    # a record voided (or corrected) already
    "POST /api/v1/administrations/{administration_id}/void": frozenset({"administration"}),
    "POST /api/v1/episodes/{episode_id}/sessions/{number}/void": frozenset({"number"}),
    # ... and the date within the episode
    "POST /api/v1/episodes/{episode_id}/administrations": _INSTRUMENT_ANSWERS | {"administered_at"},
    # questionnaires need attendance; the date within the episode; each instrument once
    "POST /api/v1/episodes/{episode_id}/sessions": _INSTRUMENT_ANSWERS
    | {"attended", "held_on", "administrations", "rupture_markers"},
    "PATCH /api/v1/episodes/{episode_id}/sessions/{number}": frozenset({"held_on", "attended"}),
    # some end reasons require a note; the end date within the episode and not in the
    # future; final measures are the episode's administrations
    "POST /api/v1/episodes/{episode_id}/close": frozenset(
        {
            "note",
            "ended_on",
            "final_outcome_administration_id",
            "final_alliance_administration_id",
        }
    ),
    # the start date is bounded (a date format has no bounds in a schema)
    "POST /api/v1/patients/{patient_id}/episodes": frozenset({"started_on"}),
    # the languages of the episode's instruments
    "POST /api/v1/episodes/{episode_id}/invitations": frozenset({"language"}),
    # the date against today and the open events; no_action alone, with a reason
    "POST /api/v1/patients/{patient_id}/risk-events/response": frozenset(
        {"assessed_on", "actions", "event_ids", "reason"}
    ),
    # the password's strength; also_clinician for admins only; an existing supervisor
    "POST /api/v1/users": frozenset({"password", "also_clinician", "supervisor"}),
    # a clinician's account, an active supervisor
    "PUT /api/v1/users/{user_id}/supervisor": frozenset({"user", "supervisor_id"}),
    # the profile's own file format (attune plan), checked by the tailoring loader; its
    # refusals name the key of the profile
    "PUT /api/v1/patients/{patient_id}/profile": frozenset({ANY_FIELD}),
    # the languages of the questionnaire asked for
    "GET /fhir/Questionnaire/{questionnaire_id}": frozenset({"language"}),
    # the reminder must come before the link expires (two fields, stored and given)
    "PATCH /api/v1/clinic/settings": frozenset({"reminder_after_days"}),
    # only a dimension the episode's plan tailors (from the stored profile) can be recorded
    "PUT /api/v1/episodes/{episode_id}/plan-adherence": frozenset({"dimension"}),
    # only a prompt the episode's stored status shows can be marked discussed
    "PUT /api/v1/episodes/{episode_id}/prompts/{domain}/discussion": frozenset({"domain"}),
    # text messages as the preferred channel need a mobile number (another field)
    "PUT /api/v1/patients/{patient_id}/contact": frozenset({"preferred_channel"}),
    # a risk kind always shows in the app: a rule on one key of a map of kinds
    "PUT /api/v1/notifications/preferences": frozenset({"risk", "risk_escalated"}),
}


#: Text is trimmed before its length is checked: " \n" is too short for a required reason,
#: which a schema's ``minLength`` cannot state.
_TRIMMED_TOO_SHORT = re.compile(
    r"^[\w.]+: (String should have at least \d+ characters?"
    r"|Value should have at least \d+ items after validation, not \d+)$"
)


def _stored_rule(label: str, body: dict[str, Any]) -> bool:
    """Whether this 422 body is the refusal by a rule of :data:`STORED_RULES` (its field,
    or a part of its field's path such as ``wai_sr.answers``, ``language (phq9)``)."""
    field = str(body.get("field") or "")
    if _TRIMMED_TOO_SHORT.match(str(body.get("detail") or "")):
        return True
    if field == IDEMPOTENCY_HEADER:  # the key was used before, with another request
        return True
    allowed = STORED_RULES.get(label, frozenset())
    parts = {part for part in re.split(r"[.() ]+", field) if part}
    if "answers" in allowed and parts & ITEM_IDS:
        return True
    return ANY_FIELD in allowed or bool(parts & allowed)


def positive_data_acceptance_but_stored_rules(
    ctx: CheckContext, response: Any, case: schemathesis.Case
) -> bool | None:
    """schemathesis' positive-data acceptance, except a 422 naming a :data:`STORED_RULES`
    field of the operation."""
    json_body = "json" in response.headers.get("content-type", [""])[0]
    if (
        response.status_code == 422
        and json_body
        and _stored_rule(case.operation.label, response.json())
    ):
        return None
    return positive_data_acceptance(ctx, response, case)


CHECKS: list[Callable[..., bool | None]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    positive_data_acceptance_but_stored_rules,
]


def _documented() -> dict[str, Any]:
    """The OpenAPI document of an app built as the ``app`` fixture builds it.

    Generated once per process: a new app generates it again on its first request for it,
    which took about a third of each operation's run. Each app of the contract test serves
    this one, and ``test_a_new_app_documents_the_contract_the_cases_are_checked_against``
    proves that an app built afresh (on either database) generates the same document."""
    app = create_app(
        app_settings(),
        engine=make_engine("sqlite://"),
        clock=FakeClock(),
        passwords=fast_passwords(),
    )
    return app.openapi()


DOCUMENT = _documented()


def _operation_labels() -> list[str]:
    app = create_app(app_settings(), engine=make_engine("sqlite://"))
    app.openapi_schema = DOCUMENT
    schema = openapi.from_asgi(SCHEMA_PATH, app)
    return sorted(result.ok().label for result in schema.get_all_operations())


OPERATIONS = _operation_labels()


def _operation(app: FastAPI, label: str) -> Any:
    """The operation ``label`` of the document ``app`` serves (only that one is parsed): the
    document generated once (:data:`DOCUMENT`), which the app would generate the same."""
    app.openapi_schema = DOCUMENT
    operation = openapi.from_asgi(SCHEMA_PATH, app).find_operation_by_label(label)
    if operation is None:
        raise AssertionError(f"no operation {label}")
    return operation


def _has_inputs(operation: Any) -> bool:
    """Whether a request can violate the schema at all (else negative cases do not exist)."""
    return bool(
        list(operation.path_parameters)
        or list(operation.query)
        or list(operation.headers)
        or list(operation.body)
    )


def _existing_records(operation: Any, ctx: ServiceContext, world: World) -> dict[str, Any]:
    """Path parameters naming records that exist: ana's patient and episode, with session 1
    and its PHQ-9; ben's account; the PHQ-9 questionnaire; the CDS service."""
    recorded = record_session(
        ctx,
        world.ana,
        world.episode_a,
        TherapySessionCreate(
            number=1,
            administrations=[TherapySessionAdministration(instrument="phq9", answers=[1] * 9)],
        ),
    )
    ids = {
        "patient_id": world.patient_a,
        "episode_id": world.episode_a,
        "number": recorded.number,
        "administration_id": recorded.administrations[0].id,
        "user_id": world.ben.user_id,
        "questionnaire_id": "phq9",
        "service_id": "attunement-patient-view",
    }
    return {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}


def _run(strategy: Any, headers: dict[str, str], examples: int) -> int:
    """Run the checks on up to ``examples`` generated cases; how many ran."""
    ran = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=DERANDOMISED,
    )
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        nonlocal ran
        ran += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
    return ran


def test_the_contract_names_every_operation_of_the_app() -> None:
    assert len(OPERATIONS) >= 49
    for label in (
        "POST /api/v1/episodes/{episode_id}/administrations",
        "PATCH /api/v1/episodes/{episode_id}/sessions/{number}",
        "POST /api/v1/episodes/{episode_id}/sessions/{number}/void",
        "POST /api/v1/administrations/{administration_id}/correction",
        "POST /api/v1/administrations/{administration_id}/void",
        "POST /api/v1/episodes/{episode_id}/close",
        "POST /api/v1/episodes/{episode_id}/reopen",
        "GET /api/v1/episodes/end-reasons",
        "GET /api/v1/caseload",
        "POST /api/v1/caseload/search",
        "GET /api/v1/episodes/{episode_id}/summary",
        "POST /fhir",
    ):
        assert label in OPERATIONS
    assert set(STORED_RULES) <= set(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_response_keeps_the_documented_contract(
    label: str,
    app: FastAPI,
    ctx: ServiceContext,
    world: World,
    engine: Engine,
    record_property: Callable[[str, object], None],
) -> None:
    operation = _operation(app, label)
    examples = EXAMPLES[engine.dialect.name] * SCALE
    kinds: list[tuple[GenerationMode, dict[str, Any] | None]] = [(GenerationMode.POSITIVE, None)]
    existing = _existing_records(operation, ctx, world)
    if existing:
        kinds.append((GenerationMode.POSITIVE, existing))
    if _has_inputs(operation):
        kinds.append((GenerationMode.NEGATIVE, None))
    cases = 0
    for username in ("ana", "admin"):
        token = login_for_token(ctx, username=username, password=PASSWORD).access_token
        headers = {"Authorization": f"Bearer {token}"}
        for mode, path_parameters in kinds:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            cases += _run(strategy, headers, examples)
    record_property("cases", cases)  # summed from --junitxml for the report of a run
    assert cases >= len(kinds) * 2  # every kind ran, for both roles


def test_a_new_app_documents_the_contract_the_cases_are_checked_against(app: FastAPI) -> None:
    assert app.openapi_schema is None  # not served yet: generated here, from the routes
    assert app.openapi() == DOCUMENT


def test_the_schema_lists_the_vocabularies_the_services_check(
    app: FastAPI, ctx: ServiceContext, world: World
) -> None:
    schemas = app.openapi()["components"]["schemas"]
    end_reason = schemas["EpisodeClose"]["properties"]["end_reason"]
    assert end_reason["enum"] == [r.id for r in list_end_reasons(ctx, world.ana)]
    outcome = schemas["EpisodeCreate"]["properties"]["outcome_instrument"]
    assert "phq9" in outcome["enum"]
    assert "wai_sr" not in outcome["enum"]
    password = schemas["UserCreate"]["properties"]["password"]
    assert (password["minLength"], password["maxLength"]) == (
        ctx.policy.password_min_length,
        ctx.policy.password_max_length,
    )
    name = schemas["PatientCreate"]["properties"]["display_name"]
    assert name["pattern"] == r"^[^\x00-\x1f\x7f-\x9f]*$"


def test_a_fhir_import_for_a_patient_one_may_not_see_is_404_and_stores_nothing(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    document = {"resourceType": "Bundle", "type": "collection", "entry": []}
    response = client.post(
        f"/fhir?patient_id={world.patient_b}", json=document, headers=bearer(ctx, "ana")
    )
    assert response.status_code == 404
    assert response.json()["detail"] == f"patient {world.patient_b} not found"
    own = client.post(
        f"/fhir?patient_id={world.patient_a}", json=document, headers=bearer(ctx, "ana")
    )
    assert own.status_code == 200


def test_an_unknown_questionnaire_is_404(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    del world  # ana signs in
    response = client.get("/fhir/Questionnaire/0", headers=bearer(ctx, "ana"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
