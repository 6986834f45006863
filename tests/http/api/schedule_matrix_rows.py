"""Permission-matrix rows of the scheduled-measurement API (issue 14)."""

from __future__ import annotations

from typing import Any

from attunement.services import InvitationCreate, invite_patient
from tests.http.api.permission_matrix import (
    ADMIN_ONLY,
    ANY_USER,
    CASELOAD,
    READ,
    WRITE,
    Cell,
    Row,
)


def _link(cell: Cell) -> dict[str, Any]:
    issued = invite_patient(
        cell.ctx, cell.world.ana, cell.world.episode_a, InvitationCreate(instruments=["phq9"])
    )
    return {"link_id": issued.id}


ROWS = [
    Row("GET", "/api/v1/due-list", CASELOAD),
    Row("GET", "/api/v1/clinic/settings", ANY_USER),
    Row("PATCH", "/api/v1/clinic/settings", ADMIN_ONLY, json=lambda cell: {"link_expiry_days": 5}),
    Row("GET", "/api/v1/episodes/{episode_id}/schedule", READ),
    Row(
        "PUT",
        "/api/v1/episodes/{episode_id}/schedule",
        WRITE,
        json=lambda cell: {"mode": "every_n_days", "interval_days": 14},
    ),
    Row(
        "PUT",
        "/api/v1/patients/{patient_id}/contact",
        WRITE,
        json=lambda cell: {"email": "alma@example.org"},
    ),
    Row("GET", "/api/v1/episodes/{episode_id}/links", READ),
    Row("POST", "/api/v1/links/{link_id}/revoke", WRITE, params=_link),
]
