"""The permission matrix: every route × every role, allowed or denied with which status.

Roles (one cell each): ``admin``; ``supervisor`` (supervises the treating clinician);
``clinician-own`` (treats the patient); ``clinician-other`` (another clinician);
``anonymous``; ``patient`` (a valid invitation token for the patient's episode).
Path ids name patient A / episode A of :mod:`tests.services.world` unless a row's
``params`` says otherwise.

To add rows for other routers (e.g. the web pages): define ``ROWS: list[Row]`` in
``tests/http/web/matrix_rows.py``; ``test_permission_matrix`` collects them, and fails for any
route of the app without a row. ``auth="cookie"`` rows sign users in with a web session
(cookie plus CSRF token) instead of a bearer token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from attunement.services import (
    AdministrationCreate,
    EpisodeClose,
    EpisodeCreate,
    InvitationCreate,
    SelfReportResponse,
    SelfReportSubmission,
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionCreate,
    UserCreate,
    close_episode,
    create_user,
    invite_patient,
    list_notifications,
    open_invitation,
    record_administration,
    record_session,
    register_patient,
    start_episode,
    submit_self_report,
    update_profile,
)
from attunement.services import PatientCreate as _PatientCreate
from tests.services.world import OPERATOR, PASSWORD, World

ROLES = ("admin", "supervisor", "clinician-own", "clinician-other", "anonymous", "patient")
ALLOW = "allow"  # any 2xx (or 3xx for pages)

PHQ9 = [1, 1, 1, 1, 1, 1, 1, 1, 0]


@dataclass
class Cell:
    """One request's world: the services, the client, the role and a live invitation."""

    ctx: ServiceContext
    world: World
    client: TestClient
    role: str
    invitation_token: str


def default_params(cell: Cell) -> dict[str, Any]:
    return {"patient_id": cell.world.patient_a, "episode_id": cell.world.episode_a}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: Mapping[str, int | str]
    json: Callable[[Cell], Any] | None = None
    data: Callable[[Cell], Mapping[str, str]] | None = None
    params: Callable[[Cell], dict[str, Any]] = default_params
    auth: str = "bearer"  # or "cookie"
    notes: str = field(default="")

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


def _everyone(outcome: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, outcome)


def _expect(**overrides: int | str) -> dict[str, int | str]:
    return {role.replace("_", "-"): v for role, v in overrides.items()}


# Patient-scoped reads: the treating clinician and their supervisor; others never learn the
# id exists (404); anonymous 401.
READ = _expect(
    admin=404,
    supervisor=ALLOW,
    clinician_own=ALLOW,
    clinician_other=404,
    anonymous=401,
    patient=404,
)
# Patient-scoped writes: only the treating clinician; the supervisor sees but may not change.
WRITE = _expect(
    admin=404, supervisor=403, clinician_own=ALLOW, clinician_other=404, anonymous=401, patient=404
)
# Collections of clinical content: anyone with a caseload (each sees their own).
CASELOAD = _expect(
    admin=403,
    supervisor=ALLOW,
    clinician_own=ALLOW,
    clinician_other=ALLOW,
    anonymous=401,
    patient=403,
)
ADMIN_ONLY = _expect(
    admin=ALLOW, supervisor=403, clinician_own=403, clinician_other=403, anonymous=401, patient=403
)
ANY_USER = _expect(
    admin=ALLOW,
    supervisor=ALLOW,
    clinician_own=ALLOW,
    clinician_other=ALLOW,
    anonymous=401,
    patient=403,
)
PATIENT_ONLY = _expect(
    admin=403, supervisor=403, clinician_own=403, clinician_other=403, anonymous=401, patient=ALLOW
)


def _fresh_patient(cell: Cell) -> dict[str, Any]:
    """A patient of the treating clinician without an episode (starting one is allowed)."""
    created = register_patient(
        cell.ctx, cell.world.ana, _PatientCreate(display_name="Synthetic New")
    )
    return {"patient_id": created.id}


