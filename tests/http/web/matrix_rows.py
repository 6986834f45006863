"""The web pages' rows of the permission matrix (collected by
tests/http/api/test_permission_matrix).

Pages authenticate with the session cookie (``auth="cookie"``), so the ``patient`` role —
an invitation token, which pages never read from a header — is treated like anonymous,
except on the self-report pages, where the token in the path is the credential.
Statuses are exact: a page that is allowed renders (200) or, after a form, redirects (303);
anonymous callers are sent to sign in (303, location checked in test_page_permissions);
a signed-in caller who may not see the patient gets 404, one who may see but not change
gets 403, and an account without a caseload gets 403.
"""

from __future__ import annotations

from typing import Any

from attunement.security import csrf_token
from attunement.services import AdministrationCreate, record_administration
from tests.http.api.permission_matrix import (
    PHQ9,
    Cell,
    Row,
    _administration,
    _open_risk_event,
    _recorded_session,
    _risk_notification,
    closed_episode,
    default_params,
    open_episode,
    reactance_plan,
    risk_prompt,
)

PHQ9_FORM = {f"phq9.phq9_{n}": "1" for n in range(1, 10)}
REACTANCE_FORM = {
    "assessed_on": "2026-03-02",
    **{f"reactance_rating.reactance_rating_{n}": "1" for n in range(1, 5)},
    "reactance_rating.reactance_rating_overall": "3",
}


def _charted_episode(cell: Cell) -> dict[str, Any]:
    """An open episode of a new patient of the treating clinician with a PHQ-9 recorded,
    so that its outcome chart exists (episode A stays as the other rows expect it)."""
    params = open_episode(cell)
    record_administration(
        cell.ctx,
        cell.world.ana,
        params["episode_id"],
        AdministrationCreate(instrument="phq9", answers=PHQ9),
    )
    return {**params, "kind": "outcome"}


def _expect(**cells: int) -> dict[str, int | str]:
    return {role.replace("_", "-"): status for role, status in cells.items()}


def _same(status: int) -> dict[str, int | str]:
    return _expect(
        admin=status,
        supervisor=status,
        clinician_own=status,
        clinician_other=status,
        anonymous=status,
        patient=status,
    )


# The patient's record: the treating clinician and their supervisor read it.
READ_PAGE = _expect(
    admin=404, supervisor=200, clinician_own=200, clinician_other=404, anonymous=303, patient=303
)


def _write(ok: int) -> dict[str, int | str]:
    """Pages that change the record: only the treating clinician (``ok``)."""
    return _expect(
        admin=404, supervisor=403, clinician_own=ok, clinician_other=404, anonymous=303, patient=303
    )


def _caseload(ok: int) -> dict[str, int | str]:
    """Pages for anyone with a caseload; an admin without one is refused."""
    return _expect(
        admin=403, supervisor=ok, clinician_own=ok, clinician_other=ok, anonymous=303, patient=303
    )


SIGNED_IN_REDIRECT = _expect(
    admin=303, supervisor=303, clinician_own=303, clinician_other=303, anonymous=200, patient=200
)
NEEDS_SESSION_CSRF = _expect(
    admin=303, supervisor=303, clinician_own=303, clinician_other=303, anonymous=403, patient=403
)


def _token(cell: Cell) -> dict[str, Any]:
    return {"token": cell.invitation_token}


def _self_report_form(cell: Cell) -> dict[str, str]:
    return {"csrf_token": csrf_token(cell.ctx.signing_key, cell.invitation_token), **PHQ9_FORM}


def _instrument(instrument_id: str) -> Any:
    def params(cell: Cell) -> dict[str, Any]:
        return {**default_params(cell), "instrument_id": instrument_id}

    return params


