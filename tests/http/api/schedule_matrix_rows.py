"""Permission-matrix rows of the scheduled-measurement API (issue 14)."""

from __future__ import annotations

from typing import Any

from attunement.services import InvitationCreate, invite_patient
from tests.http.api.permission_matrix import (
    ADMIN_ONLY,
    ANY_USER,
    CASELOAD,
    READ,
    ROLES,
    WRITE,
    Cell,
    Row,
)


def _link(cell: Cell) -> dict[str, Any]:
    issued = invite_patient(
        cell.ctx, cell.world.ana, cell.world.episode_a, InvitationCreate(instruments=["phq9"])
    )
    return {"link_id": issued.id}


def _junk_token(cell: Cell) -> dict[str, Any]:
    return {"token": "opt_not-a-token-of-this-clinic-0000000000"}


def _pages(
    *, caseload: int = 0, read: int = 0, write: int = 0, user: int = 0, admin: int = 0
) -> dict[str, int | str]:
    """Page statuses: anonymous and link holders are sent to sign in (303)."""
    if read:
        cells = {"admin": 404, "supervisor": read, "clinician-own": read, "clinician-other": 404}
    elif caseload:
        cells = {"admin": 403, "supervisor": caseload, "clinician-own": caseload}
        cells["clinician-other"] = caseload
    elif write:
        cells = {"admin": 404, "supervisor": 403, "clinician-own": write, "clinician-other": 404}
    elif user:
        cells = dict.fromkeys(("admin", "supervisor", "clinician-own", "clinician-other"), user)
    else:
        cells = {"admin": admin, "supervisor": 403, "clinician-own": 403, "clinician-other": 403}
    return {**cells, "anonymous": 303, "patient": 303}


_SAME_200 = dict.fromkeys(ROLES, 200)
_SAME_410 = dict.fromkeys(ROLES, 410)

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
    # the web pages (session cookie; anonymous callers and links are sent to sign in)
    Row("GET", "/due", _pages(caseload=200), auth="cookie"),
    Row("GET", "/episodes/{episode_id}/links", _pages(read=200), auth="cookie"),
    Row(
        "POST",
        "/episodes/{episode_id}/schedule",
        _pages(write=303),
        data=lambda cell: {
            "email": "alma@example.org",
            "mode": "every_n_days",
            "interval_days": "7",
        },
        auth="cookie",
    ),
    Row("POST", "/links/{link_id}/revoke", _pages(write=303), params=_link, auth="cookie"),
    Row("GET", "/admin/clinic-settings", _pages(user=200), auth="cookie"),
    Row(
        "POST",
        "/admin/clinic-settings",
        _pages(admin=200),
        data=lambda cell: {
            "link_expiry_days": "5",
            "reminder_after_days": "2",
            "schedule_mode": "every_session",
            "schedule_interval_days": "7",
            "send_lead_days": "1",
        },
        auth="cookie",
    ),
    # the opt-out link's token is its credential, whoever holds it; an unknown one is gone
    Row("GET", "/opt-out/{token}", _SAME_200, params=_junk_token, auth="cookie"),
    Row("POST", "/opt-out/{token}", _SAME_410, params=_junk_token, auth="cookie"),
]