def _scored_episode(cell: Cell) -> dict[str, Any]:
    record_administration(
        cell.ctx,
        cell.world.ana,
        cell.world.episode_a,
        AdministrationCreate(instrument="phq9", answers=PHQ9),
    )
    return default_params(cell)


def _open_risk_event(cell: Cell) -> dict[str, Any]:
    """Episode A with PHQ-9 item 9 endorsed: an open risk event to respond to."""
    record_administration(
        cell.ctx,
        cell.world.ana,
        cell.world.episode_a,
        AdministrationCreate(instrument="phq9", answers=[*PHQ9[:8], 2]),
    )
    return default_params(cell)


def _risk_notification(cell: Cell) -> dict[str, Any]:
    """Patient A's self-report with item 9 endorsed: a notification waiting for ana."""
    issued = invite_patient(
        cell.ctx, cell.world.ana, cell.world.episode_a, InvitationCreate(instruments=["phq9"])
    )
    submit_self_report(
        cell.ctx,
        open_invitation(cell.ctx, issued.token),
        SelfReportSubmission(
            responses=[SelfReportResponse(instrument="phq9", answers=[*PHQ9[:8], 2])]
        ),
    )
    (notice,) = list_notifications(cell.ctx, cell.world.ana)
    return {"notification_id": notice.id}


def risk_prompt(cell: Cell) -> dict[str, Any]:
    """Episode A with an open risk event: its status shows the risk support prompt."""
    return {**_open_risk_event(cell), "domain": "risk"}


def _recorded_session(cell: Cell) -> dict[str, Any]:
    """Episode A with a new session recorded (PHQ-9): a session to read, edit or void.

    The episode's next number, so that rows sharing one world (one voids its session) each
    get a session of their own."""
    stored = record_session(
        cell.ctx,
        cell.world.ana,
        cell.world.episode_a,
        TherapySessionCreate(
            administrations=[TherapySessionAdministration(instrument="phq9", answers=PHQ9)]
        ),
    )
    return {**default_params(cell), "number": stored.number}


def _administration(cell: Cell) -> dict[str, Any]:
    """A live PHQ-9 administration of episode A, to correct or void."""
    stored = record_administration(
        cell.ctx,
        cell.world.ana,
        cell.world.episode_a,
        AdministrationCreate(instrument="phq9", answers=PHQ9),
    )
    return {"administration_id": stored.id}


def reactance_plan(cell: Cell) -> dict[str, Any]:
    """Episode A of a patient whose plan tailors reactance (one dimension to record)."""
    update_profile(cell.ctx, cell.world.ana, cell.world.patient_a, {"reactance": "high"})
    return default_params(cell)


def open_episode(cell: Cell) -> dict[str, Any]:
    """An open episode of a new patient of the treating clinician (to close), so that
    episode A stays open for the other rows when one world serves every row."""
    created = register_patient(
        cell.ctx, cell.world.ana, _PatientCreate(display_name="Synthetic Ending")
    )
    started = cell.ctx.now().date() - dt.timedelta(days=30)
    episode = start_episode(cell.ctx, cell.world.ana, created.id, EpisodeCreate(started_on=started))
    return {"patient_id": created.id, "episode_id": episode.id}


def closed_episode(cell: Cell) -> dict[str, Any]:
    """A closed episode of a new patient of the treating clinician (to reopen)."""
    params = open_episode(cell)
    close_episode(
        cell.ctx, cell.world.ana, params["episode_id"], EpisodeClose(end_reason="planned_end")
    )
    return params


def _throwaway_user(cell: Cell) -> dict[str, Any]:
    created = create_user(
        cell.ctx,
        OPERATOR,
        UserCreate(
            username="temp",
            display_name="Temp",
            role="clinician",
            password=PASSWORD,  # type: ignore[arg-type]
        ),
    )
    return {"user_id": created.id}


def _ben(cell: Cell) -> dict[str, Any]:
    return {"user_id": cell.world.ben.user_id}