ROWS: list[Row] = [
    Row("GET", "/", _same(303), auth="cookie"),
    Row("GET", "/login", SIGNED_IN_REDIRECT, auth="cookie"),
    Row(
        "POST",
        "/login",
        NEEDS_SESSION_CSRF,
        data=lambda cell: {"username": "ana", "password": "correct horse battery staple"},
        auth="cookie",
        notes="no CSRF token without a session or pre-session cookie: refused",
    ),
    Row("POST", "/logout", NEEDS_SESSION_CSRF, auth="cookie"),
    Row("GET", "/notifications", _same(200) | _expect(anonymous=303, patient=303), auth="cookie"),
    Row(
        "POST",
        "/notifications/{notification_id}/acknowledge",
        _expect(
            admin=404,
            supervisor=404,
            clinician_own=303,
            clinician_other=404,
            anonymous=303,
            patient=303,
        ),
        params=_risk_notification,
        auth="cookie",
        notes="only the recipient (ana, who treats patient A)",
    ),
    Row(
        "POST",
        "/notifications/email",
        _same(303),
        data=lambda cell: {"email": "synthetic.clinician@example.org"},
        auth="cookie",
        notes="anyone signed in sets their own address",
    ),
    Row(
        "POST",
        "/notifications/preferences",
        _same(303),
        data=lambda cell: {"weekly_digest.email": "on"},
        auth="cookie",
        notes="anyone signed in chooses their own channels",
    ),
    Row(
        "GET",
        "/admin",
        _expect(
            admin=200,
            supervisor=403,
            clinician_own=403,
            clinician_other=403,
            anonymous=303,
            patient=303,
        ),
        auth="cookie",
    ),
    Row("GET", "/caseload", _caseload(200), auth="cookie"),
    Row("POST", "/caseload", _caseload(200), data=lambda cell: {"name": "ada"}, auth="cookie"),
    Row("GET", "/patients/new", _caseload(200), auth="cookie"),
    Row(
        "POST",
        "/patients/new",
        _caseload(303),
        data=lambda cell: {
            "display_name": "Synthetic Dora",
            "preferred_language": "es",
            "outcome_instrument": "phq9",
            "started_on": "2026-03-02",
        },
        auth="cookie",
    ),
    Row("GET", "/patients/{patient_id}", READ_PAGE, auth="cookie"),
    Row(
        "GET",
        "/patients/{patient_id}/episodes/{episode_id}/charts/{kind}.svg",
        READ_PAGE,
        params=_charted_episode,
        auth="cookie",
        notes="the patient page's charts (issue 13): whoever reads the page, nobody else",
    ),
    Row("GET", "/patients/{patient_id}/intake", _write(200), auth="cookie"),
    Row(
        "POST",
        "/patients/{patient_id}/intake",
        _write(303),
        data=lambda cell: {"reactance": "high"},
        auth="cookie",
    ),
    Row("GET", "/patients/{patient_id}/intake/preference-row", _write(200), auth="cookie"),
    Row(
        "GET",
        "/patients/{patient_id}/intake/questionnaires/{instrument_id}",
        _write(200),
        params=_instrument("reactance_rating"),
        auth="cookie",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/intake/questionnaires/{instrument_id}",
        _write(303),
        data=lambda cell: REACTANCE_FORM,
        params=_instrument("reactance_rating"),
        auth="cookie",
    ),
    Row("GET", "/patients/{patient_id}/session", _write(200), auth="cookie"),
    Row(
        "POST",
        "/patients/{patient_id}/session",
        _write(303),
        data=lambda cell: {
            "session": "1",
            "held_on": "2026-03-02",
            "instrument": "phq9",
            **PHQ9_FORM,
        },
        auth="cookie",
    ),
    Row(
        "GET",
        "/patients/{patient_id}/sessions/{number}/edit",
        _write(200),
        params=_recorded_session,
        auth="cookie",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/sessions/{number}/edit",
        _write(303),
        data=lambda cell: {"held_on": "2026-03-02", "attended": "yes", "reason": "date typo"},
        params=_recorded_session,
        auth="cookie",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/sessions/{number}/void",
        _write(303),
        data=lambda cell: {"reason": "entered for the wrong patient"},
        params=_recorded_session,
        auth="cookie",
    ),
    Row(
        "GET",
        "/patients/{patient_id}/administrations/{administration_id}/correct",
        _write(200),
        params=lambda cell: {**default_params(cell), **_administration(cell)},
        auth="cookie",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/administrations/{administration_id}/correct",
        _write(303),
        data=lambda cell: {**PHQ9_FORM, "phq9.phq9_1": "2", "reason": "item 1 misread"},
        params=lambda cell: {**default_params(cell), **_administration(cell)},
        auth="cookie",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/administrations/{administration_id}/void",
        _write(303),
        data=lambda cell: {"reason": "entered twice"},
        params=lambda cell: {**default_params(cell), **_administration(cell)},
        auth="cookie",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/episode/close",
        _write(303),
        data=lambda cell: {"end_reason": "planned_end", "note": "Goals met."},
        params=open_episode,
        auth="cookie",
        notes="only the treating clinician ends the episode",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/episode/reopen",
        _write(303),
        data=lambda cell: {"reason": "Relapse; agreed to continue."},
        params=closed_episode,
        auth="cookie",
        notes="only the treating clinician reopens it, with a reason",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/episodes/new",
        _write(303),
        data=lambda cell: {
            "started_on": cell.ctx.now().date().isoformat(),
            "outcome_instrument": "gad7",
            "alliance_instrument": "wai_sr",
        },
        params=closed_episode,
        auth="cookie",
        notes="a new episode once the last one ended: only the treating clinician",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/risk-response",
        _write(303),
        data=lambda cell: {
            "assessed_on": cell.ctx.now().date().isoformat(),
            "level": "low",
            "actions": "safety_plan",
        },
        params=_open_risk_event,
        auth="cookie",
        notes="the treating clinician answers the open risk event; a supervisor only reads it",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/prompts/{domain}/discussed",
        _write(303),
        data=lambda cell: {"episode_id": str(cell.world.episode_a), "discussed": "1"},
        params=risk_prompt,
        auth="cookie",
        notes="the treating clinician marks a support prompt discussed; a supervisor only reads",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/plan-adherence",
        _write(303),
        data=lambda cell: {
            "episode_id": str(cell.world.episode_a),
            "dimension": "reactance",
            "followed": "1",
        },
        params=reactance_plan,
        auth="cookie",
        notes="the treating clinician records whether the plan was followed; a supervisor reads",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/demographics",
        _write(303),
        data=lambda cell: {"sex": "male", "age_band": "41-65"},
        auth="cookie",
        notes="the treating clinician changes the recorded sex and age band",
    ),
    Row(
        "POST",
        "/patients/{patient_id}/invitations",
        _write(200),
        data=lambda cell: {"instrument": "phq9"},
        auth="cookie",
    ),
    # The invitation token in the path is the credential, whoever holds it.
    Row("GET", "/self-report/{token}", _same(200), params=_token, auth="cookie"),
    Row(
        "POST",
        "/self-report/{token}",
        _same(303),
        data=_self_report_form,
        params=_token,
        auth="cookie",
    ),
    # the page after sending: only for a link sent a moment ago (this one is unused)
    Row("GET", "/self-report/{token}/done", _same(410), params=_token, auth="cookie"),
    # Kiosk (issue 14): the treating clinician hands the device over (and is signed out);
    # the kiosk pages need the kiosk cookie, which no role of the matrix holds
    Row("POST", "/patients/{patient_id}/kiosk", _write(303), auth="cookie"),
    Row("GET", "/kiosk", _same(410), auth="cookie"),
    Row("POST", "/kiosk", _same(410), auth="cookie"),
    Row("GET", "/kiosk/done", _same(410), auth="cookie"),
    Row("POST", "/kiosk/exit", _same(410), auth="cookie"),
    # the patient's own outcome chart: only where the clinic shows it (off by default)
    Row("GET", "/self-report/{token}/chart.svg", _same(404), params=_token, auth="cookie"),
    Row("GET", "/kiosk/chart.svg", _same(404), auth="cookie"),
    Row(
        "GET", "/static/{name}", _same(200), params=lambda cell: {"name": "app.css"}, auth="cookie"
    ),
    # Kept forms (issue 12): only their own user opens one (tests/http/web/test_form_drafts.py);
    # anyone else, whatever the role, finds none.
    Row(
        "GET",
        "/drafts/{draft_id}",
        _expect(
            admin=404,
            supervisor=404,
            clinician_own=404,
            clinician_other=404,
            anonymous=303,
            patient=303,
        ),
        params=lambda cell: {"draft_id": "not-a-kept-form"},
        auth="cookie",
    ),
    Row(
        "GET",
        "/session/keep-alive",
        _expect(
            admin=204,
            supervisor=204,
            clinician_own=204,
            clinician_other=204,
            anonymous=303,
            patient=303,
        ),
        auth="cookie",
    ),
]
