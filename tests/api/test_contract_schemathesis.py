"""The OpenAPI contract holds exactly: schemathesis against every documented operation.

For each operation of ``/api/v1/openapi.json`` (the REST API, FHIR, CDS Hooks and report
downloads), as a clinician and as an admin, schemathesis generates requests from the schema
— schema-valid ones, schema-violating ones, and schema-valid ones aimed at the records that
exist — and checks every response: no server error, the status code and the content type
are documented, the body matches the documented schema (error bodies included), documented
headers are present, and a schema-violating request is not accepted.

Bounded: a fresh small clinic per operation, a handful of cases per operation, role and
kind — a few hundred cases per database; SQLite and PostgreSQL both (fewer on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode, openapi
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from attunement.api import create_app
from attunement.services import ServiceContext, login_for_token
from attunement.store import make_engine
from tests.api.conftest import app_settings
from tests.services.world import PASSWORD, World

SCHEMA_PATH = "/api/v1/openapi.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
#: cases per operation × role × kind of request, per database
EXAMPLES = {"sqlite": 3, "postgresql": 1}


def _operation_labels() -> list[str]:
    app = create_app(app_settings(), engine=make_engine("sqlite://"))
    schema = openapi.from_asgi(SCHEMA_PATH, app)
    return sorted(result.ok().label for result in schema.get_all_operations())


OPERATIONS = _operation_labels()


def _operation(app: FastAPI, label: str) -> Any:
    schema = openapi.from_asgi(SCHEMA_PATH, app)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label == label:
            return operation
    raise AssertionError(f"no operation {label}")


def _has_inputs(operation: Any) -> bool:
    """Whether a request can violate the schema at all (else negative cases do not exist)."""
    return bool(
        list(operation.path_parameters)
        or list(operation.query)
        or list(operation.headers)
        or list(operation.body)
    )


def _existing_records(operation: Any, world: World) -> dict[str, Any]:
    ids = {
        "patient_id": world.patient_a,
        "episode_id": world.episode_a,
        "user_id": world.ben.user_id,
    }
    return {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}


def _run(strategy: Any, headers: dict[str, str], examples: int) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_the_contract_names_every_operation_of_the_app() -> None:
    assert len(OPERATIONS) >= 25
    assert "POST /api/v1/episodes/{episode_id}/administrations" in OPERATIONS
    assert "POST /fhir" in OPERATIONS


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_response_keeps_the_documented_contract(
    label: str, app: FastAPI, ctx: ServiceContext, world: World, engine: Engine
) -> None:
    operation = _operation(app, label)
    examples = EXAMPLES[engine.dialect.name]
    kinds: list[tuple[GenerationMode, dict[str, Any] | None]] = [
        (GenerationMode.POSITIVE, None),
        (GenerationMode.POSITIVE, _existing_records(operation, world) or None),
    ]
    if _has_inputs(operation):
        kinds.append((GenerationMode.NEGATIVE, None))
    for username in ("ana", "admin"):
        token = login_for_token(ctx, username=username, password=PASSWORD).access_token
        headers = {"Authorization": f"Bearer {token}"}
        for mode, path_parameters in kinds:
            _run(
                operation.as_strategy(generation_mode=mode, path_parameters=path_parameters),
                headers,
                examples,
            )