API_ROWS: list[Row] = [
    Row("GET", "/api/v1/openapi.json", _everyone(ALLOW)),
    Row("GET", "/api/v1/health", _everyone(ALLOW)),
    Row(
        "POST",
        "/api/v1/auth/token",
        _everyone(ALLOW),
        data=lambda cell: {"username": "ana", "password": PASSWORD},
    ),
    Row(
        "POST",
        "/api/v1/auth/revoke",
        _expect(
            admin=ALLOW,
            supervisor=ALLOW,
            clinician_own=ALLOW,
            clinician_other=ALLOW,
            anonymous=401,
            patient=403,
        ),
    ),
    Row("GET", "/api/v1/patients", CASELOAD),
    Row(
        "POST",
        "/api/v1/patients",
        CASELOAD,
        json=lambda cell: {"display_name": "Synthetic Dora", "preferred_language": "es"},
    ),
    Row("GET", "/api/v1/patients/{patient_id}", READ),
    Row(
        "PATCH",
        "/api/v1/patients/{patient_id}",
        WRITE,
        json=lambda cell: {"sex": "female", "age_band": "26-40"},
    ),
    Row(
        "PUT",
        "/api/v1/patients/{patient_id}/profile",
        WRITE,
        json=lambda cell: {"reactance": "low"},
    ),
    Row("GET", "/api/v1/patients/{patient_id}/plan", READ),
    Row("GET", "/api/v1/patients/{patient_id}/episodes", READ),
    Row("GET", "/api/v1/patients/{patient_id}/risk-events", READ, params=_open_risk_event),
    Row(
        "POST",
        "/api/v1/patients/{patient_id}/risk-events/response",
        WRITE,
        json=lambda cell: {
            "assessed_on": cell.ctx.now().date().isoformat(),
            "level": "low",
            "actions": ["safety_plan"],
        },
        params=_open_risk_event,
    ),
    Row("GET", "/api/v1/risk/vocabulary", ANY_USER),
    Row("GET", "/api/v1/notifications", ANY_USER),
    Row("GET", "/api/v1/notifications/waiting", ANY_USER),
    Row("GET", "/api/v1/notifications/preferences", ANY_USER),
    Row(
        "PUT",
        "/api/v1/notifications/email",
        ANY_USER,
        json=lambda cell: {"email": "synthetic.clinician@example.org"},
    ),
    Row(
        "PUT",
        "/api/v1/notifications/preferences",
        ANY_USER,
        json=lambda cell: {"channels": {"weekly_digest": {"in_app": True, "email": False}}},
    ),
    Row(
        "POST",
        "/api/v1/notifications/{notification_id}/acknowledge",
        _expect(
            admin=404,
            supervisor=404,
            clinician_own=ALLOW,
            clinician_other=404,
            anonymous=401,
            patient=403,
        ),
        params=_risk_notification,
        notes="only the recipient (ana, who treats patient A)",
    ),
    Row(
        "POST",
        "/api/v1/patients/{patient_id}/episodes",
        WRITE,
        json=lambda cell: {"outcome_instrument": "phq9"},
        params=_fresh_patient,
    ),
    Row(
        "POST",
        "/api/v1/episodes/{episode_id}/administrations",
        WRITE,
        json=lambda cell: {"instrument": "phq9", "answers": PHQ9},
    ),
    Row(
        "POST",
        "/api/v1/episodes/{episode_id}/sessions",
        WRITE,
        json=lambda cell: {
            "number": 1,
            "administrations": [{"instrument": "phq9", "answers": PHQ9}],
            "rupture_markers": ["withdrawal"],
        },
    ),
    Row("GET", "/api/v1/episodes/{episode_id}/sessions", READ),
    Row("GET", "/api/v1/episodes/{episode_id}/sessions/{number}", READ, params=_recorded_session),
    Row(
        "PATCH",
        "/api/v1/episodes/{episode_id}/sessions/{number}",
        WRITE,
        json=lambda cell: {"rupture_markers": ["withdrawal"], "reason": "marker omitted"},
        params=_recorded_session,
    ),
    Row(
        "POST",
        "/api/v1/episodes/{episode_id}/sessions/{number}/void",
        WRITE,
        json=lambda cell: {"reason": "entered for the wrong patient"},
        params=_recorded_session,
    ),
    Row(
        "POST",
        "/api/v1/administrations/{administration_id}/correction",
        WRITE,
        json=lambda cell: {"answers": [0, *PHQ9[1:]], "reason": "item 1 mistyped"},
        params=_administration,
    ),
    Row(
        "POST",
        "/api/v1/administrations/{administration_id}/void",
        WRITE,
        json=lambda cell: {"reason": "entered twice"},
        params=_administration,
    ),
    Row("GET", "/api/v1/episodes/{episode_id}/administrations", READ),
    Row("GET", "/api/v1/episodes/{episode_id}/status", READ, params=_scored_episode),
    Row(
        "POST",
        "/api/v1/episodes/{episode_id}/invitations",
        WRITE,
        json=lambda cell: {"instruments": ["phq9"]},
    ),
    Row("GET", "/api/v1/episodes/end-reasons", CASELOAD),
    Row(
        "PUT",
        "/api/v1/episodes/{episode_id}/prompts/{domain}/discussion",
        WRITE,
        json=lambda cell: {"discussed": True},
        params=risk_prompt,
    ),
    Row("GET", "/api/v1/episodes/{episode_id}/prompt-discussions", READ),
    Row("GET", "/api/v1/episodes/{episode_id}/course", READ),
    Row("GET", "/api/v1/episodes/{episode_id}/plan-adherence", READ),
    Row(
        "PUT",
        "/api/v1/episodes/{episode_id}/plan-adherence",
        WRITE,
        json=lambda cell: {"dimension": "reactance", "followed": True},
        params=reactance_plan,
    ),
    Row(
        "POST",
        "/api/v1/episodes/{episode_id}/close",
        WRITE,
        json=lambda cell: {"end_reason": "planned_end", "note": "Goals met."},
        params=open_episode,
    ),
    Row(
        "POST",
        "/api/v1/episodes/{episode_id}/reopen",
        WRITE,
        json=lambda cell: {"reason": "Relapse; agreed to continue."},
        params=closed_episode,
    ),
    Row("GET", "/api/v1/caseload", CASELOAD),
    Row("POST", "/api/v1/caseload/search", CASELOAD, json=lambda cell: {"name": "synthetic"}),
    Row("GET", "/api/v1/episodes/{episode_id}/summary", READ, params=_scored_episode),
    Row("GET", "/api/v1/self-report", PATIENT_ONLY),
    Row(
        "POST",
        "/api/v1/self-report",
        PATIENT_ONLY,
        json=lambda cell: {"responses": [{"instrument": "phq9", "answers": PHQ9}]},
    ),
    Row("GET", "/api/v1/users", ADMIN_ONLY),
    Row(
        "POST",
        "/api/v1/users",
        ADMIN_ONLY,
        json=lambda cell: {
            "username": "newbie",
            "display_name": "Newbie",
            "role": "clinician",
            "password": PASSWORD,
        },
    ),
    Row("GET", "/api/v1/users/me", ANY_USER),
    Row("POST", "/api/v1/users/{user_id}/deactivate", ADMIN_ONLY, params=_throwaway_user),
    Row(
        "PUT",
        "/api/v1/users/{user_id}/supervisor",
        ADMIN_ONLY,
        json=lambda cell: {
            "supervisor_id": cell.world.supervisor.user_id,
            "break_glass_reason": "covering supervision during a colleague's leave",
        },
        params=_ben,
    ),
    Row("GET", "/api/v1/access-grants", ADMIN_ONLY),
    Row(
        "POST",
        "/api/v1/access-grants",
        ADMIN_ONLY,
        json=lambda cell: {"kind": "account", "username": "newsup", "role": "supervisor"},
    ),
    Row("GET", "/api/v1/audit", ADMIN_ONLY),
    Row("GET", "/api/v1/audit/verify", ADMIN_ONLY),
]


def patient_invitation(ctx: ServiceContext, world: World) -> str:
    """A live invitation (PHQ-9 only) for episode A: the ``patient`` role's credential."""
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"]))
    return issued.token
